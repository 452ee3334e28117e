/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/http/Characters.h>

namespace vectra::http {

namespace {

u8 lower(u8 character) { return character >= 'A' && character <= 'Z' ? u8(character + ('a' - 'A')) : character; }

}

int hex_digit_value(u8 character)
{
    if (character >= '0' && character <= '9')
        return character - '0';
    if (character >= 'a' && character <= 'f')
        return character - 'a' + 10;
    if (character >= 'A' && character <= 'F')
        return character - 'A' + 10;
    return -1;
}

bool is_token_character(u8 character)
{
    if ((character >= '0' && character <= '9') || (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z'))
        return true;
    switch (character) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '.': case '^':
    case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

bool is_token(std::string_view text)
{
    if (text.empty())
        return false;
    for (char character : text) {
        if (!is_token_character(u8(character)))
            return false;
    }
    return true;
}

bool is_field_value_character(u8 character)
{
    return character == ' ' || character == '\t' || (character >= 0x21 && character != 0x7f);
}

bool equals_ignoring_case(std::string_view left, std::string_view right)
{
    if (left.size() != right.size())
        return false;
    for (usize index = 0; index < left.size(); ++index) {
        if (lower(u8(left[index])) != lower(u8(right[index])))
            return false;
    }
    return true;
}

std::string_view trim_whitespace(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

namespace {

/* 1*DIGIT; past `largest` the value is `largest` when `saturate`, else the parse fails. */
bool parse_digits(std::string_view text, u64 largest, bool saturate, u64& into)
{
    if (text.empty())
        return false;
    u64 value = 0;
    for (char character : text) {
        if (character < '0' || character > '9')
            return false;
        u64 digit = u64(character - '0');
        if (value > (largest - digit) / 10) {
            if (!saturate)
                return false;
            value = largest;
        } else {
            value = value * 10 + digit;
        }
    }
    into = value;
    return true;
}

}

bool parse_decimal(std::string_view text, u64& into)
{
    return parse_digits(text, 0x7fffffffffffffffull, false, into);
}

bool parse_decimal_saturating(std::string_view text, u64& into)
{
    return parse_digits(text, ~u64(0), true, into);
}

usize format_decimal(u64 value, std::span<char, 20> digits)
{
    char reversed[20];
    usize count = 0;
    do {
        reversed[count++] = char('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (usize index = 0; index < count; ++index)
        digits[index] = reversed[count - 1 - index];
    return count;
}

std::optional<std::string_view> ListElements::next()
{
    if (m_ended)
        return {};
    usize comma = m_rest.find(',');
    auto element = trim_whitespace(m_rest.substr(0, comma));
    if (comma == std::string_view::npos)
        m_ended = true;
    else
        m_rest.remove_prefix(comma + 1);
    return element;
}

bool list_contains(std::string_view value, std::string_view token)
{
    ListElements elements(value);
    while (auto element = elements.next()) {
        if (equals_ignoring_case(*element, token))
            return true;
    }
    return false;
}

}
