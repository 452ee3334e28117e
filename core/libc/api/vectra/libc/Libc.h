/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/libc: the few C library functions ported C code (libsodium, BLAKE3) needs on bare metal
 * beyond core/rt's mem* and str*, under C++ names. On bare metal, src/CNames.cpp gives them
 * their C names (strchr, strrchr, strcspn, malloc, calloc, free, errno, assert); host tests call these C++ names
 * and compare them with glibc's functions.
 */

#pragma once

#include <cstdarg>
#include <span>
#include <vectra/Types.h>

namespace vectra::libc {

/* strchr: the first `character` (converted to char) in `text`, its terminator included. */
[[nodiscard]] char* find_character(char const* text, int character);

/* strrchr: the last `character` (converted to char) in `text`, its terminator included. */
[[nodiscard]] char* find_last_character(char const* text, int character);

/* strcspn: how many bytes `text` starts with that are none of `rejected`'s. */
[[nodiscard]] usize span_without(char const* text, char const* rejected);

/* strstr: the first place `text` holds all of `wanted` (`text` itself for an empty one), else null. */
[[nodiscard]] char* find_text(char const* text, char const* wanted);

/* ctype.h in the C locale (the only one), for every unsigned char value and EOF (-1): ASCII only. */
[[nodiscard]] int is_digit(int character);
[[nodiscard]] int is_hex_digit(int character);
[[nodiscard]] int is_space(int character);
[[nodiscard]] int is_letter(int character);
[[nodiscard]] int is_letter_or_digit(int character);
[[nodiscard]] int is_upper(int character);
[[nodiscard]] int is_lower(int character);
[[nodiscard]] int is_printable(int character);
[[nodiscard]] int to_lower(int character);
[[nodiscard]] int to_upper(int character);

/* strerror: glibc's text for the errno values errno.h defines, "Unknown error N" for others. */
[[nodiscard]] char const* error_text(int error_number);

/*
 * vsnprintf: at most `size` bytes (the terminator included) into `buffer`; returns the length
 * the whole output has. Conversions d i u o x X c s p %, flags - + space # 0, width and precision
 * (numbers or *), lengths hh h l ll z j t. Floating point and %n are not supported: the call
 * returns -1 (errno EINVAL) instead of guessing at an argument it cannot consume.
 */
int format_text(char* buffer, usize size, char const* format, va_list arguments);

/*
 * sscanf for integers: conversions d i u o x (lengths hh h l ll z j, no width), %%, literal bytes
 * and white space, with strtol's and strtoul's parsing. Returns how many values were stored, or
 * -1 when the text ended before the first conversion; any other conversion returns -1 with
 * errno EINVAL before storing anything it cannot type.
 */
int scan_text(char const* text, char const* format, va_list arguments);

/* The same formatting, each output byte handed to `put` (vfprintf's path; no length limit). */
using FormatSink = void (*)(void* context, char const* bytes, usize count);
int format_to(FormatSink put, void* context, char const* format, va_list arguments);

/*
 * Where stdout and stderr go (BoringSSL writes there only on a failed self-check): the linking
 * Task installs its console's writer; without one, the bytes are dropped. Passing null removes it.
 */
using OutputSink = void (*)(char const* bytes, usize count);
void use_error_output(OutputSink sink);
void write_error_output(char const* bytes, usize count);

/*
 * strtoul and strtol: optional white space and sign, base 0 (prefix 0x/0X: 16, 0: 8, else 10)
 * or 2-36 (16 accepts 0x); overflow saturates with errno ERANGE; an invalid base sets EINVAL.
 * `end` (if not null) receives the first unparsed byte, or `text` when no digit was read.
 */
[[nodiscard]] unsigned long parse_unsigned_long(char const* text, char** end, int base);
[[nodiscard]] long parse_long(char const* text, char** end, int base);

/* abs, fabs (the sign bit cleared: -0.0 and NaNs too) and floorf, as glibc answers them. */
[[nodiscard]] int absolute_value(int value);
[[nodiscard]] double absolute_value(double value);
[[nodiscard]] float floor_of(float value);

/* strncpy: `source` up to its terminator or `count` bytes, the rest of the `count` bytes zeroed. */
char* copy_text_padded(char* destination, char const* source, usize count);

/* qsort (an in-place heap sort: O(n log n), no recursion, not stable) and bsearch. */
using Comparison = int (*)(void const*, void const*);
void sort(void* base, usize count, usize size, Comparison compare);
[[nodiscard]] void* binary_search(void const* key, void const* base, usize count, usize size, Comparison compare);

/*
 * gmtime_r over `struct tm` (the C fields, no time zone: UTC). Seconds beyond ±2^55 (years past
 * what tm_year holds) give null and errno EOVERFLOW.
 */
struct CalendarTime {
    int second;
    int minute;
    int hour;
    int day_of_month;
    int month; /* 0-11 */
    int years_since_1900;
    int day_of_week; /* 0 = Sunday */
    int day_of_year; /* 0-365 */
    int daylight_saving;
};
[[nodiscard]] bool calendar_from_unix(i64 seconds, CalendarTime& result);

/* The errno values this layer sets (Linux's, as include/errno.h defines them). */
constexpr int error_invalid_argument = 22;
constexpr int error_out_of_range = 34;
constexpr int error_not_implemented = 38;
constexpr int error_overflow = 75;

/* errno: one per image (images run one CPU; ported code never runs in an interrupt). */
[[nodiscard]] int* error_number_location();

/* assert: a failed assertion in ported code panics, naming the expression, file and line. */
[[noreturn]] void assertion_failed(char const* expression, char const* file, int line);

/*
 * malloc/calloc/free for ported code, without a heap: memory comes from the innermost
 * ScopedAllocationArena alive, a buffer the caller (the C++ code calling into the port) hands
 * over for the duration of one call. Without an arena, or when it is used up, allocate()
 * returns null, which the ported code reports as its own out-of-memory error. release() gives
 * nothing back: the whole arena is wiped and returned when the scope ends.
 */
[[nodiscard]] void* allocate(usize size);
class Heap;
/*
 * A Task that owns a Heap (vectra/libc/Heap.h) may make it malloc's memory outside any arena:
 * allocate() then takes from it, release() gives its blocks back (BoringSSL allocates its record
 * buffers with plain malloc). Null removes it. An arena in scope still comes first.
 */
void use_heap(Heap* heap);
[[nodiscard]] void* allocate_zeroed(usize count, usize size);
void release(void* pointer);

class ScopedAllocationArena {
public:
    /* Every allocation is aligned to this (what malloc promises on both architectures). */
    static constexpr usize alignment = 16;

    explicit ScopedAllocationArena(std::span<u8> memory);
    ~ScopedAllocationArena();
    ScopedAllocationArena(ScopedAllocationArena const&) = delete;
    ScopedAllocationArena& operator=(ScopedAllocationArena const&) = delete;

    /* The most bytes in use at once (allocations are never given back before the scope ends). */
    [[nodiscard]] usize used() const { return m_used; }
    [[nodiscard]] usize capacity() const { return m_memory.size(); }

private:
    friend void* allocate(usize);
    [[nodiscard]] void* take(usize size);

    std::span<u8> m_memory;
    usize m_used { 0 };
    ScopedAllocationArena* m_outer { nullptr };
};

}
