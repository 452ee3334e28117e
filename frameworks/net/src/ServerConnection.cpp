/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/http/Error.h>
#include <vectra/http/Server.h>

namespace vectra::http {

namespace {

u64 after(u64 start, Duration duration) { return start + u64(duration.nanoseconds()); }

}

void ServerConnection::open(ByteStream& stream, ServerLimits const& limits, u64 now)
{
    m_stream = &stream;
    m_parser = HeadParser(MessageKind::Request, m_head_buffer, limits.message);
    m_body = BodyDecoder();
    m_input_start = m_input_end = 0;
    m_state = State::Head;
    m_peer_ended = false;
    m_head_started = 0;
    m_last_activity = now;
    m_requests = 0;
}

bool ServerConnection::is_idle() const
{
    return is_open() && m_state == State::Head && m_head_started == 0 && m_input_start == m_input_end;
}

std::optional<u64> ServerConnection::deadline(ServerLimits const& limits) const
{
    /* turn() ends a connection once `now` is past these (strictly): the first moment it would. */
    std::optional<u64> earliest;
    if (!is_open())
        return earliest;
    if (m_state == State::Head && m_head_started != 0)
        earliest = after(m_head_started, limits.header_timeout) + 1;
    if (is_idle() || m_state == State::Body) {
        u64 idle = after(m_last_activity, limits.idle_timeout) + 1;
        if (!earliest || idle < *earliest)
            earliest = idle;
    }
    return earliest;
}

void ServerConnection::close(Closing how)
{
    if (!m_stream)
        return;
    m_stream->close(how);
    m_stream = nullptr;
}

void ServerConnection::refuse(Error const& error, ServerLimits const& limits)
{
    ResponseWriter writer(*m_stream, limits.send_timeout, BodySending::Send, false);
    auto sent = writer.send_status(status_for(error));
    close(sent.is_error() ? Closing::Reset : Closing::Orderly);
}

void ServerConnection::answer(RequestHandler& handler, ServerLimits const& limits, ServerCounters& counters, u64 now)
{
    auto const& head = m_parser.head();
    if (head.framing == Framing::Length && head.content_length > limits.message.body_bytes) {
        ++counters.refused;
        return refuse(Error(HttpError::BodyTooLarge, "the announced body is over its limit"), limits);
    }
    bool keep_alive = head.keep_alive && m_requests + 1 < limits.requests_per_connection;
    ResponseWriter writer(*m_stream, limits.send_timeout, head.method == Method::Head ? BodySending::HeadOnly : BodySending::Send,
        keep_alive);
    if (head.version_minor == 0)
        writer.announce_keep_alive();
    auto responded = handler.respond(head, writer);
    if (!responded.is_error())
        responded = writer.finish();
    if (responded.is_error()) {
        ++counters.failed;
        if (writer.has_started()) {
            /* Part of a response went out: the only honest end is to drop the connection. */
            return close(Closing::Reset);
        }
        writer.end_connection_after();
        auto sent = writer.send_status(500);
        return close(sent.is_error() ? Closing::Reset : Closing::Orderly);
    }
    ++counters.requests;
    ++m_requests;
    if (!writer.keep_alive())
        return close(Closing::Orderly);
    m_body = BodyDecoder(head.framing, head.content_length, limits.message);
    m_parser.reset();
    m_state = State::Body;
    m_head_started = 0;
    m_last_activity = now;
}

void ServerConnection::process(RequestHandler& handler, ServerLimits const& limits, ServerCounters& counters, u64 now)
{
    while (is_open() && m_input_start < m_input_end) {
        std::span<u8 const> input(m_input.data() + m_input_start, m_input_end - m_input_start);
        if (m_state == State::Body) {
            if (m_body.is_done()) {
                m_state = State::Head;
                continue;
            }
            auto step = m_body.step(input);
            if (step.is_error()) {
                ++counters.failed;
                return close(Closing::Reset);
            }
            m_input_start += step.value().consumed;
            continue;
        }
        if (m_head_started == 0)
            m_head_started = now;
        auto fed = m_parser.feed(input);
        if (fed.is_error()) {
            ++counters.refused;
            return refuse(fed.error(), limits);
        }
        m_input_start += fed.value();
        if (m_parser.is_complete())
            answer(handler, limits, counters, now);
    }
    if (is_open() && m_state == State::Body && m_body.is_done())
        m_state = State::Head;
}

bool ServerConnection::turn(RequestHandler& handler, ServerLimits const& limits, ServerCounters& counters, u64 now)
{
    if (!is_open())
        return false;
    bool worked = false;
    if (m_input_start == m_input_end)
        m_input_start = m_input_end = 0;
    if (!m_peer_ended && m_input_end < m_input.size()) {
        auto received = m_stream->try_receive(std::span<u8>(m_input.data() + m_input_end, m_input.size() - m_input_end));
        if (received.is_error()) {
            ++counters.failed;
            close(Closing::Reset);
            return true;
        }
        if (received.value().length > 0) {
            m_input_end += received.value().length;
            m_last_activity = now;
            worked = true;
        }
        if (received.value().end) {
            m_peer_ended = true;
            worked = true;
        }
    }
    process(handler, limits, counters, now);
    if (!is_open())
        return true;
    if (m_peer_ended && m_input_start == m_input_end) {
        /* The peer is done: cleanly between requests, or it left a message unfinished. */
        close(is_idle() ? Closing::Orderly : Closing::Reset);
        return true;
    }
    if (m_state == State::Head && m_head_started != 0 && now > after(m_head_started, limits.header_timeout)) {
        ++counters.header_timeouts;
        refuse(Error(HttpError::HeaderTimeout, "the request head did not arrive in time"), limits);
        return true;
    }
    if (now > after(m_last_activity, limits.idle_timeout) && (is_idle() || m_state == State::Body)) {
        ++counters.idle_closed;
        close(m_state == State::Body ? Closing::Reset : Closing::Orderly);
        return true;
    }
    return worked;
}

}
