/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Error.h>

namespace vectra::store {

/* The store's own failures; every one carries a message naming the rule it broke. */
enum class StoreError : u16 {
    NotAStore = 1,
    Corrupt = 2,
    NoSpace = 3,
    NotFound = 4,
    Exists = 5,
    InvalidName = 6,
    Stale = 7,
    TooLarge = 8,
    DeviceMismatch = 9,
    OutOfMemory = 10,
};

[[nodiscard]] char const* store_error_name(u16 code);
inline constexpr ErrorDomain store_error_domain { "store", &store_error_name };
constexpr ErrorDomain const& error_domain(StoreError) { return store_error_domain; }

}
