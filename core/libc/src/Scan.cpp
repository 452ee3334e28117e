/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * sscanf for integers (BoringSSL reads an IPv4 address with "%d.%d.%d.%d"): glibc's rules for
 * white space, literals, %% and the count it returns, each number parsed as strtol/strtoul do.
 */

#include <vectra/libc/Libc.h>

namespace vectra::libc {

int scan_text(char const* text, char const* format, va_list arguments)
{
    va_list list;
    va_copy(list, arguments);
    int stored = 0;
    bool converted_any = false;
    char const* cursor = text;
    auto result = [&](int value) {
        va_end(list);
        return value;
    };
    while (*format != '\0') {
        if (is_space(static_cast<unsigned char>(*format))) {
            while (is_space(static_cast<unsigned char>(*format)))
                ++format;
            while (is_space(static_cast<unsigned char>(*cursor)))
                ++cursor;
            continue;
        }
        if (*format != '%' || format[1] == '%') {
            if (*format == '%') {
                ++format;
                while (is_space(static_cast<unsigned char>(*cursor)))
                    ++cursor;
            }
            if (*cursor == '\0')
                return result(converted_any ? stored : -1);
            if (*cursor != *format)
                return result(stored);
            ++cursor;
            ++format;
            continue;
        }
        ++format;
        int size = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long (z, j: long on LP64) */
        if (format[0] == 'h' && format[1] == 'h')
            size = -2, format += 2;
        else if (format[0] == 'l' && format[1] == 'l')
            size = 2, format += 2;
        else if (*format == 'h')
            size = -1, ++format;
        else if (*format == 'l' || *format == 'z' || *format == 'j')
            size = 1, ++format;
        char conversion = *format;
        int base = conversion == 'd' || conversion == 'u' ? 10
            : conversion == 'i'                          ? 0
            : conversion == 'x'                          ? 16
            : conversion == 'o'                          ? 8
                                                         : -1;
        if (base < 0) {
            *error_number_location() = error_invalid_argument;
            return result(-1);
        }
        ++format;
        while (is_space(static_cast<unsigned char>(*cursor)))
            ++cursor;
        if (*cursor == '\0')
            return result(converted_any ? stored : -1);
        char* end = nullptr;
        bool is_signed = conversion == 'd' || conversion == 'i';
        long signed_value = 0;
        unsigned long unsigned_value = 0;
        int kept_error = *error_number_location();
        if (is_signed)
            signed_value = parse_long(cursor, &end, base);
        else
            unsigned_value = parse_unsigned_long(cursor, &end, base);
        *error_number_location() = kept_error;
        converted_any = true;
        if (end == cursor)
            return result(stored);
        cursor = end;
        unsigned long bits = is_signed ? static_cast<unsigned long>(signed_value) : unsigned_value;
        void* destination = va_arg(list, void*);
        switch (size) {
        case -2: *static_cast<unsigned char*>(destination) = static_cast<unsigned char>(bits); break;
        case -1: *static_cast<unsigned short*>(destination) = static_cast<unsigned short>(bits); break;
        case 0: *static_cast<unsigned*>(destination) = static_cast<unsigned>(bits); break;
        default: *static_cast<unsigned long*>(destination) = bits; break;
        }
        ++stored;
    }
    return result(stored);
}

}
