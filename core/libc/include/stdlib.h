/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <stdlib.h> for ported C code on bare metal: the allocation functions (from the arena the
 * caller installed, see vectra/libc/Arena.h) and abort().
 */

#ifndef VECTRA_LIBC_STDLIB_H
#define VECTRA_LIBC_STDLIB_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void* malloc(size_t size);
void* calloc(size_t count, size_t size);
void free(void* pointer);
__attribute__((noreturn)) void abort(void);

#ifdef __cplusplus
}
#endif

#endif
