/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <stdlib.h> for ported C code on bare metal: the allocation functions (from the arena the
 * caller installed, see vectra/libc/Libc.h), abort(), sorting and searching, strtoul/strtol,
 * and getenv (an image has no environment: always null).
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

void qsort(void* base, size_t count, size_t size, int (*compare)(void const*, void const*));
void* bsearch(void const* key, void const* base, size_t count, size_t size, int (*compare)(void const*, void const*));
unsigned long strtoul(char const* text, char** end, int base);
long strtol(char const* text, char** end, int base);
char* getenv(char const* name);
int abs(int value);

#ifdef __cplusplus
}
#endif

#endif
