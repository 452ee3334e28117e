/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/CivilTime.h>
#include <vectra/Rfc3339.h>

namespace vectra {

namespace {

void append_digits(Rfc3339Text& text, u32 value, usize count)
{
    char digits[10] {};
    for (usize index = count; index > 0; --index) {
        digits[index - 1] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    text.append(std::string_view(digits, count));
}

/* Reads exactly `count` decimal digits at `position`. */
bool read_digits(std::string_view text, usize position, usize count, u32& value)
{
    if (position + count > text.size())
        return false;
    value = 0;
    for (usize index = 0; index < count; ++index) {
        char character = text[position + index];
        if (character < '0' || character > '9')
            return false;
        value = value * 10 + static_cast<u32>(character - '0');
    }
    return true;
}

bool expect(std::string_view text, usize position, char wanted)
{
    return position < text.size() && text[position] == wanted;
}

}

Rfc3339Text format_rfc3339(WallTime time, FractionDigits digits)
{
    CivilTime civil = civil_from_unix(time.unix_seconds(), time.nanoseconds());
    Rfc3339Text text;
    append_digits(text, static_cast<u32>(civil.year), 4);
    text.append("-");
    append_digits(text, civil.month, 2);
    text.append("-");
    append_digits(text, civil.day, 2);
    text.append("T");
    append_digits(text, civil.hour, 2);
    text.append(":");
    append_digits(text, civil.minute, 2);
    text.append(":");
    append_digits(text, civil.second, 2);

    usize count = 0;
    switch (digits) {
    case FractionDigits::Automatic:
        if (civil.nanosecond == 0)
            count = 0;
        else if (civil.nanosecond % 1'000'000 == 0)
            count = 3;
        else if (civil.nanosecond % 1'000 == 0)
            count = 6;
        else
            count = 9;
        break;
    case FractionDigits::None:
        count = 0;
        break;
    case FractionDigits::Three:
        count = 3;
        break;
    case FractionDigits::Six:
        count = 6;
        break;
    case FractionDigits::Nine:
        count = 9;
        break;
    }
    if (count > 0) {
        u32 fraction = civil.nanosecond;
        for (usize dropped = count; dropped < 9; ++dropped)
            fraction /= 10;
        text.append(".");
        append_digits(text, fraction, count);
    }
    text.append("Z");
    return text;
}

ErrorOr<Rfc3339Timestamp> parse_rfc3339(std::string_view text)
{
    if (text.size() > 64)
        return Error(ErrorCode::TooLarge, "RFC 3339: timestamp is longer than 64 bytes");
    u32 year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!read_digits(text, 0, 4, year) || !expect(text, 4, '-') || !read_digits(text, 5, 2, month)
        || !expect(text, 7, '-') || !read_digits(text, 8, 2, day))
        return Error(ErrorCode::InvalidArgument, "RFC 3339: date is not YYYY-MM-DD");
    if (month < 1 || month > 12)
        return Error(ErrorCode::InvalidArgument, "RFC 3339: month is not 01-12");
    if (day < 1 || day > days_in_month(static_cast<i32>(year), static_cast<u8>(month)))
        return Error(ErrorCode::InvalidArgument, "RFC 3339: day does not exist in that month");
    if (text.size() <= 10 || (text[10] != 'T' && text[10] != 't' && text[10] != ' '))
        return Error(ErrorCode::InvalidArgument, "RFC 3339: date and time are not separated by T");
    if (!read_digits(text, 11, 2, hour) || !expect(text, 13, ':') || !read_digits(text, 14, 2, minute)
        || !expect(text, 16, ':') || !read_digits(text, 17, 2, second))
        return Error(ErrorCode::InvalidArgument, "RFC 3339: time is not HH:MM:SS");
    if (hour > 23)
        return Error(ErrorCode::InvalidArgument, "RFC 3339: hour is not 00-23");
    if (minute > 59)
        return Error(ErrorCode::InvalidArgument, "RFC 3339: minute is not 00-59");
    if (second == 60)
        return Error(ErrorCode::Unsupported, "RFC 3339: leap second 60 has no POSIX time");
    if (second > 59)
        return Error(ErrorCode::InvalidArgument, "RFC 3339: second is not 00-59");

    usize position = 19;
    u32 nanosecond = 0;
    if (expect(text, position, '.')) {
        ++position;
        usize digits = 0;
        while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
            if (digits < 9)
                nanosecond = nanosecond * 10 + static_cast<u32>(text[position] - '0');
            else if (text[position] != '0')
                return Error(ErrorCode::Unsupported, "RFC 3339: fraction is finer than nanoseconds");
            ++digits;
            ++position;
        }
        if (digits == 0)
            return Error(ErrorCode::InvalidArgument, "RFC 3339: no digits after the decimal point");
        for (; digits < 9; ++digits)
            nanosecond *= 10;
    }

    i32 offset_minutes = 0;
    if (position >= text.size())
        return Error(ErrorCode::InvalidArgument, "RFC 3339: offset (Z or +HH:MM) is missing");
    char sign = text[position];
    if (sign == 'Z' || sign == 'z') {
        ++position;
    } else if (sign == '+' || sign == '-') {
        u32 offset_hour = 0, offset_minute = 0;
        if (!read_digits(text, position + 1, 2, offset_hour) || !expect(text, position + 3, ':')
            || !read_digits(text, position + 4, 2, offset_minute))
            return Error(ErrorCode::InvalidArgument, "RFC 3339: offset is not +HH:MM or -HH:MM");
        if (offset_hour > 23 || offset_minute > 59)
            return Error(ErrorCode::InvalidArgument, "RFC 3339: offset is out of range");
        offset_minutes = static_cast<i32>(offset_hour * 60 + offset_minute);
        if (sign == '-')
            offset_minutes = -offset_minutes;
        position += 6;
    } else {
        return Error(ErrorCode::InvalidArgument, "RFC 3339: offset (Z or +HH:MM) is missing");
    }
    if (position != text.size())
        return Error(ErrorCode::InvalidArgument, "RFC 3339: text follows the timestamp");

    i64 local_seconds = days_from_civil(static_cast<i32>(year), static_cast<u8>(month), static_cast<u8>(day)) * 86400
        + static_cast<i64>(hour) * 3600 + static_cast<i64>(minute) * 60 + second;
    auto time = WallTime::from_unix(local_seconds - static_cast<i64>(offset_minutes) * 60, nanosecond);
    if (time.is_error())
        return Error(ErrorCode::InvalidArgument, "RFC 3339: the instant in UTC falls outside the years 0000-9999");
    return Rfc3339Timestamp { time.value(), static_cast<i16>(offset_minutes) };
}

}
