/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vectra/encoding/JsonSyntax.h>

namespace vectra::encoding {

namespace {

bool is_digit(u8 byte) { return byte >= '0' && byte <= '9'; }

Utf8View single_character(char const& character) { return MUST(Utf8View::try_from(std::string_view(&character, 1))); }

}

JsonReader::JsonReader(std::span<u8 const> input, DecodeLimits const& limits)
    : m_input(input)
{
    m_state.limits = limits;
}

ErrorOr<void, DecodeError> JsonReader::check_input_size() const
{
    if (m_input.size() > m_state.limits.maximum_input_bytes)
        return error(ErrorCode::TooLarge, "input is longer than the limit", m_state.limits.maximum_input_bytes);
    return {};
}

void JsonReader::skip_whitespace()
{
    while (!at_end()) {
        u8 byte = peek();
        if (byte != ' ' && byte != '\t' && byte != '\n' && byte != '\r')
            return;
        ++m_offset;
    }
}

ErrorOr<void, DecodeError> JsonReader::expect_literal(std::string_view literal)
{
    for (char character : literal) {
        if (at_end() || peek() != static_cast<u8>(character))
            return error(ErrorCode::MalformedMessage, "misspelled literal (true, false or null)", m_token_offset);
        ++m_offset;
    }
    return {};
}

ErrorOr<void, DecodeError> JsonReader::begin_object()
{
    skip_whitespace();
    m_token_offset = m_offset;
    if (at_end())
        return error(ErrorCode::MalformedMessage, "input ends where a value should be", m_offset);
    if (peek() != '{')
        return error(ErrorCode::MalformedMessage, "expected an object", m_offset);
    TRY(m_state.enter(m_offset));
    ++m_offset;
    return {};
}

ErrorOr<void, DecodeError> JsonReader::begin_array()
{
    skip_whitespace();
    m_token_offset = m_offset;
    if (at_end())
        return error(ErrorCode::MalformedMessage, "input ends where a value should be", m_offset);
    if (peek() != '[')
        return error(ErrorCode::MalformedMessage, "expected an array", m_offset);
    TRY(m_state.enter(m_offset));
    ++m_offset;
    return {};
}

ErrorOr<bool, DecodeError> JsonReader::next_in_container(usize& count, char close, char const* missing_separator)
{
    skip_whitespace();
    if (at_end())
        return error(ErrorCode::MalformedMessage,
            close == '}' ? "input ends inside an object" : "input ends inside an array", m_offset);
    if (peek() == static_cast<u8>(close)) {
        ++m_offset;
        m_state.leave();
        return false;
    }
    if (count > 0) {
        if (peek() != ',')
            return error(ErrorCode::MalformedMessage, missing_separator, m_offset);
        ++m_offset;
        skip_whitespace();
        if (!at_end() && peek() == static_cast<u8>(close))
            return error(ErrorCode::MalformedMessage, "trailing comma", m_offset);
    }
    if (count >= m_state.limits.maximum_elements)
        return error(ErrorCode::TooLarge, "more elements than the limit", m_offset);
    ++count;
    return true;
}

ErrorOr<bool, DecodeError> JsonReader::next_member(usize& count, StringSink name)
{
    auto more = next_in_container(count, '}', "expected , or } after an object member");
    if (more.is_error() || !more.value())
        return more;
    skip_whitespace();
    if (at_end() || peek() != '"')
        return error(ErrorCode::MalformedMessage, "expected a member name in quotes", m_offset);
    TRY(read_string(name));
    skip_whitespace();
    if (at_end() || peek() != ':')
        return error(ErrorCode::MalformedMessage, "expected : after a member name", m_offset);
    ++m_offset;
    return true;
}

ErrorOr<bool, DecodeError> JsonReader::next_element(usize& count)
{
    return next_in_container(count, ']', "expected , or ] after an array element");
}

ErrorOr<bool, DecodeError> JsonReader::read_bool()
{
    skip_whitespace();
    m_token_offset = m_offset;
    if (!at_end() && peek() == 't') {
        TRY(expect_literal("true"));
        return true;
    }
    if (!at_end() && peek() == 'f') {
        TRY(expect_literal("false"));
        return false;
    }
    return error(ErrorCode::MalformedMessage, "expected true or false", m_offset);
}

ErrorOr<bool, DecodeError> JsonReader::read_null_if_present()
{
    skip_whitespace();
    m_token_offset = m_offset;
    if (at_end() || peek() != 'n')
        return false;
    TRY(expect_literal("null"));
    return true;
}

ErrorOr<void, DecodeError> JsonReader::read_number(DecodedInteger* integer)
{
    m_token_offset = m_offset;
    DecodedInteger result;
    if (!at_end() && peek() == '-') {
        result.negative = true;
        ++m_offset;
        if (at_end() || !is_digit(peek()))
            return error(ErrorCode::MalformedMessage, "expected a digit after the minus sign", m_offset);
    }
    if (at_end() || !is_digit(peek()))
        return error(ErrorCode::MalformedMessage, integer ? "expected an integer" : "expected a value", m_offset);
    bool overflowed = false;
    if (peek() == '0') {
        ++m_offset;
        if (!at_end() && is_digit(peek()))
            return error(ErrorCode::MalformedMessage, "number has a leading zero", m_token_offset);
    } else {
        while (!at_end() && is_digit(peek())) {
            u64 digit = peek() - '0';
            if (__builtin_mul_overflow(result.magnitude, 10u, &result.magnitude)
                || __builtin_add_overflow(result.magnitude, digit, &result.magnitude))
                overflowed = true;
            ++m_offset;
        }
    }
    bool fraction_or_exponent = false;
    if (!at_end() && peek() == '.') {
        fraction_or_exponent = true;
        ++m_offset;
        if (at_end() || !is_digit(peek()))
            return error(ErrorCode::MalformedMessage, "expected a digit after the decimal point", m_offset);
        while (!at_end() && is_digit(peek()))
            ++m_offset;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
        fraction_or_exponent = true;
        ++m_offset;
        if (!at_end() && (peek() == '+' || peek() == '-'))
            ++m_offset;
        if (at_end() || !is_digit(peek()))
            return error(ErrorCode::MalformedMessage, "expected a digit in the exponent", m_offset);
        while (!at_end() && is_digit(peek()))
            ++m_offset;
    }
    if (!integer)
        return {};
    if (fraction_or_exponent)
        return error(ErrorCode::Unsupported, "numbers with a fraction or exponent are not supported", m_token_offset);
    if (overflowed)
        return error(ErrorCode::MalformedMessage, "integer does not fit 64 bits", m_token_offset);
    *integer = result;
    return {};
}

ErrorOr<DecodedInteger, DecodeError> JsonReader::read_integer()
{
    skip_whitespace();
    DecodedInteger integer;
    TRY(read_number(&integer));
    return integer;
}

ErrorOr<u32, DecodeError> JsonReader::read_hex4()
{
    u32 value = 0;
    for (int index = 0; index < 4; ++index) {
        if (at_end())
            return error(ErrorCode::MalformedMessage, "input ends inside a \\u escape", m_offset);
        u8 byte = peek();
        u32 digit = 0;
        if (byte >= '0' && byte <= '9')
            digit = byte - '0';
        else if (byte >= 'a' && byte <= 'f')
            digit = byte - 'a' + 10;
        else if (byte >= 'A' && byte <= 'F')
            digit = byte - 'A' + 10;
        else
            return error(ErrorCode::MalformedMessage, "\\u escape needs four hex digits", m_offset);
        value = value * 16 + digit;
        ++m_offset;
    }
    return value;
}

ErrorOr<void, DecodeError> JsonReader::read_string(StringSink sink)
{
    skip_whitespace();
    m_token_offset = m_offset;
    usize start = m_offset;
    if (at_end() || peek() != '"')
        return error(ErrorCode::MalformedMessage, "expected a string", m_offset);
    ++m_offset;
    usize decoded_length = 0;
    auto deliver = [&](Utf8View chunk) -> ErrorOr<void, DecodeError> {
        decoded_length += chunk.byte_length();
        if (decoded_length > m_state.limits.maximum_string_bytes)
            return error(ErrorCode::TooLarge, "string is longer than the limit", start);
        if (!sink.append(sink.context, chunk))
            return error(ErrorCode::TooLarge, "string is longer than the field's capacity", start);
        return {};
    };
    while (true) {
        if (at_end())
            return error(ErrorCode::MalformedMessage, "input ends inside a string", start);
        u8 byte = peek();
        if (byte == '"') {
            ++m_offset;
            m_token_offset = start;
            return {};
        }
        if (byte < 0x20)
            return error(ErrorCode::MalformedMessage, "control character inside a string", m_offset);
        if (byte != '\\') {
            usize run_start = m_offset;
            while (!at_end() && peek() != '"' && peek() != '\\' && peek() >= 0x20)
                ++m_offset;
            std::string_view run(reinterpret_cast<char const*>(m_input.data() + run_start), m_offset - run_start);
            auto text = Utf8View::try_from(run);
            if (text.is_error())
                return error(ErrorCode::MalformedMessage, text.error().message, run_start + text.error().offset);
            TRY(deliver(text.value()));
            continue;
        }
        usize escape_start = m_offset;
        ++m_offset;
        if (at_end())
            return error(ErrorCode::MalformedMessage, "input ends inside an escape", escape_start);
        char escaped = static_cast<char>(peek());
        ++m_offset;
        char replacement = 0;
        switch (escaped) {
        case '"':
            replacement = '"';
            break;
        case '\\':
            replacement = '\\';
            break;
        case '/':
            replacement = '/';
            break;
        case 'b':
            replacement = '\b';
            break;
        case 'f':
            replacement = '\f';
            break;
        case 'n':
            replacement = '\n';
            break;
        case 'r':
            replacement = '\r';
            break;
        case 't':
            replacement = '\t';
            break;
        case 'u':
            break;
        default:
            return error(ErrorCode::MalformedMessage, "unknown escape in a string", escape_start);
        }
        if (escaped != 'u') {
            TRY(deliver(single_character(replacement)));
            continue;
        }
        auto unit = TRY(read_hex4());
        u32 code_point = unit;
        if (code_point >= 0xDC00 && code_point <= 0xDFFF)
            return error(ErrorCode::MalformedMessage, "low surrogate escape without a high one", escape_start);
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {
            if (m_input.size() - m_offset < 2 || m_input[m_offset] != '\\' || m_input[m_offset + 1] != 'u')
                return error(ErrorCode::MalformedMessage, "high surrogate escape without a low one", escape_start);
            m_offset += 2;
            auto low = TRY(read_hex4());
            if (low < 0xDC00 || low > 0xDFFF)
                return error(ErrorCode::MalformedMessage, "high surrogate escape without a low one", escape_start);
            code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
        }
        char encoded[4] {};
        usize length = MUST(encode_utf8(code_point, encoded));
        TRY(deliver(MUST(Utf8View::try_from(std::string_view(encoded, length)))));
    }
}

ErrorOr<void, DecodeError> JsonReader::skip_value()
{
    skip_whitespace();
    m_token_offset = m_offset;
    if (at_end())
        return error(ErrorCode::MalformedMessage, "input ends where a value should be", m_offset);
    StringSink discard { nullptr, [](void*, Utf8View) { return true; } };
    switch (peek()) {
    case '{': {
        TRY(begin_object());
        usize count = 0;
        while (true) {
            auto more = TRY(next_member(count, discard));
            if (!more)
                return {};
            TRY(skip_value());
        }
    }
    case '[': {
        TRY(begin_array());
        usize count = 0;
        while (true) {
            auto more = TRY(next_element(count));
            if (!more)
                return {};
            TRY(skip_value());
        }
    }
    case '"':
        return read_string(discard);
    case 't':
    case 'f': {
        TRY(read_bool());
        return {};
    }
    case 'n': {
        TRY(read_null_if_present());
        return {};
    }
    default:
        return read_number(nullptr);
    }
}

ErrorOr<void, DecodeError> JsonReader::finish()
{
    skip_whitespace();
    if (!at_end())
        return error(ErrorCode::MalformedMessage, "text follows the value", m_offset);
    return {};
}

}
