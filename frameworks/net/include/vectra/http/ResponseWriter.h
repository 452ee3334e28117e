/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A response onto a ByteStream: the status line, Content-Length (always: a server here never
 * ends a body by closing), Connection: close when the connection ends after it, the caller's
 * fields (names tokens, values field characters: nothing a caller passes can split the head),
 * then exactly Content-Length body bytes, streamed in as many writes as the caller likes. For a
 * HEAD request the head is the same and the body is counted but not sent (RFC 9110 §9.3.2).
 */

#pragma once

#include <array>
#include <span>
#include <string_view>
#include <vectra/Duration.h>
#include <vectra/http/HeadParser.h>
#include <vectra/http/Stream.h>

namespace vectra::http {

enum class BodySending : u8 {
    Send,
    HeadOnly,
};

class ResponseWriter {
public:
    static constexpr usize head_capacity = 1024;

    ResponseWriter(ByteStream&, Duration send_timeout, BodySending, bool keep_alive);

    /* Sends the head. `fields` are extra fields (not Content-Length, not Connection). */
    [[nodiscard]] ErrorOr<void> start(u16 status, u64 content_length, std::span<Header const> fields = {});
    /* Body bytes; more than announced is `body-mismatch` (nothing of them sent). */
    [[nodiscard]] ErrorOr<void> write(std::span<u8 const>);
    /* A response to HEAD: the announced body counts as written without being read or sent. */
    [[nodiscard]] ErrorOr<void> omit_body();
    [[nodiscard]] bool is_head_only() const { return m_body == BodySending::HeadOnly; }
    /* The body is whole: `body-mismatch` when fewer bytes than announced were written. */
    [[nodiscard]] ErrorOr<void> finish();

    /* A complete response with a short text/plain body naming the status (errors: 400, 404, …). */
    [[nodiscard]] ErrorOr<void> send_status(u16 status, std::span<Header const> fields = {});

    [[nodiscard]] bool has_started() const { return m_started; }
    [[nodiscard]] bool keep_alive() const { return m_keep_alive; }
    /* The connection must end after this response (set for errors that leave the stream unreadable). */
    void end_connection_after() { m_keep_alive = false; }
    /* The request was HTTP/1.0: a kept connection says so (`Connection: keep-alive`), since a 1.0
       client takes a response without it as the connection's last (RFC 9112 §9.3, Appendix C.2.2). */
    void announce_keep_alive() { m_announce_keep_alive = true; }
    [[nodiscard]] u16 status() const { return m_status; }

private:
    ByteStream& m_stream;
    Duration m_send_timeout;
    BodySending m_body;
    bool m_keep_alive;
    bool m_announce_keep_alive { false };
    bool m_started { false };
    u16 m_status { 0 };
    u64 m_remaining { 0 };
};

}
