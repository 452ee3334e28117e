/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/encoding/JsonSyntax.h>

namespace vectra::encoding {

void JsonWriter::raw(std::string_view text)
{
    if (m_overflowed)
        return;
    if (text.size() > m_output.size() - m_length) {
        m_overflowed = true;
        return;
    }
    if (!text.empty())
        memcpy(m_output.data() + m_length, text.data(), text.size());
    m_length += text.size();
}

void JsonWriter::write_unsigned(u64 value)
{
    char digits[20];
    usize count = 0;
    do {
        digits[sizeof(digits) - 1 - count++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    raw(std::string_view(digits + sizeof(digits) - count, count));
}

void JsonWriter::write_signed(i64 value)
{
    if (value >= 0) {
        write_unsigned(static_cast<u64>(value));
        return;
    }
    raw("-");
    write_unsigned(static_cast<u64>(-(value + 1)) + 1);
}

void JsonWriter::write_string(Utf8View text)
{
    static constexpr char hex[] = "0123456789abcdef";
    raw("\"");
    std::string_view bytes = text.bytes();
    usize run_start = 0;
    for (usize index = 0; index < bytes.size(); ++index) {
        u8 byte = static_cast<u8>(bytes[index]);
        if (byte >= 0x20 && byte != '"' && byte != '\\')
            continue;
        raw(bytes.substr(run_start, index - run_start));
        run_start = index + 1;
        switch (byte) {
        case '"':
            raw("\\\"");
            break;
        case '\\':
            raw("\\\\");
            break;
        case '\b':
            raw("\\b");
            break;
        case '\f':
            raw("\\f");
            break;
        case '\n':
            raw("\\n");
            break;
        case '\r':
            raw("\\r");
            break;
        case '\t':
            raw("\\t");
            break;
        default: {
            char escape[] = { '\\', 'u', '0', '0', hex[byte >> 4], hex[byte & 0xF] };
            raw(std::string_view(escape, sizeof(escape)));
        }
        }
    }
    raw(bytes.substr(run_start));
    raw("\"");
}

ErrorOr<usize> JsonWriter::finish() const
{
    if (m_overflowed)
        return Error(ErrorCode::TooLarge, "JSON output does not fit the buffer");
    return m_length;
}

}
