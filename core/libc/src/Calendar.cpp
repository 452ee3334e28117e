/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * gmtime_r's arithmetic, on core/time's civil-date conversion.
 */

#include <vectra/CivilTime.h>
#include <vectra/libc/Libc.h>

namespace vectra::libc {

bool calendar_from_unix(i64 seconds, CalendarTime& result)
{
    constexpr i64 limit = i64(1) << 55;
    if (seconds > limit || seconds < -limit) {
        *error_number_location() = error_overflow;
        return false;
    }
    CivilTime civil = civil_from_unix(seconds, 0);
    i64 days = days_from_civil(civil.year, civil.month, civil.day);
    result.second = civil.second;
    result.minute = civil.minute;
    result.hour = civil.hour;
    result.day_of_month = civil.day;
    result.month = civil.month - 1;
    result.years_since_1900 = civil.year - 1900;
    /* 1970-01-01 was a Thursday (4). */
    result.day_of_week = static_cast<int>(((days % 7) + 11) % 7);
    result.day_of_year = static_cast<int>(days - days_from_civil(civil.year, 1, 1));
    result.daylight_saving = 0;
    return true;
}

}
