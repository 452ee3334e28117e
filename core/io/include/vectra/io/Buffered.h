/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <string.h>
#include <vectra/io/Stream.h>

namespace vectra::io {

/*
 * Reads from another reader through a buffer the caller provides: fewer, larger reads, plus
 * peeking and reading up to a delimiter.
 */
template<Read Inner>
class BufferedReader {
public:
    BufferedReader(Inner& inner, std::span<u8> buffer)
        : m_inner(inner)
        , m_buffer(buffer)
    {
        VERIFY(!buffer.empty());
    }

    [[nodiscard]] ErrorOr<usize> read(std::span<u8> destination)
    {
        if (destination.empty())
            return 0;
        if (buffered() == 0) {
            /* A large read with nothing buffered goes straight through. */
            if (destination.size() >= m_buffer.size())
                return m_inner.read(destination);
            auto filled = fill();
            if (filled.is_error())
                return filled.release_error();
        }
        usize count = destination.size() < buffered() ? destination.size() : buffered();
        memcpy(destination.data(), m_buffer.data() + m_start, count);
        m_start += count;
        return count;
    }

    /* The buffered bytes, reading more first if none are; empty at the end of the stream. */
    [[nodiscard]] ErrorOr<std::span<u8 const>> peek()
    {
        if (buffered() == 0) {
            auto filled = fill();
            if (filled.is_error())
                return filled.release_error();
        }
        return std::span<u8 const>(m_buffer.data() + m_start, buffered());
    }

    void consume(usize count)
    {
        VERIFY(count <= buffered());
        m_start += count;
    }

    /*
     * Copies bytes up to and including `delimiter` into `destination`; returns the count. Less
     * than a full line without the delimiter means the stream ended; 0 means it had already
     * ended. A line longer than `destination` is refused (nothing after it is lost: the
     * destination holds its first bytes and reading can go on).
     */
    [[nodiscard]] ErrorOr<usize> read_until(u8 delimiter, std::span<u8> destination)
    {
        usize length = 0;
        while (true) {
            auto available = peek();
            if (available.is_error())
                return available.release_error();
            auto bytes = available.value();
            if (bytes.empty())
                return length;
            auto* found = static_cast<u8 const*>(memchr(bytes.data(), delimiter, bytes.size()));
            usize take = found ? static_cast<usize>(found - bytes.data()) + 1 : bytes.size();
            if (take > destination.size() - length) {
                usize room = destination.size() - length;
                memcpy(destination.data() + length, bytes.data(), room);
                consume(room);
                return Error(ErrorCode::TooLarge, "line is longer than the destination");
            }
            memcpy(destination.data() + length, bytes.data(), take);
            consume(take);
            length += take;
            if (found)
                return length;
        }
    }

    [[nodiscard]] usize buffered() const { return m_end - m_start; }

private:
    [[nodiscard]] ErrorOr<void> fill()
    {
        m_start = 0;
        m_end = 0;
        auto read = m_inner.read(m_buffer);
        if (read.is_error())
            return read.release_error();
        if (read.value() > m_buffer.size())
            return Error(ErrorCode::InvalidArgument, "reader broke the Read contract (returned too many)");
        m_end = read.value();
        return {};
    }

    Inner& m_inner;
    std::span<u8> m_buffer;
    usize m_start { 0 };
    usize m_end { 0 };
};

/*
 * Writes to another writer through a buffer the caller provides. Bytes reach the inner writer
 * when the buffer fills or on flush(), which also flushes the inner writer if it can. The
 * destructor does not flush (it could not report a failure): unflushed bytes are dropped.
 * A failed flush drops what it could not write and reports it.
 */
template<Write Inner>
class BufferedWriter {
public:
    BufferedWriter(Inner& inner, std::span<u8> buffer)
        : m_inner(inner)
        , m_buffer(buffer)
    {
        VERIFY(!buffer.empty());
    }

    [[nodiscard]] ErrorOr<usize> write(std::span<u8 const> bytes)
    {
        if (bytes.size() > m_buffer.size() - m_length) {
            auto drained = drain();
            if (drained.is_error())
                return drained.release_error();
            /* Too large to be worth buffering: straight through. */
            if (bytes.size() >= m_buffer.size()) {
                auto written = write_all(m_inner, bytes);
                if (written.is_error())
                    return written.release_error();
                return bytes.size();
            }
        }
        if (!bytes.empty())
            memcpy(m_buffer.data() + m_length, bytes.data(), bytes.size());
        m_length += bytes.size();
        return bytes.size();
    }

    [[nodiscard]] ErrorOr<void> flush()
    {
        auto drained = drain();
        if (drained.is_error())
            return drained;
        if constexpr (Flush<Inner>)
            return m_inner.flush();
        return {};
    }

    /* Bytes written but not yet passed on. */
    [[nodiscard]] usize pending() const { return m_length; }

private:
    [[nodiscard]] ErrorOr<void> drain()
    {
        auto written = write_all(m_inner, std::span<u8 const>(m_buffer.data(), m_length));
        m_length = 0;
        return written;
    }

    Inner& m_inner;
    std::span<u8> m_buffer;
    usize m_length { 0 };
};

}
