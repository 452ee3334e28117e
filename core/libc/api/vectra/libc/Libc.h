/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/libc: the few C library functions ported C code (libsodium, BLAKE3) needs on bare metal
 * beyond core/rt's mem* and str*, under C++ names. On bare metal, src/CNames.cpp gives them
 * their C names (strchr, strrchr, strcspn, malloc, calloc, free, errno, assert); host tests call these C++ names
 * and compare them with glibc's functions.
 */

#pragma once

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

/* isdigit and isspace in the C locale (the only one): '0'-'9'; ' ', '\t', '\n', '\v', '\f', '\r'. */
[[nodiscard]] int is_digit(int character);
[[nodiscard]] int is_space(int character);

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
