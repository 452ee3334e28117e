/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <time.h> for ported C code on bare metal: included, never used (images keep time through
 * the platform interface).
 */

#ifndef VECTRA_LIBC_TIME_H
#define VECTRA_LIBC_TIME_H

#include <stddef.h>

#endif
