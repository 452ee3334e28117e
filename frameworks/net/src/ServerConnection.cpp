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
    m_source = nullptr;
    m_body_offset = m_body_length = 0;
    m_body_left = 0;
    m_close_after = false;
}

bool ServerConnection::is_idle() const
{
    return is_open() && !m_source && m_state == State::Head && m_head_started == 0 && m_input_start == m_input_end;
}

void ServerConnection::close(Closing how)
{
    if (m_source) {
        m_source->finish(); /* the response is over, pushed whole or not */
        m_source = nullptr;
    }
    if (!m_stream)
        return;
    m_stream->close(how);
    m_stream = nullptr;
}

void ServerConnection::next_request(Head const& head, ServerLimits const& limits, u64 now)
{
    m_body = BodyDecoder(head.framing, head.content_length, limits.message);
    m_parser.reset();
    m_state = State::Body;
    m_head_started = 0;
    m_last_activity = now;
}

bool ServerConnection::push_body(ServerLimits const& limits, ServerCounters& counters, u64 now)
{
    bool moved = false;
    /* A few buffers a turn at most: the stack's send buffer bounds it sooner, and the other connections get their turn. */
    for (int round = 0; round < 4; ++round) {
        if (m_body_offset == m_body_length) {
            if (m_body_left == 0) {
                m_source->finish();
                m_source = nullptr;
                ++counters.requests;
                ++counters.bodies_pushed;
                m_last_activity = now; /* the idle deadline counts from the response's end */
                if (m_close_after)
                    close(Closing::Orderly);
                return true;
            }
            auto want = m_body_buffer.first(m_body_left < m_body_buffer.size() ? usize(m_body_left) : m_body_buffer.size());
            auto read = m_source->read(want);
            if (read.is_error() || read.value() == 0 || read.value() > want.size()) {
                ++counters.failed;
                close(Closing::Reset); /* part of the response went out: dropping the connection is the only honest end */
                return true;
            }
            m_body_offset = 0;
            m_body_length = read.value();
            m_body_left -= read.value();
        }
        auto taken = m_stream->try_send(std::span<u8 const>(m_body_buffer.data() + m_body_offset, m_body_length - m_body_offset));
        if (taken.is_error() || taken.value() > m_body_length - m_body_offset) {
            ++counters.failed;
            close(Closing::Reset);
            return true;
        }
        if (taken.value() == 0) {
            ++counters.body_stalls;
            break;
        }
        m_body_offset += taken.value();
        m_body_progress = now;
        moved = true;
    }
    if (now > after(m_body_progress, limits.send_timeout)) {
        ++counters.failed;
        close(Closing::Reset); /* the peer stopped taking the body */
        return true;
    }
    return moved;
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
    if (!m_body_buffer.empty())
        writer.allow_deferred_body();
    auto responded = handler.respond(head, writer);
    if (!responded.is_error())
        responded = writer.finish();
    if (responded.is_error()) {
        if (writer.deferred_body())
            writer.deferred_body()->finish();
        ++counters.failed;
        if (writer.has_started()) {
            /* Part of a response went out: the only honest end is to drop the connection. */
            return close(Closing::Reset);
        }
        writer.end_connection_after();
        auto sent = writer.send_status(500);
        return close(sent.is_error() ? Closing::Reset : Closing::Orderly);
    }
    ++m_requests;
    if (writer.deferred_body()) {
        /* The head went; the body is pushed between turns (push_body), and counted once it went whole. */
        m_source = writer.deferred_body();
        m_body_left = writer.remaining();
        m_body_offset = m_body_length = 0;
        m_body_progress = now;
        m_close_after = !writer.keep_alive();
        if (!m_close_after)
            next_request(head, limits, now);
        return;
    }
    ++counters.requests;
    if (!writer.keep_alive())
        return close(Closing::Orderly);
    next_request(head, limits, now);
}

void ServerConnection::process(RequestHandler& handler, ServerLimits const& limits, ServerCounters& counters, u64 now)
{
    while (is_open() && !m_source && m_input_start < m_input_end) {
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
    if (is_open() && !m_source && m_state == State::Body && m_body.is_done())
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
    if (m_source)
        worked = push_body(limits, counters, now) || worked;
    if (!is_open())
        return true;
    if (m_source)
        return worked; /* the next request waits for this response's body; the send deadline is push_body's */
    process(handler, limits, counters, now);
    if (!is_open())
        return true;
    if (m_source) {
        (void)push_body(limits, counters, now); /* the first bytes of a body just handed over */
        return true;
    }
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
