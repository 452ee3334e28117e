/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What stands in for streams and the process environment: stdout and stderr go to the sink the
 * linking Task installed, strerror's texts, and nothing else (no files, no environment).
 */

#include <vectra/libc/Libc.h>

namespace vectra::libc {

namespace {

OutputSink s_error_output = nullptr;

struct ErrorText {
    int number;
    char const* text;
};

/* glibc's texts for the values include/errno.h defines. */
constexpr ErrorText error_texts[] = {
    { 1, "Operation not permitted" },
    { 12, "Cannot allocate memory" },
    { 22, "Invalid argument" },
    { 27, "File too large" },
    { 34, "Numerical result out of range" },
    { 38, "Function not implemented" },
    { 75, "Value too large for defined data type" },
};

char s_unknown_text[32];

void format_into(char* buffer, usize size, char const* format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    (void)format_text(buffer, size, format, arguments);
    va_end(arguments);
}

}

void use_error_output(OutputSink sink) { s_error_output = sink; }

void write_error_output(char const* bytes, usize count)
{
    if (s_error_output != nullptr && count > 0)
        s_error_output(bytes, count);
}

char const* error_text(int error_number)
{
    for (auto const& entry : error_texts) {
        if (entry.number == error_number)
            return entry.text;
    }
    /* "Unknown error N", as glibc writes it; the one buffer is this layer's (one CPU, no re-entry). */
    format_into(s_unknown_text, sizeof(s_unknown_text), "Unknown error %d", error_number);
    return s_unknown_text;
}

}
