/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/encoding/MessagePackSyntax.h>

namespace vectra::encoding {

void MessagePackWriter::write_byte(u8 byte)
{
    if (m_overflowed)
        return;
    if (m_length == m_output.size()) {
        m_overflowed = true;
        return;
    }
    m_output[m_length++] = byte;
}

void MessagePackWriter::write_big_endian(u64 value, usize width)
{
    for (usize index = width; index > 0; --index)
        write_byte(static_cast<u8>(value >> (8 * (index - 1))));
}

void MessagePackWriter::write_bytes(std::string_view bytes)
{
    if (m_overflowed)
        return;
    if (bytes.size() > m_output.size() - m_length) {
        m_overflowed = true;
        return;
    }
    if (!bytes.empty())
        memcpy(m_output.data() + m_length, bytes.data(), bytes.size());
    m_length += bytes.size();
}

void MessagePackWriter::write_unsigned(u64 value)
{
    if (value < 0x80) {
        write_byte(static_cast<u8>(value));
    } else if (value <= 0xFF) {
        write_byte(0xCC);
        write_big_endian(value, 1);
    } else if (value <= 0xFFFF) {
        write_byte(0xCD);
        write_big_endian(value, 2);
    } else if (value <= 0xFFFF'FFFF) {
        write_byte(0xCE);
        write_big_endian(value, 4);
    } else {
        write_byte(0xCF);
        write_big_endian(value, 8);
    }
}

void MessagePackWriter::write_signed(i64 value)
{
    if (value >= 0) {
        write_unsigned(static_cast<u64>(value));
    } else if (value >= -32) {
        write_byte(static_cast<u8>(value));
    } else if (value >= -128) {
        write_byte(0xD0);
        write_big_endian(static_cast<u64>(value), 1);
    } else if (value >= -32768) {
        write_byte(0xD1);
        write_big_endian(static_cast<u64>(value), 2);
    } else if (value >= -2147483648LL) {
        write_byte(0xD2);
        write_big_endian(static_cast<u64>(value), 4);
    } else {
        write_byte(0xD3);
        write_big_endian(static_cast<u64>(value), 8);
    }
}

void MessagePackWriter::write_string(std::string_view bytes)
{
    usize length = bytes.size();
    if (length < 32) {
        write_byte(static_cast<u8>(0xA0 | length));
    } else if (length <= 0xFF) {
        write_byte(0xD9);
        write_big_endian(length, 1);
    } else if (length <= 0xFFFF) {
        write_byte(0xDA);
        write_big_endian(length, 2);
    } else {
        write_byte(0xDB);
        write_big_endian(length, 4);
    }
    write_bytes(bytes);
}

void MessagePackWriter::write_binary(std::string_view bytes)
{
    usize length = bytes.size();
    if (length <= 0xFF) {
        write_byte(0xC4);
        write_big_endian(length, 1);
    } else if (length <= 0xFFFF) {
        write_byte(0xC5);
        write_big_endian(length, 2);
    } else {
        write_byte(0xC6);
        write_big_endian(length, 4);
    }
    write_bytes(bytes);
}

void MessagePackWriter::write_array_header(u32 count)
{
    if (count < 16) {
        write_byte(static_cast<u8>(0x90 | count));
    } else if (count <= 0xFFFF) {
        write_byte(0xDC);
        write_big_endian(count, 2);
    } else {
        write_byte(0xDD);
        write_big_endian(count, 4);
    }
}

void MessagePackWriter::write_map_header(u32 count)
{
    if (count < 16) {
        write_byte(static_cast<u8>(0x80 | count));
    } else if (count <= 0xFFFF) {
        write_byte(0xDE);
        write_big_endian(count, 2);
    } else {
        write_byte(0xDF);
        write_big_endian(count, 4);
    }
}

ErrorOr<usize> MessagePackWriter::finish() const
{
    if (m_overflowed)
        return Error(ErrorCode::TooLarge, "MessagePack output does not fit the buffer");
    return m_length;
}

}
