/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Types.h>

namespace vectra {

/* A proleptic Gregorian date and time of day in UTC, as RFC 3339 writes it. */
struct CivilTime {
    i32 year { 1970 };
    u8 month { 1 }; /* 1-12 */
    u8 day { 1 }; /* 1-31 */
    u8 hour { 0 };
    u8 minute { 0 };
    u8 second { 0 };
    u32 nanosecond { 0 };
};

[[nodiscard]] constexpr bool is_leap_year(i32 year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

[[nodiscard]] constexpr u8 days_in_month(i32 year, u8 month)
{
    constexpr u8 days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month == 2 && is_leap_year(year))
        return 29;
    return days[month - 1];
}

/* Days since 1970-01-01 of a valid date (H. Hinnant's days_from_civil). */
[[nodiscard]] i64 days_from_civil(i32 year, u8 month, u8 day);

/* Splits Unix seconds into a civil date and time. */
[[nodiscard]] CivilTime civil_from_unix(i64 seconds, u32 nanoseconds);

}
