/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <sys/time.h> for ported C code on bare metal: struct timeval, and gettimeofday, which fails
 * (ENOSYS, a zero time) because an image has no ambient wall clock (see <time.h>).
 */

#ifndef VECTRA_LIBC_SYS_TIME_H
#define VECTRA_LIBC_SYS_TIME_H

#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef long suseconds_t;

int gettimeofday(struct timeval* result, void* zone);

#ifdef __cplusplus
}
#endif

#endif
