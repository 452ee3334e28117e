/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <stdio.h> for a C program run inside a Task: the standard names of vectra_program.h's streams.
 */

#ifndef VECTRA_PROGRAM_STDIO_H
#define VECTRA_PROGRAM_STDIO_H

#include "vectra_program.h"

typedef vectra_program_file FILE;
#define stdout vectra_program_stdout
#define stderr vectra_program_stderr
#define EOF (-1)

#define printf vectra_program_printf
#define fprintf vectra_program_fprintf
#define vprintf vectra_program_vprintf
#define vfprintf vectra_program_vfprintf
#define putchar vectra_program_putchar
#define fwrite vectra_program_fwrite
#define fputs vectra_program_fputs
#define puts vectra_program_puts
#define fflush vectra_program_fflush
#define fopen vectra_program_fopen
#define fclose vectra_program_fclose
#define fgets vectra_program_fgets

#endif
