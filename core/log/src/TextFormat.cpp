/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Utf8.h>
#include <vectra/log/TextSink.h>

namespace vectra::log {

namespace {

constexpr std::string_view truncation_marker = " [truncated]\n";

/* Appends whole pieces while they fit, keeping room for the truncation marker. */
class LineBuilder {
public:
    explicit LineBuilder(TextLine& line)
        : m_line(line)
    {
        m_line.clear();
    }

    void piece(std::string_view text)
    {
        if (m_truncated)
            return;
        if (m_line.length() + text.size() > TextLine::capacity() - truncation_marker.size()) {
            m_truncated = true;
            return;
        }
        m_line.append(text);
    }

    void decimal(u64 value, usize minimum_digits = 1)
    {
        char digits[20];
        usize count = 0;
        do {
            digits[sizeof(digits) - 1 - count++] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value != 0 || count < minimum_digits);
        piece(std::string_view(digits + sizeof(digits) - count, count));
    }

    void signed_decimal(i64 value)
    {
        if (value < 0) {
            piece("-");
            decimal(static_cast<u64>(-(value + 1)) + 1);
        } else {
            decimal(static_cast<u64>(value));
        }
    }

    /* Text with control characters, invalid UTF-8 and (when quoted) `"` and `\` escaped. */
    void escaped(std::string_view text, bool quoted)
    {
        static constexpr char hex[] = "0123456789abcdef";
        usize index = 0;
        while (index < text.size() && !m_truncated) {
            u8 byte = static_cast<u8>(text[index]);
            if (byte >= 0x80) {
                usize length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2;
                if (index + length <= text.size() && !validate_utf8(text.substr(index, length)).is_error()) {
                    piece(text.substr(index, length));
                    index += length;
                    continue;
                }
            }
            ++index;
            switch (byte) {
            case '\n':
                piece("\\n");
                continue;
            case '\r':
                piece("\\r");
                continue;
            case '\t':
                piece("\\t");
                continue;
            case '\\':
                piece("\\\\");
                continue;
            case '"':
                piece(quoted ? "\\\"" : "\"");
                continue;
            default:
                break;
            }
            if (byte < 0x20 || byte >= 0x7F) {
                char escape[] = { '\\', 'x', hex[byte >> 4], hex[byte & 0xF] };
                piece(std::string_view(escape, sizeof(escape)));
            } else {
                char character = static_cast<char>(byte);
                piece(std::string_view(&character, 1));
            }
        }
    }

    void duration(Duration value)
    {
        i64 nanoseconds = value.nanoseconds();
        u64 magnitude = nanoseconds < 0 ? static_cast<u64>(-(nanoseconds + 1)) + 1 : static_cast<u64>(nanoseconds);
        if (nanoseconds < 0)
            piece("-");
        decimal(magnitude / 1'000'000'000);
        u64 fraction = magnitude % 1'000'000'000;
        if (fraction != 0) {
            usize digits = 9;
            while (fraction % 10 == 0) {
                fraction /= 10;
                --digits;
            }
            piece(".");
            decimal(fraction, digits);
        }
        piece("s");
    }

    bool finish()
    {
        m_line.append(m_truncated ? truncation_marker : "\n");
        return !m_truncated;
    }

private:
    TextLine& m_line;
    bool m_truncated { false };
};

}

bool format_text_line(Record const& record, TextLine& line)
{
    LineBuilder builder(line);
    if (record.time) {
        u64 nanoseconds = record.time->nanoseconds_since_boot();
        u64 seconds = nanoseconds / 1'000'000'000;
        u64 microseconds = nanoseconds % 1'000'000'000 / 1'000;
        builder.piece("[");
        for (u64 width = 10000; width > 1 && seconds < width; width /= 10)
            builder.piece(" ");
        builder.decimal(seconds);
        builder.piece(".");
        builder.decimal(microseconds, 6);
        builder.piece("] ");
    }
    std::string_view level = level_name(record.level);
    builder.piece(level);
    for (usize pad = level.size(); pad < 8; ++pad)
        builder.piece(" ");
    builder.escaped(record.component, false);
    builder.piece(": ");
    builder.escaped(record.message, false);
    for (auto const& pair : record.fields) {
        builder.piece(" ");
        builder.escaped(pair.key, false);
        builder.piece("=");
        switch (pair.value.kind()) {
        case Value::Kind::Bool:
            builder.piece(pair.value.as_bool() ? "true" : "false");
            break;
        case Value::Kind::Signed:
            builder.signed_decimal(pair.value.as_signed());
            break;
        case Value::Kind::Unsigned:
            builder.decimal(pair.value.as_unsigned());
            break;
        case Value::Kind::Duration:
            builder.duration(pair.value.as_duration());
            break;
        case Value::Kind::Text:
            builder.piece("\"");
            builder.escaped(pair.value.as_text(), true);
            builder.piece("\"");
            break;
        }
    }
    return builder.finish();
}

}
