/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The C names of core/libc's functions, for ported C code on bare metal only (the hosted
 * platform and host tests use the host's C library; they call the C++ names).
 */

#include <cstdarg>
#include <vectra/Panic.h>
#include <vectra/libc/Libc.h>

#include "../include/vectra_libc_structs.h"

using vectra::i64;
using vectra::usize;

/* The C types: stdio.h's FILE (opaque to C), and the structures C code fills and reads. */
struct vectra_libc_file {
    int unused;
};

namespace {

vectra_libc_file s_stdout_object {};
vectra_libc_file s_stderr_object {};

void to_error_output(void*, char const* bytes, usize count) { vectra::libc::write_error_output(bytes, count); }

/*
 * A conversion core/libc does not format (floating point, %n, wide characters) panics, naming
 * the format: no ported code in an image uses one, and -1 would make {fmt}, which reaches
 * snprintf only for floating point, retry forever (core/rt).
 */
/* Runs one formatting or scanning call. */
template<typename Call>
int checked(char const* format, Call call)
{
    int* error = vectra::libc::error_number_location();
    int kept = *error;
    *error = 0;
    int result = call();
    if (result < 0 && *error == vectra::libc::error_invalid_argument)
        vectra::panic(format, "core/libc: a printf or scanf conversion images do not have", 0);
    if (*error == 0)
        *error = kept;
    return result;
}


}

extern "C" {

char* strchr(char const* text, int character) { return vectra::libc::find_character(text, character); }
char* strrchr(char const* text, int character) { return vectra::libc::find_last_character(text, character); }
usize strcspn(char const* text, char const* rejected) { return vectra::libc::span_without(text, rejected); }
char* strstr(char const* text, char const* wanted) { return vectra::libc::find_text(text, wanted); }
char* strerror(int error_number) { return const_cast<char*>(vectra::libc::error_text(error_number)); }

int isdigit(int character) { return vectra::libc::is_digit(character); }
int isxdigit(int character) { return vectra::libc::is_hex_digit(character); }
int isspace(int character) { return vectra::libc::is_space(character); }
int isalpha(int character) { return vectra::libc::is_letter(character); }
int isalnum(int character) { return vectra::libc::is_letter_or_digit(character); }
int isupper(int character) { return vectra::libc::is_upper(character); }
int islower(int character) { return vectra::libc::is_lower(character); }
int isprint(int character) { return vectra::libc::is_printable(character); }
int tolower(int character) { return vectra::libc::to_lower(character); }
int toupper(int character) { return vectra::libc::to_upper(character); }

void* malloc(usize size) { return vectra::libc::allocate(size); }
void* calloc(usize count, usize size) { return vectra::libc::allocate_zeroed(count, size); }
void free(void* pointer) { vectra::libc::release(pointer); }

int abs(int value) { return vectra::libc::absolute_value(value); }
double fabs(double value) { return vectra::libc::absolute_value(value); }
float floorf(float value) { return vectra::libc::floor_of(value); }
char* strncpy(char* destination, char const* source, usize count) { return vectra::libc::copy_text_padded(destination, source, count); }

void qsort(void* base, usize count, usize size, int (*compare)(void const*, void const*))
{
    vectra::libc::sort(base, count, size, compare);
}
void* bsearch(void const* key, void const* base, usize count, usize size, int (*compare)(void const*, void const*))
{
    return vectra::libc::binary_search(key, base, count, size, compare);
}
unsigned long strtoul(char const* text, char** end, int base) { return vectra::libc::parse_unsigned_long(text, end, base); }
long strtol(char const* text, char** end, int base) { return vectra::libc::parse_long(text, end, base); }
/* An image has no environment. */
char* getenv(char const*) { return nullptr; }

int vsnprintf(char* buffer, usize size, char const* format, va_list arguments)
{
    return checked(format, [&] { return vectra::libc::format_text(buffer, size, format, arguments); });
}
int sscanf(char const* text, char const* format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int stored = checked(format, [&] { return vectra::libc::scan_text(text, format, arguments); });
    va_end(arguments);
    return stored;
}
int snprintf(char* buffer, usize size, char const* format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int length = vsnprintf(buffer, size, format, arguments);
    va_end(arguments);
    return length;
}

/* stdout and stderr both go to the Task's error output; no other FILE exists (nothing opens one). */
extern vectra_libc_file* const vectra_libc_stdout;
extern vectra_libc_file* const vectra_libc_stderr;
vectra_libc_file* const vectra_libc_stdout = &s_stdout_object;
vectra_libc_file* const vectra_libc_stderr = &s_stderr_object;

int vfprintf(vectra_libc_file*, char const* format, va_list arguments)
{
    return checked(format, [&] { return vectra::libc::format_to(to_error_output, nullptr, format, arguments); });
}
int fprintf(vectra_libc_file* stream, char const* format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int length = vfprintf(stream, format, arguments);
    va_end(arguments);
    return length;
}
int printf(char const* format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int length = vfprintf(vectra_libc_stdout, format, arguments);
    va_end(arguments);
    return length;
}
usize fwrite(void const* data, usize size, usize count, vectra_libc_file*)
{
    if (size == 0 || count == 0)
        return 0;
    vectra::libc::write_error_output(static_cast<char const*>(data), size * count);
    return count;
}
int fputs(char const* text, vectra_libc_file* stream)
{
    usize length = 0;
    while (text[length] != '\0')
        ++length;
    (void)fwrite(text, 1, length, stream);
    return 0;
}
int fputc(int character, vectra_libc_file* stream)
{
    char byte = static_cast<char>(character);
    (void)fwrite(&byte, 1, 1, stream);
    return static_cast<unsigned char>(byte);
}
int putchar(int character) { return fputc(character, vectra_libc_stdout); }
int puts(char const* text)
{
    (void)fputs(text, vectra_libc_stdout);
    return fputc('\n', vectra_libc_stdout) < 0 ? -1 : 0;
}
int fflush(vectra_libc_file*) { return 0; }

/* No ambient wall clock in an image: "not available" (time.h says what callers do instead). */
long time(long* result)
{
    if (result != nullptr)
        *result = -1;
    return -1;
}
int gettimeofday(struct timeval* result, void*)
{
    if (result != nullptr) {
        result->tv_sec = 0;
        result->tv_usec = 0;
    }
    *vectra::libc::error_number_location() = vectra::libc::error_not_implemented;
    return -1;
}
struct tm* gmtime_r(long const* time, struct tm* result)
{
    vectra::libc::CalendarTime calendar {};
    if (!vectra::libc::calendar_from_unix(*time, calendar))
        return nullptr;
    *result = { calendar.second, calendar.minute, calendar.hour, calendar.day_of_month, calendar.month,
        calendar.years_since_1900, calendar.day_of_week, calendar.day_of_year, calendar.daylight_saving };
    return result;
}

/*
 * The names glibc's headers make C++ ports call (their C++ keeps the toolchain's headers, which
 * are glibc's: HarfBuzz's errno and assert).
 */
int* __errno_location() { return vectra::libc::error_number_location(); }
[[noreturn]] void __assert_fail(char const* expression, char const* file, unsigned line, char const*)
{
    vectra::libc::assertion_failed(expression, file, int(line));
}

int* vectra_libc_errno_location() { return vectra::libc::error_number_location(); }

[[noreturn]] void vectra_libc_assert_failed(char const* expression, char const* file, int line)
{
    vectra::libc::assertion_failed(expression, file, line);
}
}
