/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The character classes of RFC 9110 §5.6 and the small text helpers the parser and the writers
 * share (ASCII only; no locale).
 */

#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vectra/Types.h>

namespace vectra::http {

/* A hex digit's value, or -1. */
[[nodiscard]] int hex_digit_value(u8);
/* tchar: "!#$%&'*+-.^_`|~", DIGIT, ALPHA. */
[[nodiscard]] bool is_token_character(u8);
[[nodiscard]] bool is_token(std::string_view);
/* A field value's byte: VCHAR, obs-text, SP, HTAB. */
[[nodiscard]] bool is_field_value_character(u8);
[[nodiscard]] bool equals_ignoring_case(std::string_view, std::string_view);
/* SP and HTAB trimmed from both ends. */
[[nodiscard]] std::string_view trim_whitespace(std::string_view);
/* 1*DIGIT as a number no larger than 2^63 − 1; nothing else (no sign, no space, no list). */
[[nodiscard]] bool parse_decimal(std::string_view, u64& into);
/* 1*DIGIT of any length, a value past 2^64 − 1 read as 2^64 − 1 (a range's positions, RFC 9110 §14.1.1). */
[[nodiscard]] bool parse_decimal_saturating(std::string_view, u64& into);
/* `value` in decimal into `digits`, most significant first; returns how many were written. */
[[nodiscard]] usize format_decimal(u64 value, std::span<char, 20> digits);
/* The elements of a comma-separated list (RFC 9110 §5.6.1) one by one, whitespace trimmed, empty ones included. */
class ListElements {
public:
    explicit ListElements(std::string_view list)
        : m_rest(list)
    {
    }
    /* The next element, or nothing after the last. */
    [[nodiscard]] std::optional<std::string_view> next();

private:
    std::string_view m_rest;
    bool m_ended { false };
};
/* Whether the comma-separated list `value` holds `token`, ignoring case (Connection: close). */
[[nodiscard]] bool list_contains(std::string_view value, std::string_view token);

}
