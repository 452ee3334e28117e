/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * strtoul and strtol with glibc's rules: white space, a sign, the base's prefix, as many digits
 * as there are (all of them consumed even past an overflow), saturation with ERANGE.
 */

#include <climits>
#include <vectra/libc/Libc.h>

namespace vectra::libc {

namespace {

int digit_value(char character)
{
    if (character >= '0' && character <= '9')
        return character - '0';
    if (character >= 'a' && character <= 'z')
        return character - 'a' + 10;
    if (character >= 'A' && character <= 'Z')
        return character - 'A' + 10;
    return 99;
}

struct Parsed {
    unsigned long magnitude { 0 };
    bool negative { false };
    bool overflowed { false };
    bool any_digit { false };
};

Parsed parse(char const* text, char** end, int base)
{
    Parsed parsed;
    /* An invalid base leaves `end` alone, as glibc does. */
    if (base < 0 || base == 1 || base > 36) {
        *error_number_location() = error_invalid_argument;
        return parsed;
    }
    if (end != nullptr)
        *end = const_cast<char*>(text);
    char const* cursor = text;
    while (is_space(static_cast<unsigned char>(*cursor)))
        ++cursor;
    if (*cursor == '+' || *cursor == '-')
        parsed.negative = *cursor++ == '-';
    /* "0x" counts as a prefix only when a hex digit follows; otherwise the 0 is the number. */
    if ((base == 0 || base == 16) && cursor[0] == '0' && (cursor[1] == 'x' || cursor[1] == 'X')
        && digit_value(cursor[2]) < 16) {
        cursor += 2;
        base = 16;
    } else if (base == 0) {
        base = cursor[0] == '0' ? 8 : 10;
    }
    unsigned long const limit = ULONG_MAX / static_cast<unsigned long>(base);
    for (;; ++cursor) {
        int value = digit_value(*cursor);
        if (value >= base)
            break;
        parsed.any_digit = true;
        if (parsed.magnitude > limit
            || parsed.magnitude * static_cast<unsigned long>(base) > ULONG_MAX - static_cast<unsigned long>(value))
            parsed.overflowed = true;
        else
            parsed.magnitude = parsed.magnitude * static_cast<unsigned long>(base) + static_cast<unsigned long>(value);
    }
    if (parsed.any_digit && end != nullptr)
        *end = const_cast<char*>(cursor);
    return parsed;
}

}

unsigned long parse_unsigned_long(char const* text, char** end, int base)
{
    Parsed parsed = parse(text, end, base);
    if (parsed.overflowed) {
        *error_number_location() = error_out_of_range;
        return ULONG_MAX;
    }
    return parsed.negative ? 0ul - parsed.magnitude : parsed.magnitude;
}

long parse_long(char const* text, char** end, int base)
{
    Parsed parsed = parse(text, end, base);
    unsigned long const most = parsed.negative ? static_cast<unsigned long>(LONG_MAX) + 1 : LONG_MAX;
    if (parsed.overflowed || parsed.magnitude > most) {
        *error_number_location() = error_out_of_range;
        return parsed.negative ? LONG_MIN : LONG_MAX;
    }
    if (parsed.negative)
        return parsed.magnitude == most ? LONG_MIN : -static_cast<long>(parsed.magnitude);
    return static_cast<long>(parsed.magnitude);
}

}
