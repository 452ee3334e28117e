/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <sys/types.h> for ported C code on bare metal: the few POSIX types ported code names.
 */

#ifndef VECTRA_LIBC_SYS_TYPES_H
#define VECTRA_LIBC_SYS_TYPES_H

#include <stddef.h>

typedef long ssize_t;

#endif
