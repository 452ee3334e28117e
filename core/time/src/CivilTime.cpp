/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/CivilTime.h>

namespace vectra {

/* Both conversions follow Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms". */
i64 days_from_civil(i32 year, u8 month, u8 day)
{
    i64 shifted_year = static_cast<i64>(year) - (month <= 2 ? 1 : 0);
    i64 era = (shifted_year >= 0 ? shifted_year : shifted_year - 399) / 400;
    i64 year_of_era = shifted_year - era * 400;
    i64 day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    i64 day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

CivilTime civil_from_unix(i64 seconds, u32 nanoseconds)
{
    i64 days = seconds / 86400;
    i64 second_of_day = seconds % 86400;
    if (second_of_day < 0) {
        second_of_day += 86400;
        --days;
    }
    i64 shifted = days + 719468;
    i64 era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
    i64 day_of_era = shifted - era * 146097;
    i64 year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    i64 day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    i64 month_index = (5 * day_of_year + 2) / 153;
    i64 day = day_of_year - (153 * month_index + 2) / 5 + 1;
    i64 month = month_index < 10 ? month_index + 3 : month_index - 9;
    i64 year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);

    CivilTime civil;
    civil.year = static_cast<i32>(year);
    civil.month = static_cast<u8>(month);
    civil.day = static_cast<u8>(day);
    civil.hour = static_cast<u8>(second_of_day / 3600);
    civil.minute = static_cast<u8>(second_of_day % 3600 / 60);
    civil.second = static_cast<u8>(second_of_day % 60);
    civil.nanosecond = nanoseconds;
    return civil;
}

}
