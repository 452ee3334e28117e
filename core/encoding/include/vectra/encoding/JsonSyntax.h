/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The JSON tokens the typed codec (Json.h) reads and writes. RFC 8259, strictly: UTF-8 only,
 * no comments, no trailing commas, no leading zeros, no byte-order mark, nothing after the value.
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Utf8View.h>
#include <vectra/encoding/DecodeError.h>

namespace vectra::encoding {

/* Where a decoded string goes, a code-point-whole chunk at a time; false means "does not fit". */
struct StringSink {
    void* context { nullptr };
    bool (*append)(void* context, Utf8View chunk) { nullptr };
};

class JsonReader {
public:
    JsonReader(std::span<u8 const> input, DecodeLimits const& limits);

    [[nodiscard]] DecodeState& state() { return m_state; }
    [[nodiscard]] usize offset() const { return m_offset; }
    /* Where the token read last (or being read) starts: what errors about a value point at. */
    [[nodiscard]] usize token_offset() const { return m_token_offset; }
    [[nodiscard]] DecodeError error(ErrorCode code, char const* message, usize offset) const
    {
        return m_state.error(code, message, offset);
    }

    [[nodiscard]] ErrorOr<void, DecodeError> check_input_size() const;

    /* `{` ... then next_member until it yields false (it consumed `}`). */
    [[nodiscard]] ErrorOr<void, DecodeError> begin_object();
    [[nodiscard]] ErrorOr<bool, DecodeError> next_member(usize& count, StringSink name);
    /* `[` ... then next_element until it yields false (it consumed `]`). */
    [[nodiscard]] ErrorOr<void, DecodeError> begin_array();
    [[nodiscard]] ErrorOr<bool, DecodeError> next_element(usize& count);

    [[nodiscard]] ErrorOr<bool, DecodeError> read_bool();
    [[nodiscard]] ErrorOr<DecodedInteger, DecodeError> read_integer();
    [[nodiscard]] ErrorOr<void, DecodeError> read_string(StringSink);
    /* Consumes `null` if it is next. */
    [[nodiscard]] ErrorOr<bool, DecodeError> read_null_if_present();
    /* Parses and discards one value of any kind, within the limits. */
    [[nodiscard]] ErrorOr<void, DecodeError> skip_value();
    /* Only whitespace may remain. */
    [[nodiscard]] ErrorOr<void, DecodeError> finish();

private:
    void skip_whitespace();
    [[nodiscard]] bool at_end() const { return m_offset >= m_input.size(); }
    [[nodiscard]] u8 peek() const { return m_input[m_offset]; }
    [[nodiscard]] ErrorOr<void, DecodeError> expect_literal(std::string_view literal);
    [[nodiscard]] ErrorOr<void, DecodeError> read_number(DecodedInteger* integer);
    [[nodiscard]] ErrorOr<u32, DecodeError> read_hex4();
    [[nodiscard]] ErrorOr<bool, DecodeError> next_in_container(usize& count, char close, char const* missing_separator);

    std::span<u8 const> m_input;
    usize m_offset { 0 };
    usize m_token_offset { 0 };
    DecodeState m_state;
};

/* Compact JSON into a caller buffer. A full buffer is remembered and reported once, by finish(). */
class JsonWriter {
public:
    explicit JsonWriter(std::span<char> output)
        : m_output(output)
    {
    }

    void raw(std::string_view);
    void write_bool(bool value) { raw(value ? "true" : "false"); }
    void write_null() { raw("null"); }
    void write_unsigned(u64);
    void write_signed(i64);
    /* The bytes must be valid UTF-8 (checked by the caller); escapes `"`, `\` and controls. */
    void write_string(Utf8View);

    [[nodiscard]] ErrorOr<usize> finish() const;

private:
    std::span<char> m_output;
    usize m_length { 0 };
    bool m_overflowed { false };
};

}
