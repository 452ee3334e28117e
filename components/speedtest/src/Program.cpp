/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The program runner (Program.h) and the C functions program/'s headers name. Formatting is
 * SQLite's own printf (sqlite3_vmprintf: the C conversions and flags, plus SQLite's %q/%Q/%w),
 * because the programs this runs are SQLite's; core/libc keeps no printf engine beside {fmt}.
 */

#include "Program.h"

#include <boost/context/detail/fcontext.hpp>
#include <sqlite3.h>
#include <string.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include "../program/vectra_program.h"

struct vectra_program_stream {
    int unused;
};

/*
 * Under AddressSanitizer (the host test) the stack may still carry an abandoned program's frame
 * redzones in the shadow memory (exit never unwinds them): they are unpoisoned before each run,
 * as the executor does for a new Task's stack.
 */
#if defined(__SANITIZE_ADDRESS__)
#    define VECTRA_PROGRAM_STACK_UNDER_ASAN 1
#elif defined(__has_feature)
#    if __has_feature(address_sanitizer)
#        define VECTRA_PROGRAM_STACK_UNDER_ASAN 1
#    endif
#endif
#ifdef VECTRA_PROGRAM_STACK_UNDER_ASAN
extern "C" void __asan_unpoison_memory_region(void const volatile* address, vectra::usize size);
#endif

namespace vectra::program {

namespace {

namespace fcontext = boost::context::detail;

constexpr usize canary_bytes = 4 * KiB;
constexpr u8 canary = 0x5c;
constexpr usize line_capacity = 512;

struct Run {
    Main main { nullptr };
    int argument_count { 0 };
    char** arguments { nullptr };
    ConsoleCap const* console { nullptr };
    fcontext::fcontext_t task { nullptr };
    int status { 0 };
    char line[line_capacity] {};
    usize line_length { 0 };
    ErrorOr<void> output {}; /* the first failed console write, if any */
};

Run* s_run = nullptr;

void write_line()
{
    if (s_run->line_length == 0)
        return;
    auto written = system::console_write(*s_run->console, std::string_view(s_run->line, s_run->line_length));
    if (written.is_error() && !s_run->output.is_error())
        s_run->output = written.error();
    s_run->line_length = 0;
}

/* Whole lines: the console is shared by every Task, so a line is written once it ends (or fills the buffer). */
void append(char const* text, usize length)
{
    for (usize index = 0; index < length; ++index) {
        s_run->line[s_run->line_length++] = text[index];
        if (text[index] == '\n' || s_run->line_length == line_capacity)
            write_line();
    }
}

[[noreturn]] void leave(int status)
{
    write_line();
    s_run->status = status;
    fcontext::jump_fcontext(s_run->task, nullptr);
    __builtin_unreachable();
}

void program_entry(fcontext::transfer_t transfer)
{
    s_run->task = transfer.fctx;
    leave(s_run->main(s_run->argument_count, s_run->arguments));
}

}

ErrorOr<int> run(Main main, std::span<char*> arguments, std::span<u8> stack, ConsoleCap const& console)
{
    if (s_run != nullptr)
        return Error(ErrorCode::Busy, "a program is already running");
    if (arguments.empty() || arguments.back() != nullptr)
        return Error(ErrorCode::InvalidArgument, "a program's arguments end with a null pointer");
    if (stack.size() < 4 * canary_bytes)
        return Error(ErrorCode::InvalidArgument, "a program's stack is at least 16 KiB");
#ifdef VECTRA_PROGRAM_STACK_UNDER_ASAN
    __asan_unpoison_memory_region(stack.data(), stack.size());
#endif
    memset(stack.data(), canary, canary_bytes);
    Run state;
    state.main = main;
    state.argument_count = static_cast<int>(arguments.size() - 1);
    state.arguments = arguments.data();
    state.console = &console;
    s_run = &state;
    uptr top = (reinterpret_cast<uptr>(stack.data()) + stack.size()) & ~uptr(15);
    auto context = fcontext::make_fcontext(reinterpret_cast<void*>(top), top - reinterpret_cast<uptr>(stack.data()), program_entry);
    (void)fcontext::jump_fcontext(context, nullptr);
    s_run = nullptr;
    for (usize index = 0; index < canary_bytes; ++index) {
        if (stack[index] != canary)
            return Error(ErrorCode::OutOfMemory, "the program's stack reached its last 4 KiB");
    }
    if (state.output.is_error())
        return state.output.error();
    return state.status;
}

}

namespace {
vectra_program_stream standard_output;
vectra_program_stream standard_error;
}

extern "C" {

vectra_program_file* const vectra_program_stdout = &standard_output;
vectra_program_file* const vectra_program_stderr = &standard_error;

int vectra_program_vfprintf(vectra_program_file* stream, char const* format, va_list arguments)
{
    if (stream != vectra_program_stdout && stream != vectra_program_stderr)
        return -1;
    char* text = sqlite3_vmprintf(format, arguments);
    if (text == nullptr)
        return -1;
    vectra::usize length = strlen(text);
    vectra::program::append(text, length);
    sqlite3_free(text);
    return static_cast<int>(length);
}

int vectra_program_vprintf(char const* format, va_list arguments)
{
    return vectra_program_vfprintf(vectra_program_stdout, format, arguments);
}

int vectra_program_printf(char const* format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int count = vectra_program_vfprintf(vectra_program_stdout, format, arguments);
    va_end(arguments);
    return count;
}

int vectra_program_fprintf(vectra_program_file* stream, char const* format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int count = vectra_program_vfprintf(stream, format, arguments);
    va_end(arguments);
    return count;
}

size_t vectra_program_fwrite(void const* bytes, size_t size, size_t count, vectra_program_file* stream)
{
    if ((stream != vectra_program_stdout && stream != vectra_program_stderr) || size == 0)
        return 0;
    vectra::program::append(static_cast<char const*>(bytes), size * count);
    return count;
}

int vectra_program_fputs(char const* text, vectra_program_file* stream)
{
    if (stream != vectra_program_stdout && stream != vectra_program_stderr)
        return -1;
    vectra::program::append(text, strlen(text));
    return 0;
}

int vectra_program_puts(char const* text)
{
    vectra::program::append(text, strlen(text));
    vectra::program::append("\n", 1);
    return 0;
}

int vectra_program_putchar(int character)
{
    char byte = static_cast<char>(character);
    vectra::program::append(&byte, 1);
    return static_cast<unsigned char>(byte);
}

/* A line is written when it ends: flushing a part of one would let another Task's line into it. */
int vectra_program_fflush(vectra_program_file*) { return 0; }

vectra_program_file* vectra_program_fopen(char const*, char const*) { return nullptr; }

int vectra_program_fclose(vectra_program_file*) { return -1; }

char* vectra_program_fgets(char*, int, vectra_program_file*) { return nullptr; }

void vectra_program_exit(int status) { vectra::program::leave(status); }

void* vectra_program_malloc(size_t) { return nullptr; }

void vectra_program_free(void* pointer)
{
    /* Nothing was handed out, so only null can come back. */
    if (pointer != nullptr)
        vectra_program_exit(134);
}

int vectra_program_atoi(char const* text)
{
    while (*text == ' ' || (*text >= '\t' && *text <= '\r'))
        ++text;
    bool negative = *text == '-';
    if (*text == '-' || *text == '+')
        ++text;
    /* Accumulated as unsigned (two's complement wrap), like glibc's strtol-based atoi for values in range. */
    unsigned value = 0;
    while (*text >= '0' && *text <= '9')
        value = value * 10 + static_cast<unsigned>(*text++ - '0');
    return static_cast<int>(negative ? 0u - value : value);
}

int vectra_program_unlink(char const*) { return -1; }

}
