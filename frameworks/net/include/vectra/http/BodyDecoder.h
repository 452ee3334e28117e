/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A message body as it streams in (RFC 9112 §6, §7.1): Content-Length bytes, chunked, or the
 * bytes until the connection ends. The decoder never copies: each step hands back a view of the
 * caller's input holding body bytes, and says how much input it took, so a body of any size
 * passes through a small receive buffer. Chunked is read strictly: a size of 1–16 hex digits, an
 * extension (after ';', visible ASCII, SP, HTAB) within the chunk line limit, CRLF after the size
 * line and after the data, trailer fields as field lines within their limit (and discarded); the
 * decoded bytes count against the body limit (`body-too-large`), however they are framed.
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/http/HeadParser.h>

namespace vectra::http {

struct BodyStep {
    usize consumed { 0 };         /* input bytes taken */
    std::span<u8 const> data;     /* body bytes among them (a view of the input) */
};

class BodyDecoder {
public:
    BodyDecoder() = default;
    BodyDecoder(Framing, u64 content_length, Limits const& = {});

    /* One step over `input`: call again with the rest while consumed < input.size() and !is_done(). */
    [[nodiscard]] ErrorOr<BodyStep> step(std::span<u8 const> input);
    /* The stream ended: fine for a body read until the end (then done), `truncated` otherwise. */
    [[nodiscard]] ErrorOr<void> end_of_stream();

    [[nodiscard]] bool is_done() const { return m_state == State::Done; }
    [[nodiscard]] u64 decoded_bytes() const { return m_decoded; }

private:
    enum class State : u8 {
        Data,         /* Length or UntilClose: m_remaining bytes (UntilClose: unbounded but for the limit) */
        ChunkSize,
        ChunkExtension,
        ChunkSizeEnd, /* the LF after the size line's CR */
        ChunkData,
        ChunkDataEnd, /* CR then LF after a chunk's data */
        TrailerLine,
        Done,
    };

    [[nodiscard]] ErrorOr<void> take_framing_byte(u8);
    [[nodiscard]] ErrorOr<void> count(u64 bytes);

    Framing m_framing { Framing::None };
    Limits m_limits;
    State m_state { State::Done };
    u64 m_remaining { 0 };
    u64 m_decoded { 0 };
    usize m_line_bytes { 0 };    /* of the current chunk size line or trailer line */
    usize m_size_digits { 0 };
    usize m_trailer_bytes { 0 };
    bool m_after_carriage_return { false };
    bool m_trailer_colon { false };
};

}
