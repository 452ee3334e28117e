/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * DNS messages over a byte stream (RFC 1035 §4.2.2, RFC 7766 §8, RFC 7858 §3.3: TCP and TLS alike):
 * every message follows its length as two bytes, big-endian. `frame_query` writes a query so;
 * `StreamFrames` gathers a stream's bytes in storage the caller gives and hands out each whole
 * message once it arrived — a stream may cut a message anywhere and carry several back to back
 * (pipelined answers, in any order). A length below a DNS header (12 bytes) cannot be a message:
 * `malformed`, and the stream cannot be trusted past it (its framing is lost), so the reader
 * refuses everything after it until `reset`.
 */

#pragma once

#include <optional>
#include <span>
#include <vectra/Error.h>
#include <vectra/dns/Message.h>

namespace vectra::dns {

inline constexpr usize length_prefix_bytes = 2;
/* Storage a StreamFrames needs to hold the largest message and its length. */
inline constexpr usize largest_frame_bytes = length_prefix_bytes + maximum_message_bytes;

/* The query after its two-byte length; the bytes written. */
[[nodiscard]] ErrorOr<usize> frame_query(Query const&, std::span<u8> into);

class StreamFrames {
public:
    /* `storage` must hold `largest_frame_bytes`; `invalid-argument` otherwise. */
    [[nodiscard]] static ErrorOr<StreamFrames> create(std::span<u8> storage);

    /* Where the stream's next bytes go (never empty while no message is waiting whole), then `received(count)`. */
    [[nodiscard]] std::span<u8> space();
    void received(usize count);
    /* The next whole message (without its length), valid until the next call; nothing while one is incomplete. */
    [[nodiscard]] ErrorOr<std::optional<std::span<u8 const>>> next();
    /* Bytes held that belong to no message handed out yet. */
    [[nodiscard]] usize pending() const { return m_end - m_start; }
    /* Forgets every byte (a new connection). */
    void reset();

private:
    explicit StreamFrames(std::span<u8> storage)
        : m_storage(storage)
    {
    }

    std::span<u8> m_storage;
    usize m_start { 0 };
    usize m_end { 0 };
    bool m_broken { false };
};

}
