/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Panic.h>
#include <vectra/libc/Libc.h>

namespace vectra::libc {

namespace {

/* The C library's errno: ported code sets it, nothing in Vectra reads it. */
int s_error_number = 0;

}

int* error_number_location() { return &s_error_number; }

void assertion_failed(char const* expression, char const* file, int line)
{
    /* The report names the failed expression and where it is; the file is ported code. */
    panic(expression, file, line);
}

}
