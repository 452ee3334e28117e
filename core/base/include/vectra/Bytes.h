/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <string.h>
#include <string_view>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * Bounds-checked little-endian reading of untrusted bytes. Every failure is an error value
 * naming what was being read; `offset()` tells where reading stopped.
 */
class ByteReader {
public:
    explicit ByteReader(std::span<u8 const> bytes)
        : m_bytes(bytes)
    {
    }

    template<typename Integer>
    [[nodiscard]] ErrorOr<Integer> read()
    {
        Integer value {};
        if (remaining() < sizeof(Integer))
            return Error(ErrorCode::MalformedMessage, "message ends inside an integer field");
        memcpy(&value, m_bytes.data() + m_offset, sizeof(Integer));
        m_offset += sizeof(Integer);
        return value;
    }

    [[nodiscard]] ErrorOr<std::span<u8 const>> read_bytes(usize count)
    {
        if (remaining() < count)
            return Error(ErrorCode::MalformedMessage, "message ends inside a byte field");
        auto bytes = m_bytes.subspan(m_offset, count);
        m_offset += count;
        return bytes;
    }

    [[nodiscard]] ErrorOr<void> expect_end() const
    {
        if (remaining() != 0)
            return Error(ErrorCode::MalformedMessage, "trailing bytes after the message");
        return {};
    }

    [[nodiscard]] usize remaining() const { return m_bytes.size() - m_offset; }
    [[nodiscard]] usize offset() const { return m_offset; }

private:
    std::span<u8 const> m_bytes;
    usize m_offset { 0 };
};

/* Bounds-checked little-endian writing into a caller-owned buffer. */
class ByteWriter {
public:
    explicit ByteWriter(std::span<u8> buffer)
        : m_buffer(buffer)
    {
    }

    template<typename Integer>
    [[nodiscard]] ErrorOr<void> write(Integer value)
    {
        if (m_buffer.size() - m_length < sizeof(Integer))
            return Error(ErrorCode::TooLarge, "message does not fit its buffer");
        memcpy(m_buffer.data() + m_length, &value, sizeof(Integer));
        m_length += sizeof(Integer);
        return {};
    }

    [[nodiscard]] ErrorOr<void> write_bytes(std::span<u8 const> bytes)
    {
        if (m_buffer.size() - m_length < bytes.size())
            return Error(ErrorCode::TooLarge, "message does not fit its buffer");
        if (!bytes.empty())
            memcpy(m_buffer.data() + m_length, bytes.data(), bytes.size());
        m_length += bytes.size();
        return {};
    }

    [[nodiscard]] std::span<u8 const> written() const { return m_buffer.first(m_length); }
    [[nodiscard]] usize length() const { return m_length; }
    [[nodiscard]] usize remaining() const { return m_buffer.size() - m_length; }

private:
    std::span<u8> m_buffer;
    usize m_length { 0 };
};

[[nodiscard]] inline std::span<u8 const> as_bytes(std::string_view text)
{
    return { reinterpret_cast<u8 const*>(text.data()), text.size() };
}

[[nodiscard]] inline std::string_view as_text(std::span<u8 const> bytes)
{
    return { reinterpret_cast<char const*>(bytes.data()), bytes.size() };
}

}
