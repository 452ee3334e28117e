/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The C names of core/libc's functions, for ported C code on bare metal only (the hosted
 * platform and host tests use the host's C library; they call the C++ names).
 */

#include <vectra/libc/Libc.h>

using vectra::usize;

extern "C" {

char* strchr(char const* text, int character) { return vectra::libc::find_character(text, character); }
char* strrchr(char const* text, int character) { return vectra::libc::find_last_character(text, character); }
usize strcspn(char const* text, char const* rejected) { return vectra::libc::span_without(text, rejected); }
char* strstr(char const* text, char const* wanted) { return vectra::libc::find_text(text, wanted); }
int isdigit(int character) { return vectra::libc::is_digit(character); }
int isspace(int character) { return vectra::libc::is_space(character); }

void* malloc(usize size) { return vectra::libc::allocate(size); }
void* calloc(usize count, usize size) { return vectra::libc::allocate_zeroed(count, size); }
void free(void* pointer) { vectra::libc::release(pointer); }

int* vectra_libc_errno_location() { return vectra::libc::error_number_location(); }

[[noreturn]] void vectra_libc_assert_failed(char const* expression, char const* file, int line)
{
    vectra::libc::assertion_failed(expression, file, line);
}
}
