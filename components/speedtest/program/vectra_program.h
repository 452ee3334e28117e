/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The C interface of the program runner (src/Program.cpp) under its own names: what a C program
 * run inside a Task has of stdio, stdlib and unistd. stdout and stderr are the Task's console,
 * written in whole lines; fopen opens nothing (the program reaches files through its own library,
 * e.g. SQLite's VFS over vfsd); exit returns to the Task with its status; malloc has no heap to
 * give (null). This folder's stdio.h, stdlib.h and unistd.h map the standard names onto these,
 * so the same object links on bare metal and in the hosted process (whose C library owns the
 * standard names). Only what speedtest1.c uses is here.
 */

#ifndef VECTRA_PROGRAM_H
#define VECTRA_PROGRAM_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vectra_program_stream vectra_program_file;

extern vectra_program_file* const vectra_program_stdout;
extern vectra_program_file* const vectra_program_stderr;

int vectra_program_printf(char const* format, ...) __attribute__((__format__(__printf__, 1, 2)));
int vectra_program_fprintf(vectra_program_file* stream, char const* format, ...) __attribute__((__format__(__printf__, 2, 3)));
int vectra_program_vprintf(char const* format, va_list arguments);
int vectra_program_vfprintf(vectra_program_file* stream, char const* format, va_list arguments);
int vectra_program_putchar(int character);
size_t vectra_program_fwrite(void const* bytes, size_t size, size_t count, vectra_program_file* stream);
int vectra_program_fputs(char const* text, vectra_program_file* stream);
int vectra_program_puts(char const* text);
int vectra_program_fflush(vectra_program_file* stream);
vectra_program_file* vectra_program_fopen(char const* path, char const* mode);
int vectra_program_fclose(vectra_program_file* stream);
char* vectra_program_fgets(char* buffer, int size, vectra_program_file* stream);

__attribute__((__noreturn__)) void vectra_program_exit(int status);
void* vectra_program_malloc(size_t size);
void vectra_program_free(void* pointer);
int vectra_program_atoi(char const* text);

int vectra_program_unlink(char const* path);

#ifdef __cplusplus
}
#endif

#endif
