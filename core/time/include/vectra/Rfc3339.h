/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Error.h>
#include <vectra/FixedString.h>
#include <vectra/WallTime.h>

namespace vectra {

/* How many fraction-of-second digits RFC 3339 output carries. */
enum class FractionDigits : u8 {
    Automatic, /* none for whole seconds, else 3, 6 or 9: the fewest that are exact */
    None, /* truncated to whole seconds */
    Three,
    Six,
    Nine,
};

/* "9999-12-31T23:59:59.999999999Z" */
inline constexpr usize rfc3339_maximum_length = 30;
using Rfc3339Text = FixedString<rfc3339_maximum_length>;

/* Always in UTC with a "Z" offset, e.g. 2024-02-29T13:05:09.250Z. */
[[nodiscard]] Rfc3339Text format_rfc3339(WallTime, FractionDigits = FractionDigits::Automatic);

/* A parsed timestamp: the instant (in UTC) and the offset it was written with. */
struct Rfc3339Timestamp {
    WallTime time;
    i16 offset_minutes { 0 }; /* +01:00 is 60; "Z" and "-00:00" are 0 */
};

/*
 * Parses RFC 3339 date-time (section 5.6): "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)",
 * "T"/"Z" in either case, or a space between date and time. Refused, each with its own message:
 * impossible dates (February 30), out-of-range fields, leap second 60 (not representable in
 * POSIX time), fraction digits past the ninth that are not zero... see the tests. At most 64 bytes.
 */
[[nodiscard]] ErrorOr<Rfc3339Timestamp> parse_rfc3339(std::string_view);

}
