/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <concepts>
#include <span>
#include <string_view>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra::io {

/*
 * A source of bytes. `read(buffer)` fills some prefix of `buffer` and returns its length;
 * 0 means the end of the stream (or an empty buffer). It never returns 0 only "for now".
 */
template<typename T>
concept Read = requires(T& reader, std::span<u8> buffer)
{
    {
        reader.read(buffer)
        } -> std::same_as<ErrorOr<usize>>;
};

/*
 * A sink of bytes. `write(bytes)` takes some non-empty prefix of non-empty `bytes` and returns
 * its length, or fails; write_all() loops until everything is taken.
 */
template<typename T>
concept Write = requires(T& writer, std::span<u8 const> bytes)
{
    {
        writer.write(bytes)
        } -> std::same_as<ErrorOr<usize>>;
};

/* A sink that holds bytes back until flushed. */
template<typename T>
concept Flush = Write<T> && requires(T& writer)
{
    {
        writer.flush()
        } -> std::same_as<ErrorOr<void>>;
};

[[nodiscard]] inline std::span<u8 const> bytes_of(std::string_view text)
{
    return { reinterpret_cast<u8 const*>(text.data()), text.size() };
}

/* Writes every byte, or fails. A writer that takes nothing is an error, not a busy loop. */
template<Write Writer>
[[nodiscard]] ErrorOr<void> write_all(Writer& writer, std::span<u8 const> bytes)
{
    while (!bytes.empty()) {
        auto written = writer.write(bytes);
        if (written.is_error())
            return written.release_error();
        if (written.value() == 0 || written.value() > bytes.size())
            return Error(ErrorCode::InvalidArgument, "writer broke the Write contract (took 0 bytes or too many)");
        bytes = bytes.subspan(written.value());
    }
    return {};
}

template<Write Writer>
[[nodiscard]] ErrorOr<void> write_all(Writer& writer, std::string_view text)
{
    return write_all(writer, bytes_of(text));
}

/* Fills `buffer` completely, or fails: a stream that ends first is an error. */
template<Read Reader>
[[nodiscard]] ErrorOr<void> read_exact(Reader& reader, std::span<u8> buffer)
{
    while (!buffer.empty()) {
        auto read = reader.read(buffer);
        if (read.is_error())
            return read.release_error();
        if (read.value() == 0)
            return Error(ErrorCode::MalformedMessage, "stream ended before the bytes expected");
        if (read.value() > buffer.size())
            return Error(ErrorCode::InvalidArgument, "reader broke the Read contract (returned too many)");
        buffer = buffer.subspan(read.value());
    }
    return {};
}

/* Copies until the reader ends, through the caller's scratch buffer; returns the byte count. */
template<Read Reader, Write Writer>
[[nodiscard]] ErrorOr<u64> copy(Reader& reader, Writer& writer, std::span<u8> scratch)
{
    VERIFY(!scratch.empty());
    u64 total = 0;
    while (true) {
        auto read = reader.read(scratch);
        if (read.is_error())
            return read.release_error();
        if (read.value() == 0)
            return total;
        if (read.value() > scratch.size())
            return Error(ErrorCode::InvalidArgument, "reader broke the Read contract (returned too many)");
        auto written = write_all(writer, scratch.first(read.value()));
        if (written.is_error())
            return written.release_error();
        total += read.value();
    }
}

}
