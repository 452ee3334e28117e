/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vectra/http/Characters.h>
#include <vectra/http/Client.h>
#include <vectra/http/Error.h>

namespace vectra::http {

namespace {

bool is_request_text(std::string_view text, bool target)
{
    if (text.empty())
        return false;
    for (char character : text) {
        u8 byte = u8(character);
        if (byte <= 0x20 || byte >= 0x7f || (!target && (byte == '/' || byte == '?' || byte == '#' || byte == '@')))
            return false;
    }
    return true;
}

}

ErrorOr<usize> Client::fill(ByteStream& stream, std::span<u8 const> sending)
{
    if (m_input_start == m_input_end)
        m_input_start = m_input_end = 0;
    std::span<u8> into(m_input.data() + m_input_end, m_input.size() - m_input_end);
    if (m_ended || into.empty()) {
        if (!sending.empty())
            TRY(stream.send(sending, m_timeout));
        return usize(0);
    }
    auto received = TRY(sending.empty() ? stream.receive(into, m_timeout) : stream.send_receive(sending, into, m_timeout));
    m_input_end += received.length;
    m_ended = received.end;
    return received.length;
}

ErrorOr<ClientResponse> Client::request(ByteStream& stream, Method method, std::string_view host, std::string_view target, BodySink& sink)
{
    if (!is_request_text(host, false) || !is_request_text(target, true) || target.front() != '/')
        return Error(HttpError::InvalidTarget, "a host without separators and a /target of visible ASCII");
    if (method != Method::Get && method != Method::Head)
        return Error(ErrorCode::Unsupported, "the client sends GET and HEAD");
    std::array<u8, head_capacity> request {};
    usize length = 0;
    auto append = [&](std::string_view text) {
        for (char character : text) {
            if (length < request.size())
                request[length++] = u8(character);
        }
    };
    append(method == Method::Get ? "GET " : "HEAD ");
    append(target);
    append(" HTTP/1.1\r\nHost: ");
    append(host);
    append("\r\n\r\n");
    if (length == request.size())
        return Error(HttpError::TargetTooLong, "the request is over the client's buffer");
    /* The request goes with the wait for the response's first bytes (over a netd socket: one call). */
    TRY(fill(stream, std::span<u8 const>(request.data(), length)));

    /* The head, skipping interim 1xx responses. */
    for (;;) {
        m_parser = HeadParser(MessageKind::Response, m_head_buffer, m_limits);
        m_parser.set_request_method(method);
        while (!m_parser.is_complete()) {
            if (m_input_start == m_input_end) {
                if (TRY(fill(stream)) == 0 && m_ended)
                    return Error(HttpError::Truncated, "the stream ended before the response head");
                continue;
            }
            m_input_start += TRY(m_parser.feed(std::span<u8 const>(m_input.data() + m_input_start, m_input_end - m_input_start)));
        }
        if (m_parser.head().status >= 200)
            break;
    }
    auto const& head = m_parser.head();
    BodyDecoder body(head.framing, head.content_length, m_limits);
    while (!body.is_done()) {
        if (m_input_start == m_input_end) {
            if (TRY(fill(stream)) == 0 && m_ended) {
                TRY(body.end_of_stream());
                break;
            }
            continue;
        }
        auto step = TRY(body.step(std::span<u8 const>(m_input.data() + m_input_start, m_input_end - m_input_start)));
        m_input_start += step.consumed;
        if (!step.data.empty())
            TRY(sink.take(step.data));
    }
    return ClientResponse { head.status, body.decoded_bytes(), head.keep_alive && !m_ended };
}

}
