/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <cstring>
#include <vectra/Connection.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>

namespace vectra {

u64 deadline_after(Duration timeout)
{
    u64 now = endpoint::now_nanoseconds();
    i64 nanoseconds = timeout.nanoseconds();
    if (nanoseconds <= 0)
        return now;
    u64 step = static_cast<u64>(nanoseconds);
    return step > ~u64(0) - now ? ~u64(0) : now + step;
}

ErrorOr<ServerConnection> ServerConnection::bind(RingCap const& requests, RingCap const& replies, u64 schema_id)
{
    auto inbox = TRY(endpoint::bind_receiver(requests, schema_id, request_bit));
    auto outbox = TRY(endpoint::bind_sender(replies, schema_id, space_bit));
    return ServerConnection(inbox, outbox);
}

ErrorOr<Connection> Connection::bind(RingCap requests, RingCap replies, u64 schema_id, ConnectionBits bits)
{
    Connection connection(std::move(requests), std::move(replies), schema_id, bits);
    TRY(connection.rebind());
    return connection;
}

Connection Connection::unbound(RingCap requests, RingCap replies, u64 schema_id, ConnectionBits bits)
{
    return Connection(std::move(requests), std::move(replies), schema_id, bits);
}

ErrorOr<void> Connection::rebind()
{
    auto sender = TRY(endpoint::bind_sender(m_requests, m_schema_id, m_bits.space));
    auto receiver = endpoint::bind_receiver(m_replies, m_schema_id, m_bits.reply);
    if (receiver.is_error()) {
        sender.unbind();
        m_sender.reset();
        return receiver.release_error();
    }
    m_sender = sender;
    m_receiver = receiver.release_value();
    return {};
}

ErrorOr<void> Connection::wait_for_space(u64 deadline_nanoseconds)
{
    u64 bits = endpoint::wait_until(m_bits.space.mask(), deadline_nanoseconds, m_bits.timeout);
    if (bits == m_bits.timeout.mask())
        return Error(ErrorCode::TimedOut, "the request Ring stayed full until the deadline");
    return {};
}

ErrorOr<void> Connection::send(std::span<u8 const> message, u64 deadline_nanoseconds)
{
    if (!m_sender)
        return Error(ErrorCode::PeerClosed, "the connection was closed or given up");
    for (;;) {
        auto sent = m_sender->try_send(message);
        if (!sent.is_error() || sent.error().code() != ErrorCode::Full)
            return sent;
        /* The service raises the space bit when it makes the full Ring non-full; a raise since the try stays pending. */
        TRY(wait_for_space(deadline_nanoseconds));
    }
}

ErrorOr<void> Connection::send(std::span<u8 const> message, ReticleCap&& capability, u64 deadline_nanoseconds)
{
    if (!m_sender)
        return Error(ErrorCode::PeerClosed, "the connection was closed or given up");
    for (;;) {
        auto sent = endpoint::send_moving(*m_sender, message, std::move(capability));
        if (!sent.is_error() || sent.error().code() != ErrorCode::Full)
            return sent;
        TRY(wait_for_space(deadline_nanoseconds));
    }
}

ErrorOr<void> Connection::send(std::span<u8 const> message, MemCap const& memory, Rights keep, u64 deadline_nanoseconds)
{
    if (!m_sender)
        return Error(ErrorCode::PeerClosed, "the connection was closed or given up");
    for (;;) {
        auto sent = endpoint::send_copy(*m_sender, message, memory, keep);
        if (!sent.is_error() || sent.error().code() != ErrorCode::Full)
            return sent;
        TRY(wait_for_space(deadline_nanoseconds));
    }
}

ErrorOr<ReceivedMessage> Connection::receive(std::span<u8> buffer, u64 deadline_nanoseconds)
{
    if (!m_receiver)
        return Error(ErrorCode::PeerClosed, "the connection was closed or given up");
    for (;;) {
        auto received = endpoint::receive(*m_receiver, buffer);
        if (!received.is_error() || received.error().code() != ErrorCode::Empty)
            return received;
        u64 bits = endpoint::wait_until(m_bits.reply.mask(), deadline_nanoseconds, m_bits.timeout);
        if (bits == m_bits.timeout.mask())
            return Error(ErrorCode::TimedOut, "no reply arrived before the deadline");
    }
}

ErrorOr<ReceivedMessage> Connection::try_receive(std::span<u8> buffer)
{
    if (!m_receiver)
        return Error(ErrorCode::PeerClosed, "the connection was closed or given up");
    return endpoint::receive(*m_receiver, buffer);
}

ErrorOr<CallReply> Connection::await_reply(u32 call_id, std::span<u8> reply_buffer, u64 deadline_nanoseconds)
{
    for (;;) {
        auto received = TRY(receive(reply_buffer, deadline_nanoseconds));
        std::optional<ReceivedCapability> capability;
        if (received.has_capability)
            capability = received.capability;
        auto bytes = std::span<u8 const>(reply_buffer.data(), received.length);
        auto envelope = protocol::read_envelope(bytes);
        if (!envelope.is_error() && envelope.value().call_id != call_id && keep_if_later(envelope.value(), bytes)) {
            if (capability)
                endpoint::discard(*capability);
            continue;
        }
        if (envelope.is_error() || envelope.value().call_id != call_id) {
            /* A reply to an earlier, abandoned call (or garbage): nothing keeps what it brought. */
            if (capability)
                endpoint::discard(*capability);
            if (envelope.is_error())
                return envelope.release_error();
            continue;
        }
        return CallReply { envelope.value(), bytes, capability };
    }
}

void Connection::expect_later(u32 call_id, std::span<u8> buffer)
{
    m_later = Later { call_id, buffer, std::nullopt };
}

bool Connection::keep_if_later(protocol::Envelope const& envelope, std::span<u8 const> reply)
{
    if (m_later.call_id == 0 || envelope.call_id != m_later.call_id || m_later.length)
        return false;
    /* A reply longer than the buffer is remembered by its length alone: receive_later() refuses it. */
    if (reply.size() <= m_later.buffer.size() && reply.data() != m_later.buffer.data())
        std::memcpy(m_later.buffer.data(), reply.data(), reply.size());
    m_later.length = reply.size();
    return true;
}

ErrorOr<std::optional<usize>> Connection::receive_later()
{
    if (m_later.call_id == 0)
        return std::optional<usize> {};
    while (!m_later.length) {
        /* Received in place: until the expected reply came, the buffer holds nothing worth keeping. */
        auto received = try_receive(m_later.buffer);
        if (received.is_error()) {
            if (received.error().code() == ErrorCode::Empty)
                return std::optional<usize> {};
            return received.release_error();
        }
        if (received.value().has_capability)
            endpoint::discard(received.value().capability);
        std::span<u8 const> reply(m_later.buffer.data(), received.value().length);
        auto envelope = TRY(protocol::read_envelope(reply));
        (void)keep_if_later(envelope, reply); /* anything else answers an abandoned call */
    }
    usize length = *m_later.length;
    bool fits = length <= m_later.buffer.size();
    m_later = Later {};
    if (!fits)
        return Error(ErrorCode::MalformedMessage, "the expected reply is longer than its buffer");
    return std::optional<usize> { length };
}

ErrorOr<CallReply> Connection::call(
    std::span<u8 const> request, u32 call_id, std::span<u8> reply_buffer, u64 deadline_nanoseconds, ReticleCap* donation)
{
    auto sent = donation ? send(request, std::move(*donation), deadline_nanoseconds) : send(request, deadline_nanoseconds);
    return finish_call(std::move(sent), call_id, reply_buffer, deadline_nanoseconds);
}

ErrorOr<CallReply> Connection::call_lending(std::span<u8 const> request, u32 call_id, std::span<u8> reply_buffer,
    u64 deadline_nanoseconds, MemCap const& memory, Rights keep)
{
    auto sent = send(request, memory, keep, deadline_nanoseconds);
    return finish_call(std::move(sent), call_id, reply_buffer, deadline_nanoseconds);
}

ErrorOr<CallReply> Connection::finish_call(
    ErrorOr<void> sent, u32 call_id, std::span<u8> reply_buffer, u64 deadline_nanoseconds)
{
    ErrorOr<CallReply> exchanged = sent.is_error() ? ErrorOr<CallReply>(sent.release_error())
                                                   : await_reply(call_id, reply_buffer, deadline_nanoseconds);
    if (exchanged.is_error() && exchanged.error().code() == ErrorCode::PeerRestarted)
        TRY(rebind());
    return exchanged;
}

void Connection::unbind()
{
    if (m_sender)
        m_sender->unbind();
    if (m_receiver)
        m_receiver->unbind();
    m_sender.reset();
    m_receiver.reset();
}

void Connection::close()
{
    unbind();
    if (!m_requests.is_empty())
        (void)endpoint::remove(std::move(m_requests));
    if (!m_replies.is_empty())
        (void)endpoint::remove(std::move(m_replies));
}

}
