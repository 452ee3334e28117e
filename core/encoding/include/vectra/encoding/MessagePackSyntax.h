/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The MessagePack items the typed codec (MessagePack.h) reads and writes. Writing always uses
 * the shortest form; reading accepts every form of the types it knows, big-endian as the
 * specification says.
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/encoding/DecodeError.h>

namespace vectra::encoding {

class MessagePackReader {
public:
    MessagePackReader(std::span<u8 const> input, DecodeLimits const& limits);

    [[nodiscard]] DecodeState& state() { return m_state; }
    [[nodiscard]] usize offset() const { return m_offset; }
    [[nodiscard]] usize item_offset() const { return m_item_offset; }
    [[nodiscard]] DecodeError error(ErrorCode code, char const* message, usize offset) const
    {
        return m_state.error(code, message, offset);
    }

    [[nodiscard]] ErrorOr<void, DecodeError> check_input_size() const;

    [[nodiscard]] ErrorOr<bool, DecodeError> read_nil_if_present();
    [[nodiscard]] ErrorOr<bool, DecodeError> read_bool();
    [[nodiscard]] ErrorOr<DecodedInteger, DecodeError> read_integer();
    /* A str item's bytes (not yet checked as UTF-8); with `accept_binary`, a bin item's too. */
    [[nodiscard]] ErrorOr<std::span<u8 const>, DecodeError> read_string(
        bool accept_binary, char const* expected = "expected a string");
    /* Array and map headers enter one level of nesting; call leave() after the last element. */
    [[nodiscard]] ErrorOr<u32, DecodeError> read_array_header();
    [[nodiscard]] ErrorOr<u32, DecodeError> read_map_header();
    void leave() { m_state.leave(); }
    [[nodiscard]] ErrorOr<void, DecodeError> skip_value();
    [[nodiscard]] ErrorOr<void, DecodeError> finish() const;

private:
    [[nodiscard]] ErrorOr<u64, DecodeError> read_big_endian(usize width);
    [[nodiscard]] ErrorOr<u32, DecodeError> read_container_header(bool map);
    [[nodiscard]] ErrorOr<std::span<u8 const>, DecodeError> take(usize count, char const* ends_early);
    [[nodiscard]] DecodeError wrong_type(u8 marker, char const* expected) const;

    std::span<u8 const> m_input;
    usize m_offset { 0 };
    usize m_item_offset { 0 };
    DecodeState m_state;
};

class MessagePackWriter {
public:
    explicit MessagePackWriter(std::span<u8> output)
        : m_output(output)
    {
    }

    void write_nil() { write_byte(0xC0); }
    void write_bool(bool value) { write_byte(value ? 0xC3 : 0xC2); }
    void write_unsigned(u64);
    void write_signed(i64);
    void write_string(std::string_view bytes);
    void write_binary(std::string_view bytes);
    void write_array_header(u32 count);
    void write_map_header(u32 count);

    [[nodiscard]] ErrorOr<usize> finish() const;

private:
    void write_byte(u8);
    void write_big_endian(u64 value, usize width);
    void write_bytes(std::string_view);

    std::span<u8> m_output;
    usize m_length { 0 };
    bool m_overflowed { false };
};

}
