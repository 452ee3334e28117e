/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vectra/encoding/MessagePackSyntax.h>

namespace vectra::encoding {

MessagePackReader::MessagePackReader(std::span<u8 const> input, DecodeLimits const& limits)
    : m_input(input)
{
    m_state.limits = limits;
}

ErrorOr<void, DecodeError> MessagePackReader::check_input_size() const
{
    if (m_input.size() > m_state.limits.maximum_input_bytes)
        return error(ErrorCode::TooLarge, "input is longer than the limit", m_state.limits.maximum_input_bytes);
    return {};
}

ErrorOr<std::span<u8 const>, DecodeError> MessagePackReader::take(usize count, char const* ends_early)
{
    if (m_input.size() - m_offset < count)
        return error(ErrorCode::MalformedMessage, ends_early, m_item_offset);
    auto bytes = m_input.subspan(m_offset, count);
    m_offset += count;
    return bytes;
}

ErrorOr<u64, DecodeError> MessagePackReader::read_big_endian(usize width)
{
    auto bytes = TRY(take(width, "input ends inside an item"));
    u64 value = 0;
    for (u8 byte : bytes)
        value = (value << 8) | byte;
    return value;
}

DecodeError MessagePackReader::wrong_type(u8 marker, char const* expected) const
{
    if (marker == 0xCA || marker == 0xCB)
        return error(ErrorCode::Unsupported, "MessagePack floats are not supported", m_item_offset);
    if ((marker >= 0xC7 && marker <= 0xC9) || (marker >= 0xD4 && marker <= 0xD8))
        return error(ErrorCode::Unsupported, "MessagePack extension types are not supported", m_item_offset);
    if (marker == 0xC1)
        return error(ErrorCode::MalformedMessage, "byte 0xc1 is never used in MessagePack", m_item_offset);
    return error(ErrorCode::MalformedMessage, expected, m_item_offset);
}

ErrorOr<bool, DecodeError> MessagePackReader::read_nil_if_present()
{
    m_item_offset = m_offset;
    if (m_offset >= m_input.size())
        return error(ErrorCode::MalformedMessage, "input ends where a value should be", m_offset);
    if (m_input[m_offset] != 0xC0)
        return false;
    ++m_offset;
    return true;
}

ErrorOr<bool, DecodeError> MessagePackReader::read_bool()
{
    m_item_offset = m_offset;
    auto marker = TRY(take(1, "input ends where a value should be"));
    u8 byte = marker[0];
    if (byte == 0xC2 || byte == 0xC3)
        return byte == 0xC3;
    return wrong_type(byte, "expected a bool");
}

ErrorOr<DecodedInteger, DecodeError> MessagePackReader::read_integer()
{
    m_item_offset = m_offset;
    auto marker = TRY(take(1, "input ends where a value should be"));
    u8 byte = marker[0];
    if (byte <= 0x7F)
        return DecodedInteger { false, byte };
    if (byte >= 0xE0)
        return DecodedInteger { true, static_cast<u64>(256 - byte) };
    if (byte >= 0xCC && byte <= 0xCF) {
        auto value = TRY(read_big_endian(usize(1) << (byte - 0xCC)));
        return DecodedInteger { false, value };
    }
    if (byte >= 0xD0 && byte <= 0xD3) {
        usize width = usize(1) << (byte - 0xD0);
        auto value = TRY(read_big_endian(width));
        u64 bits = value;
        u64 sign = u64(1) << (8 * width - 1);
        if ((bits & sign) == 0)
            return DecodedInteger { false, bits };
        /* Negative: the magnitude is the two's complement within `width` bytes. */
        u64 mask = width == 8 ? ~u64(0) : (u64(1) << (8 * width)) - 1;
        return DecodedInteger { true, ((~bits) & mask) + 1 };
    }
    return wrong_type(byte, "expected an integer");
}

ErrorOr<std::span<u8 const>, DecodeError> MessagePackReader::read_string(bool accept_binary, char const* expected)
{
    m_item_offset = m_offset;
    usize item = m_offset;
    auto marker = TRY(take(1, "input ends where a value should be"));
    u8 byte = marker[0];
    u64 length = 0;
    if (byte >= 0xA0 && byte <= 0xBF) {
        length = byte & 0x1F;
    } else if (byte >= 0xD9 && byte <= 0xDB) {
        auto value = TRY(read_big_endian(usize(1) << (byte - 0xD9)));
        length = value;
    } else if (accept_binary && byte >= 0xC4 && byte <= 0xC6) {
        auto value = TRY(read_big_endian(usize(1) << (byte - 0xC4)));
        length = value;
    } else {
        return wrong_type(byte, expected);
    }
    if (length > m_state.limits.maximum_string_bytes)
        return error(ErrorCode::TooLarge, "string is longer than the limit", item);
    m_item_offset = item;
    return take(length, "input ends inside a string");
}

ErrorOr<u32, DecodeError> MessagePackReader::read_container_header(bool map)
{
    m_item_offset = m_offset;
    usize item = m_offset;
    auto marker = TRY(take(1, "input ends where a value should be"));
    u8 byte = marker[0];
    u64 count = 0;
    u8 fixed_base = map ? 0x80 : 0x90;
    u8 sized_base = map ? 0xDE : 0xDC;
    if (byte >= fixed_base && byte <= fixed_base + 0x0F) {
        count = byte & 0x0F;
    } else if (byte == sized_base || byte == sized_base + 1) {
        auto value = TRY(read_big_endian(byte == sized_base ? 2 : 4));
        count = value;
    } else {
        return wrong_type(byte, map ? "expected a map" : "expected an array");
    }
    if (count > m_state.limits.maximum_elements)
        return error(ErrorCode::TooLarge, "more elements than the limit", item);
    /* Every element takes at least one byte: a count the rest of the input cannot hold is a lie. */
    if (count * (map ? 2 : 1) > m_input.size() - m_offset)
        return error(ErrorCode::MalformedMessage, "element count exceeds the bytes that follow", item);
    TRY(m_state.enter(item));
    m_item_offset = item;
    return static_cast<u32>(count);
}

ErrorOr<u32, DecodeError> MessagePackReader::read_array_header() { return read_container_header(false); }
ErrorOr<u32, DecodeError> MessagePackReader::read_map_header() { return read_container_header(true); }

ErrorOr<void, DecodeError> MessagePackReader::skip_value()
{
    m_item_offset = m_offset;
    if (m_offset >= m_input.size())
        return error(ErrorCode::MalformedMessage, "input ends where a value should be", m_offset);
    u8 byte = m_input[m_offset];
    auto skip = [&](usize count) -> ErrorOr<void, DecodeError> {
        TRY(take(count, "input ends inside an item"));
        return {};
    };
    bool is_map = (byte >= 0x80 && byte <= 0x8F) || byte == 0xDE || byte == 0xDF;
    bool is_array = (byte >= 0x90 && byte <= 0x9F) || byte == 0xDC || byte == 0xDD;
    if (is_map || is_array) {
        auto count = TRY(read_container_header(is_map));
        u64 items = u64(count) * (is_map ? 2 : 1);
        for (u64 index = 0; index < items; ++index) {
            TRY(skip_value());
        }
        leave();
        return {};
    }
    if ((byte >= 0xA0 && byte <= 0xBF) || (byte >= 0xD9 && byte <= 0xDB) || (byte >= 0xC4 && byte <= 0xC6)) {
        TRY(read_string(true));
        return {};
    }
    if (byte <= 0x7F || byte >= 0xE0 || byte == 0xC0 || byte == 0xC2 || byte == 0xC3)
        return skip(1);
    if (byte == 0xC1)
        return wrong_type(byte, "");
    if (byte >= 0xC7 && byte <= 0xC9) {
        ++m_offset;
        auto length = TRY(read_big_endian(usize(1) << (byte - 0xC7)));
        if (length > m_state.limits.maximum_string_bytes)
            return error(ErrorCode::TooLarge, "extension data is longer than the limit", m_item_offset);
        return skip(1 + length);
    }
    if (byte == 0xCA)
        return skip(1 + 4);
    if (byte == 0xCB)
        return skip(1 + 8);
    if (byte >= 0xCC && byte <= 0xCF)
        return skip(1 + (usize(1) << (byte - 0xCC)));
    if (byte >= 0xD0 && byte <= 0xD3)
        return skip(1 + (usize(1) << (byte - 0xD0)));
    /* fixext 1, 2, 4, 8, 16: marker, type, data. */
    return skip(2 + (usize(1) << (byte - 0xD4)));
}

ErrorOr<void, DecodeError> MessagePackReader::finish() const
{
    if (m_offset != m_input.size())
        return error(ErrorCode::MalformedMessage, "bytes follow the value", m_offset);
    return {};
}

}
