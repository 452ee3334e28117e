/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * printf's formatting (vsnprintf, vfprintf), with glibc's output for every supported conversion:
 * d i u o x X c s p %, flags - + space # 0, width and precision as numbers or *, lengths hh h l
 * ll z j t. A conversion it does not support (floating point, %n, wide characters) ends the call
 * with -1 and EINVAL: its argument's type is unknown, so nothing after it could be read safely.
 */

#include <vectra/libc/Libc.h>

namespace vectra::libc {

namespace {

struct Output {
    FormatSink put;
    void* context;
    usize count { 0 };

    void bytes(char const* data, usize length)
    {
        if (length == 0)
            return;
        put(context, data, length);
        count += length;
    }
    void repeat(char character, i64 times)
    {
        for (i64 index = 0; index < times; ++index)
            bytes(&character, 1);
    }
};

struct Specification {
    bool left { false };
    bool plus { false };
    bool space { false };
    bool alternate { false };
    bool zero { false };
    i64 width { 0 };
    i64 precision { -1 };
};

enum class Length { Int, Char, Short, Long, LongLong, Size, Max, Difference };

/* Pads `body` (with its sign/prefix kept before zero padding) to the width. */
void emit(Output& output, Specification const& specification, char const* prefix, usize prefix_length,
    char const* body, usize body_length, i64 zeros)
{
    i64 length = static_cast<i64>(prefix_length + body_length) + zeros;
    i64 padding = specification.width > length ? specification.width - length : 0;
    if (!specification.left)
        output.repeat(' ', padding);
    output.bytes(prefix, prefix_length);
    output.repeat('0', zeros);
    output.bytes(body, body_length);
    if (specification.left)
        output.repeat(' ', padding);
}

void emit_integer(Output& output, Specification specification, u64 magnitude, bool negative, bool is_signed,
    unsigned base, bool upper, bool pointer)
{
    char digits[24];
    usize count = 0;
    char const* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    for (u64 value = magnitude; value != 0; value /= base)
        digits[sizeof(digits) - ++count] = alphabet[value % base];
    char const* body = digits + sizeof(digits) - count;

    char prefix[2];
    usize prefix_length = 0;
    if (is_signed && negative)
        prefix[prefix_length++] = '-';
    else if (is_signed && specification.plus)
        prefix[prefix_length++] = '+';
    else if (is_signed && specification.space)
        prefix[prefix_length++] = ' ';
    if ((specification.alternate && base == 16 && magnitude != 0) || pointer) {
        prefix[prefix_length++] = '0';
        prefix[prefix_length++] = upper ? 'X' : 'x';
    }

    i64 zeros = 0;
    if (specification.precision >= 0) {
        if (specification.precision > static_cast<i64>(count))
            zeros = specification.precision - static_cast<i64>(count);
    } else {
        if (count == 0)
            zeros = 1; /* 0 prints as "0" unless a precision of 0 asks for no digits */
        if (specification.zero && !specification.left) {
            i64 total = static_cast<i64>(prefix_length + count) + zeros;
            if (specification.width > total)
                zeros += specification.width - total;
        }
    }
    /* %#o: the first digit is a 0, added only when the digits do not already start with one. */
    if (specification.alternate && base == 8 && zeros == 0 && (count == 0 || body[0] != '0'))
        zeros = 1;
    emit(output, specification, prefix, prefix_length, body, count, zeros);
}

i64 read_number(char const*& cursor)
{
    i64 value = 0;
    while (*cursor >= '0' && *cursor <= '9') {
        if (value < (i64(1) << 40))
            value = value * 10 + (*cursor - '0');
        ++cursor;
    }
    return value;
}

}

int format_to(FormatSink put, void* context, char const* format, va_list arguments)
{
    Output output { put, context };
    va_list list;
    va_copy(list, arguments);
    char const* cursor = format;
    while (*cursor != '\0') {
        if (*cursor != '%') {
            char const* start = cursor;
            while (*cursor != '\0' && *cursor != '%')
                ++cursor;
            output.bytes(start, static_cast<usize>(cursor - start));
            continue;
        }
        ++cursor;
        Specification specification;
        for (;; ++cursor) {
            if (*cursor == '-')
                specification.left = true;
            else if (*cursor == '+')
                specification.plus = true;
            else if (*cursor == ' ')
                specification.space = true;
            else if (*cursor == '#')
                specification.alternate = true;
            else if (*cursor == '0')
                specification.zero = true;
            else
                break;
        }
        if (*cursor == '*') {
            ++cursor;
            int width = va_arg(list, int);
            if (width < 0) {
                specification.left = true;
                specification.width = -static_cast<i64>(width);
            } else {
                specification.width = width;
            }
        } else {
            specification.width = read_number(cursor);
        }
        if (*cursor == '.') {
            ++cursor;
            if (*cursor == '*') {
                ++cursor;
                int precision = va_arg(list, int);
                specification.precision = precision < 0 ? -1 : precision;
            } else {
                specification.precision = read_number(cursor);
            }
        }
        Length length = Length::Int;
        if (cursor[0] == 'h' && cursor[1] == 'h') {
            length = Length::Char;
            cursor += 2;
        } else if (cursor[0] == 'l' && cursor[1] == 'l') {
            length = Length::LongLong;
            cursor += 2;
        } else if (*cursor == 'h' || *cursor == 'l' || *cursor == 'z' || *cursor == 'j' || *cursor == 't') {
            length = *cursor == 'h' ? Length::Short
                : *cursor == 'l'    ? Length::Long
                : *cursor == 'z'    ? Length::Size
                : *cursor == 'j'    ? Length::Max
                                    : Length::Difference;
            ++cursor;
        }
        char conversion = *cursor;
        if (conversion != '\0')
            ++cursor;
        /* %lc and %ls take wide characters: refused with the other unsupported conversions. */
        if ((conversion == 'c' || conversion == 's') && length != Length::Int)
            conversion = '\0';
        switch (conversion) {
        case '%':
            output.bytes("%", 1);
            break;
        case 'c': {
            char character = static_cast<char>(va_arg(list, int));
            emit(output, specification, nullptr, 0, &character, 1, 0);
            break;
        }
        case 's': {
            char const* text = va_arg(list, char const*);
            if (text == nullptr)
                text = specification.precision < 0 || specification.precision >= 6 ? "(null)" : "";
            usize text_length = 0;
            while (text[text_length] != '\0'
                && (specification.precision < 0 || static_cast<i64>(text_length) < specification.precision))
                ++text_length;
            emit(output, specification, nullptr, 0, text, text_length, 0);
            break;
        }
        case 'p': {
            void* pointer = va_arg(list, void*);
            if (pointer == nullptr) {
                specification.precision = -1;
                emit(output, specification, nullptr, 0, "(nil)", 5, 0);
            } else {
                emit_integer(output, specification, reinterpret_cast<uptr>(pointer), false, false, 16, false, true);
            }
            break;
        }
        case 'd':
        case 'i': {
            i64 value;
            switch (length) {
            case Length::Char: value = static_cast<signed char>(va_arg(list, int)); break;
            case Length::Short: value = static_cast<short>(va_arg(list, int)); break;
            case Length::Long: value = va_arg(list, long); break;
            case Length::LongLong: value = va_arg(list, long long); break;
            case Length::Size: value = va_arg(list, long); break; /* ssize_t */
            case Length::Max: value = va_arg(list, i64); break;
            case Length::Difference: value = va_arg(list, long); break; /* ptrdiff_t */
            default: value = va_arg(list, int); break;
            }
            u64 magnitude = value < 0 ? u64(0) - static_cast<u64>(value) : static_cast<u64>(value);
            emit_integer(output, specification, magnitude, value < 0, true, 10, false, false);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            u64 value;
            switch (length) {
            case Length::Char: value = static_cast<unsigned char>(va_arg(list, unsigned)); break;
            case Length::Short: value = static_cast<unsigned short>(va_arg(list, unsigned)); break;
            case Length::Long: value = va_arg(list, unsigned long); break;
            case Length::LongLong: value = va_arg(list, unsigned long long); break;
            case Length::Size: value = va_arg(list, usize); break;
            case Length::Max: value = va_arg(list, u64); break;
            case Length::Difference: value = va_arg(list, unsigned long); break;
            default: value = va_arg(list, unsigned); break;
            }
            unsigned base = conversion == 'u' ? 10 : conversion == 'o' ? 8 : 16;
            emit_integer(output, specification, value, false, false, base, conversion == 'X', false);
            break;
        }
        default:
            va_end(list);
            *error_number_location() = error_invalid_argument;
            return -1;
        }
    }
    va_end(list);
    if (output.count > 0x7fffffff) {
        *error_number_location() = error_overflow;
        return -1;
    }
    return static_cast<int>(output.count);
}

namespace {

struct Buffer {
    char* data;
    usize size;
    usize used { 0 };
};

void into_buffer(void* context, char const* bytes, usize count)
{
    auto& buffer = *static_cast<Buffer*>(context);
    for (usize index = 0; index < count && buffer.used + 1 < buffer.size; ++index)
        buffer.data[buffer.used++] = bytes[index];
}

}

int format_text(char* data, usize size, char const* format, va_list arguments)
{
    Buffer buffer { data, size };
    int length = format_to(into_buffer, &buffer, format, arguments);
    if (size > 0)
        data[buffer.used] = '\0';
    return length;
}

}
