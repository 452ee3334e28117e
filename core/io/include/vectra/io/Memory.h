/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <string.h>
#include <vectra/io/Stream.h>

namespace vectra::io {

/* Reads the bytes of a caller-held span, then ends. */
class SpanReader {
public:
    explicit SpanReader(std::span<u8 const> bytes)
        : m_bytes(bytes)
    {
    }

    [[nodiscard]] ErrorOr<usize> read(std::span<u8> buffer)
    {
        usize count = buffer.size() < remaining() ? buffer.size() : remaining();
        if (count > 0)
            memcpy(buffer.data(), m_bytes.data() + m_offset, count);
        m_offset += count;
        return count;
    }

    [[nodiscard]] usize remaining() const { return m_bytes.size() - m_offset; }

private:
    std::span<u8 const> m_bytes;
    usize m_offset { 0 };
};

/* Writes into a caller-held span; once it is full, writing fails with ErrorCode::Full. */
class SpanWriter {
public:
    explicit SpanWriter(std::span<u8> buffer)
        : m_buffer(buffer)
    {
    }

    [[nodiscard]] ErrorOr<usize> write(std::span<u8 const> bytes)
    {
        if (bytes.empty())
            return 0;
        usize room = m_buffer.size() - m_length;
        if (room == 0)
            return Error(ErrorCode::Full, "the writer's buffer is full");
        usize count = bytes.size() < room ? bytes.size() : room;
        memcpy(m_buffer.data() + m_length, bytes.data(), count);
        m_length += count;
        return count;
    }

    [[nodiscard]] std::span<u8 const> written() const { return m_buffer.first(m_length); }
    [[nodiscard]] std::string_view written_text() const
    {
        return { reinterpret_cast<char const*>(m_buffer.data()), m_length };
    }
    void clear() { m_length = 0; }

private:
    std::span<u8> m_buffer;
    usize m_length { 0 };
};

/*
 * A Write over anything with `write(std::string_view)` that takes everything it is given (the
 * console device, say): lets text-only targets sit behind the Write concept.
 */
template<typename Target>
requires requires(Target& target, std::string_view text) { target.write(text); }
class TextTargetWriter {
public:
    explicit TextTargetWriter(Target& target)
        : m_target(target)
    {
    }

    [[nodiscard]] ErrorOr<usize> write(std::span<u8 const> bytes)
    {
        m_target.write(std::string_view(reinterpret_cast<char const*>(bytes.data()), bytes.size()));
        return bytes.size();
    }

private:
    Target& m_target;
};

}
