/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * An HTTP/1.1 client over a ByteStream: GET (or HEAD) of one target, the response head parsed
 * with the same rules and limits as a request's (HeadParser), the body streamed to a BodySink as
 * it arrives (Content-Length, chunked, or until the end) — never held whole. Interim 1xx
 * responses are skipped. The connection can carry the next request when the response says
 * keep-alive; bytes after a response stay for the next one.
 */

#pragma once

#include <array>
#include <span>
#include <string_view>
#include <vectra/Duration.h>
#include <vectra/http/BodyDecoder.h>
#include <vectra/http/HeadParser.h>
#include <vectra/http/Stream.h>

namespace vectra::http {

class BodySink {
public:
    virtual ~BodySink() = default;
    [[nodiscard]] virtual ErrorOr<void> take(std::span<u8 const>) = 0;
};

struct ClientResponse {
    u16 status { 0 };
    u64 body_bytes { 0 };
    bool keep_alive { false };
};

class Client {
public:
    static constexpr usize head_capacity = 8192;
    static constexpr usize input_capacity = 4096;

    explicit Client(Limits const& limits = {}, Duration timeout = Duration::from_seconds(30))
        : m_limits(limits)
        , m_timeout(timeout)
    {
    }

    Client(Client const&) = delete; /* the parser points into this object's own buffer */
    Client& operator=(Client const&) = delete;

    /* Sends the request (`host` and `target` checked: no byte that could split it) and reads the response. */
    [[nodiscard]] ErrorOr<ClientResponse> request(ByteStream&, Method, std::string_view host, std::string_view target, BodySink&);
    [[nodiscard]] ErrorOr<ClientResponse> get(ByteStream& stream, std::string_view host, std::string_view target, BodySink& sink)
    {
        return request(stream, Method::Get, host, target, sink);
    }

    /* The last response's head: valid until the next request. */
    [[nodiscard]] Head const& head() const { return m_parser.head(); }

private:
    /* Receives more input; `sending` first (with the receive in one step where the stream can: ByteStream::send_receive). */
    [[nodiscard]] ErrorOr<usize> fill(ByteStream&, std::span<u8 const> sending = {});

    Limits m_limits;
    Duration m_timeout;
    std::array<u8, head_capacity> m_head_buffer {};
    std::array<u8, input_capacity> m_input {};
    usize m_input_start { 0 };
    usize m_input_end { 0 };
    bool m_ended { false };
    HeadParser m_parser { MessageKind::Response, m_head_buffer };
};

}
