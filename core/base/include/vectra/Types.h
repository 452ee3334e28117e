/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

namespace vectra {

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;
using u64 = uint64_t;
using i8 = int8_t;
using i16 = int16_t;
using i32 = int32_t;
using i64 = int64_t;
using usize = size_t;
using uptr = uintptr_t;

constexpr u64 KiB = 1024;
constexpr u64 MiB = 1024 * KiB;
constexpr u64 GiB = 1024 * MiB;

[[nodiscard]] constexpr u64 align_up(u64 value, u64 alignment) { return (value + alignment - 1) & ~(alignment - 1); }
[[nodiscard]] constexpr u64 align_down(u64 value, u64 alignment) { return value & ~(alignment - 1); }
[[nodiscard]] constexpr bool is_power_of_two(u64 value) { return value != 0 && (value & (value - 1)) == 0; }

/* Base for types that must never be copied or moved (kernel objects live where they were placed). */
class Pinned {
protected:
    Pinned() = default;
    ~Pinned() = default;

public:
    Pinned(Pinned const&) = delete;
    Pinned& operator=(Pinned const&) = delete;
    Pinned(Pinned&&) = delete;
    Pinned& operator=(Pinned&&) = delete;
};

}
