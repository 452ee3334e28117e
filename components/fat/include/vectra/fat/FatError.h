/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Error.h>

namespace vectra::fat {

/* The FAT32 library's own failures; every one carries a message naming the rule it broke. */
enum class FatError : u16 {
    NotFat32 = 1,
    Corrupt = 2,
    NoSpace = 3,
    NotFound = 4,
    Exists = 5,
    NotDirectory = 6,
    IsDirectory = 7,
    NotEmpty = 8,
    InvalidName = 9,
    Stale = 10,
    TooLarge = 11,
    DeviceMismatch = 12,
};

[[nodiscard]] char const* fat_error_name(u16 code);
inline constexpr ErrorDomain fat_error_domain { "fat", &fat_error_name };
constexpr ErrorDomain const& error_domain(FatError) { return fat_error_domain; }

}
