/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <string.h> for ported C code on bare metal. core/rt defines the mem* and str* functions;
 * core/libc adds the rest (see core/libc/README.md).
 */

#ifndef VECTRA_LIBC_STRING_H
#define VECTRA_LIBC_STRING_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void* memcpy(void* destination, void const* source, size_t count);
void* memmove(void* destination, void const* source, size_t count);
void* memset(void* destination, int value, size_t count);
int memcmp(void const* left, void const* right, size_t count);
void* memchr(void const* haystack, int needle, size_t count);
size_t strlen(char const* text);
size_t strnlen(char const* text, size_t limit);
int strcmp(char const* left, char const* right);
int strncmp(char const* left, char const* right, size_t limit);
char* strchr(char const* text, int character);
char* strrchr(char const* text, int character);
size_t strcspn(char const* text, char const* rejected);
char* strncpy(char* destination, char const* source, size_t count);
char* strstr(char const* text, char const* wanted);
char* strerror(int error_number);

#ifdef __cplusplus
}
#endif

#endif
