/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <unistd.h> for ported C code on bare metal: included, never used (libsodium includes it
 * unconditionally; it only needs sysconf for page protection, which is not built).
 */

#ifndef VECTRA_LIBC_UNISTD_H
#define VECTRA_LIBC_UNISTD_H

#include <sys/types.h>

#endif
