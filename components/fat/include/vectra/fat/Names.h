/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <string_view>
#include <vectra/fat/Layout.h>

namespace vectra::fat {

/* A name as read from a directory, in UTF-8: up to 255 UTF-16 units, so at most 765 bytes. */
struct Name {
    char bytes[768] {};
    u16 length { 0 };

    [[nodiscard]] std::string_view view() const { return { bytes, length }; }
};

/* A long name as stored: UTF-16 units. */
struct LongName {
    u16 units[maximum_long_name_units] {};
    u16 length { 0 };

    [[nodiscard]] u32 entry_count() const
    {
        return (length + long_name_units_per_entry - 1) / long_name_units_per_entry;
    }
};

/*
 * A name a caller asks for, checked against FAT's rules: valid UTF-8, 1-255 UTF-16 units, no
 * control characters, none of " * / : < > ? \ |, not "." or "..", no trailing dot or space
 * (Windows drops them, so two names would meet).
 */
[[nodiscard]] ErrorOr<LongName> long_name_from_utf8(std::string_view);

/* UTF-16 units to UTF-8; false on an unpaired surrogate or a NUL. */
[[nodiscard]] bool utf8_from_units(std::span<u16 const>, Name&);

/*
 * The 8.3 name a long name starts from (the "basis name"): upper case, characters a short name
 * cannot hold become '_', spaces and leading dots dropped, the base cut at 8 and the extension
 * (after the last dot) at 3. `lossy` when that lost anything, then the name takes a ~N tail;
 * `needs_long_name` when lossy or when a part mixes cases; otherwise `case_flags` says which
 * parts are shown in lower case.
 */
struct BasisName {
    ShortName name {};
    bool lossy { false };
    bool needs_long_name { false };
    u8 case_flags { 0 };
};
[[nodiscard]] BasisName basis_name(std::string_view utf8);

/* The basis name with the tail ~N (1 <= N <= 999999), the base cut to make room. */
[[nodiscard]] ShortName with_tail(ShortName const& basis, u32 number);

/* How a short name reads: "NAME.EXT", lower-cased by the case flags; bytes past ASCII read '_'. */
void short_name_text(ShortName const&, u8 case_flags, Name&);

/* FAT compares names ignoring ASCII case. */
[[nodiscard]] bool names_equal(std::string_view, std::string_view);

}
