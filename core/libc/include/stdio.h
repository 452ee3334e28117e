/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <stdio.h> for ported C code on bare metal. An image has no files and no streams: FILE is an
 * opaque type so headers that name it compile (BoringSSL's *_fp functions), and the only FILE
 * objects are stdout and stderr, whose bytes go to the sink the linking Task installed
 * (vectra::libc::use_error_output; dropped without one). Formatting into memory is complete
 * (snprintf, vsnprintf: core/libc/README.md lists the conversions), sscanf reads integers;
 * nothing here opens a file.
 */

#ifndef VECTRA_LIBC_STDIO_H
#define VECTRA_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vectra_libc_file FILE;

extern FILE* const vectra_libc_stdout;
extern FILE* const vectra_libc_stderr;
#define stdout vectra_libc_stdout
#define stderr vectra_libc_stderr

#define EOF (-1)

int snprintf(char* buffer, size_t size, char const* format, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char* buffer, size_t size, char const* format, va_list arguments) __attribute__((format(printf, 3, 0)));
int sscanf(char const* text, char const* format, ...) __attribute__((format(scanf, 2, 3)));
int fprintf(FILE* stream, char const* format, ...) __attribute__((format(printf, 2, 3)));
int vfprintf(FILE* stream, char const* format, va_list arguments) __attribute__((format(printf, 2, 0)));
int printf(char const* format, ...) __attribute__((format(printf, 1, 2)));
int fputs(char const* text, FILE* stream);
int fputc(int character, FILE* stream);
int putchar(int character);
int puts(char const* text);
size_t fwrite(void const* data, size_t size, size_t count, FILE* stream);
int fflush(FILE* stream);

#ifdef __cplusplus
}
#endif

#endif
