/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <utility>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/net/SocketClient.h>

namespace vectra::net {

namespace {

using P = Protocol;

Error socket_error(SocketError code, char const* message) { return Error(code, message); }

/* The errors a call sees when its session's Rings went with netd (ADR 0008: the service ended). */
bool session_ended(Error const& error)
{
    return error.is(ErrorCode::PeerClosed) || error.is(ErrorCode::Revoked) || error.is(ErrorCode::PeerRestarted);
}

usize smaller(usize left, usize right) { return left < right ? left : right; }

}

ErrorOr<SocketClient> SocketClient::open(
    RingCap listen_requests, RingCap listen_replies, ReticleCap const& memory, usize transfer_bytes, ConnectionBits bits)
{
    auto pool = TRY(endpoint::carve(memory, session::pool_size<P>()));
    MemCap transfer;
    std::span<u8> mapped;
    if (transfer_bytes > inline_maximum) {
        transfer = TRY(system::create_memory(memory, (transfer_bytes + 4095) / 4096 * 4096));
        mapped = TRY(system::map_memory(transfer));
    }
    auto listener = Connection::unbound(std::move(listen_requests), std::move(listen_replies), session::schema_id, bits);
    SocketClient client(std::move(listener), std::move(pool), std::move(transfer), mapped, bits);
    TRY(client.ensure_session(deadline_after(default_timeout)));
    return client;
}

SocketClient::~SocketClient()
{
    end();
    m_listener.close();
    if (!m_pool.is_empty())
        (void)endpoint::remove(std::move(m_pool));
    if (!m_transfer.is_empty())
        (void)system::remove(std::move(m_transfer));
}

void SocketClient::end()
{
    if (m_session)
        m_session->close();
    m_session.reset();
    if (m_watch_call_id != 0)
        m_event_sockets = ~u64(0); /* the watch went with the session: its loop must look (and hear PeerRestarted) */
    m_watch_call_id = 0;
}

/* The pool holds one session: until netd let go of an ended one, carving fails and the open is tried again. */
ErrorOr<void> SocketClient::ensure_session(u64 deadline)
{
    while (!m_session) {
        auto connection = session::open(m_listener, m_pool, session::geometry_of<P>(), session::donation_size<P>(), m_bits, deadline);
        if (!connection.is_error()) {
            m_session.emplace(connection.release_value());
            ++m_session_number;
            break;
        }
        /* Out of memory: netd has not let go of the ended session's pool yet. PeerRestarted: netd's
           supervisor reset the listener for a new instance (the listener is bound afresh each time). */
        bool passing = connection.error().is(ErrorCode::OutOfMemory) || connection.error().is(ErrorCode::PeerRestarted);
        if (!passing || endpoint::now_nanoseconds() >= deadline)
            return connection.release_error();
        endpoint::yield();
    }
    return {};
}

Error SocketClient::session_lost()
{
    end();
    return Error(ErrorCode::PeerRestarted, "netd restarted: every socket of the session is gone");
}

ErrorOr<void> SocketClient::check(Socket const& socket) const
{
    if (!m_session || socket.session != m_session_number)
        return socket_error(SocketError::NoSuchSocket, "the socket belonged to a session that ended");
    return {};
}

Socket SocketClient::socket_of(Opened const& opened) const { return Socket { opened.socket, m_session_number, opened.local, opened.remote }; }

template<typename Request>
ErrorOr<void> SocketClient::exchange(Request const& request, protocol::ReplyOf<Protocol, Request>& into, u64 deadline, Lent lent)
{
    TRY(ensure_session(deadline));
    u8 bytes[protocol::payload_capacity<P>];
    u32 call_id = m_next_call_id++;
    usize length = TRY(protocol::encode_request<P>(request, call_id, bytes));
    auto sent = lent.memory ? m_session->send({ bytes, length }, *lent.memory, lent.keep, deadline)
                            : m_session->send({ bytes, length }, deadline);
    if (sent.is_error())
        return session_ended(sent.error()) ? session_lost() : sent.release_error();
    u8 reply[protocol::payload_capacity<P>];
    for (;;) {
        auto received = m_session->receive(reply, deadline);
        if (received.is_error())
            return session_ended(received.error()) ? session_lost() : received.release_error();
        /* netd never answers with a capability; one that came anyway is not kept. */
        if (received.value().has_capability)
            endpoint::discard(received.value().capability);
        std::span<u8 const> message(reply, received.value().length);
        auto envelope = TRY(protocol::read_envelope(message));
        if (answers_watch(envelope, message))
            continue; /* the session's readiness, kept for take_event() */
        if (envelope.call_id != call_id)
            continue; /* the answer to a request a passed deadline abandoned (its socket was closed) */
        constexpr u16 number = static_cast<u16>(protocol::index_of<P, Request>() + 1);
        if (!envelope.is_reply || envelope.message != number)
            return Error(ErrorCode::MalformedMessage, "the reply answers another message");
        if (envelope.status != protocol::status_success)
            return protocol::error_of_status(envelope.status, domain);
        /* Decoded in place: a reply with inline bytes is a slot's worth, not copied again on the way out. */
        if (protocol::decode_body(message, into).is_error())
            return Error(ErrorCode::MalformedMessage, "a reply that does not decode");
        return {};
    }
}

template<typename Request>
ErrorOr<protocol::ReplyOf<Protocol, Request>> SocketClient::call(Request const& request, u64 deadline, Lent lent)
{
    protocol::ReplyOf<P, Request> reply {};
    TRY(exchange(request, reply, deadline, lent));
    return reply;
}

template<typename Request>
ErrorOr<void> SocketClient::exchange_waiting(
    Socket const& socket, Request const& request, protocol::ReplyOf<Protocol, Request>& into, u64 deadline, Lent lent)
{
    auto reply = exchange(request, into, deadline, lent);
    if (!reply.is_error() || !reply.error().is(ErrorCode::TimedOut) || !m_session)
        return reply;
    /* The request still waits in netd: closing the socket answers it, and nothing of it lives after the close's reply. */
    auto closed = call(Close { socket.id, true }, deadline_after(default_timeout));
    if (closed.is_error()) {
        if (closed.error().is(ErrorCode::PeerRestarted))
            return closed.release_error(); /* netd went meanwhile: that is what the caller must hear */
        end(); /* netd did not answer the close either: give the session up rather than leave the request in it */
    }
    return reply;
}

template<typename Request>
ErrorOr<protocol::ReplyOf<Protocol, Request>> SocketClient::call_waiting(
    Socket const& socket, Request const& request, u64 deadline, Lent lent)
{
    protocol::ReplyOf<P, Request> reply {};
    TRY(exchange_waiting(socket, request, reply, deadline, lent));
    return reply;
}

bool SocketClient::answers_watch(protocol::Envelope const& envelope, std::span<u8 const> message)
{
    if (m_watch_call_id == 0 || envelope.call_id != m_watch_call_id)
        return false;
    /* Whatever its status: the watch no longer waits, so the loop looks and watches again. */
    m_watch_call_id = 0;
    Watched watched {};
    bool named = envelope.status == protocol::status_success && !protocol::decode_body(message, watched).is_error();
    m_event_sockets |= named ? watched.sockets : ~u64(0); /* an answer that names nothing certain: every socket */
    if (m_event_sockets == 0)
        m_event_sockets = ~u64(0); /* an answer is an event: never report none for it */
    return true;
}

ErrorOr<void> SocketClient::watch()
{
    if (m_session && m_watch_call_id != 0)
        return {};
    u64 deadline = deadline_after(default_timeout);
    TRY(ensure_session(deadline));
    u8 bytes[protocol::payload_capacity<P>];
    u32 call_id = m_next_call_id++;
    usize length = TRY(protocol::encode_request<P>(Watch { true }, call_id, bytes));
    auto sent = m_session->send({ bytes, length }, deadline);
    if (sent.is_error())
        return session_ended(sent.error()) ? session_lost() : sent.release_error();
    m_watch_call_id = call_id;
    return {};
}

ErrorOr<u64> SocketClient::take_event()
{
    /*
     * A reply that arrived under a call left the bit raised with nothing to read: taken here, so
     * a wait after a false answer ends only for what arrives after this receive looked.
     */
    (void)system::take_pending(m_bits.reply.mask());
    u8 reply[protocol::payload_capacity<P>];
    while (m_session && m_watch_call_id != 0) {
        auto received = m_session->try_receive(reply); /* only what is there */
        if (received.is_error()) {
            if (received.error().is(ErrorCode::Empty))
                break;
            if (!session_ended(received.error()))
                return received.release_error();
            (void)session_lost();
            break;
        }
        if (received.value().has_capability)
            endpoint::discard(received.value().capability);
        std::span<u8 const> message(reply, received.value().length);
        auto envelope = protocol::read_envelope(message);
        if (!envelope.is_error())
            (void)answers_watch(envelope.value(), message); /* anything else answers an abandoned call */
    }
    return std::exchange(m_event_sockets, 0);
}

ErrorOr<SessionLimits> SocketClient::limits() { return call(Limits {}, deadline_after(default_timeout)); }

ErrorOr<Counters> SocketClient::counters() { return call(ReadCounters {}, deadline_after(default_timeout)); }

ErrorOr<NameServers> SocketClient::name_servers() { return call(ReadNameServers {}, deadline_after(default_timeout)); }

ErrorOr<Socket> SocketClient::listen(Address const& local, u16 backlog)
{
    return socket_of(TRY(call(TcpListen { local, backlog }, deadline_after(default_timeout))));
}

ErrorOr<Socket> SocketClient::connect(Address const& remote, Duration timeout)
{
    u64 deadline = deadline_after(timeout);
    auto socket = socket_of(TRY(call(TcpConnect { remote, {} }, deadline)));
    /* A send of no bytes with wait is answered once the connection is up, or with how it failed. */
    Send probe;
    probe.socket = socket.id;
    auto connected = call_waiting(socket, probe, deadline);
    if (connected.is_error()) {
        if (!connected.error().is(ErrorCode::TimedOut) && m_session && socket.session == m_session_number)
            (void)close(socket);
        return connected.release_error();
    }
    return socket;
}

ErrorOr<Socket> SocketClient::accept(Socket const& listener, Duration timeout)
{
    TRY(check(listener));
    return socket_of(TRY(call_waiting(listener, TcpAccept { listener.id, true }, deadline_after(timeout))));
}

ErrorOr<Socket> SocketClient::start_connect(Address const& remote)
{
    return socket_of(TRY(call(TcpConnect { remote, {} }, deadline_after(default_timeout))));
}

ErrorOr<Socket> SocketClient::try_accept(Socket const& listener)
{
    TRY(check(listener));
    /* Without wait netd answers at once: nothing is left waiting, so nothing needs resetting. */
    return socket_of(TRY(call(TcpAccept { listener.id, false }, deadline_after(default_timeout))));
}

ErrorOr<Socket> SocketClient::bind(Address const& local)
{
    return socket_of(TRY(call(UdpBind { local }, deadline_after(default_timeout))));
}

ErrorOr<usize> SocketClient::send_once(
    Socket const& socket, Address const& to, std::span<u8 const> bytes, u64 deadline, bool wait)
{
    Send request;
    request.socket = socket.id;
    request.to = to;
    request.wait = wait;
    Lent lent;
    if (bytes.size() <= inline_maximum || m_transfer_bytes.empty()) {
        MUST(request.data.try_extend(bytes.first(smaller(bytes.size(), inline_maximum))));
    } else {
        auto part = bytes.first(smaller(bytes.size(), m_transfer_bytes.size()));
        memcpy(m_transfer_bytes.data(), part.data(), part.size());
        request.length = u32(part.size());
        lent = { &m_transfer, RightRead };
    }
    /* Without wait netd answers at once (would-block when its buffer is full): nothing is left waiting. */
    Sent sent;
    TRY(wait ? exchange_waiting(socket, request, sent, deadline, lent) : exchange(request, sent, deadline, lent));
    return sent.length;
}

ErrorOr<usize> SocketClient::try_send(Socket const& socket, std::span<u8 const> bytes)
{
    TRY(check(socket));
    if (bytes.empty())
        return Error(ErrorCode::InvalidArgument, "a send without waiting needs at least one byte");
    usize taken = TRY(send_once(socket, {}, bytes, deadline_after(default_timeout), false));
    if (taken == 0 || taken > bytes.size())
        return Error(ErrorCode::MalformedMessage, "netd reported taking no bytes, or more than were sent");
    return taken;
}

ErrorOr<void> SocketClient::send(Socket const& socket, std::span<u8 const> bytes, Duration timeout)
{
    TRY(check(socket));
    return send_all(socket, bytes, deadline_after(timeout));
}

ErrorOr<void> SocketClient::send_all(Socket const& socket, std::span<u8 const> bytes, u64 deadline)
{
    while (!bytes.empty()) {
        usize taken = TRY(send_once(socket, {}, bytes, deadline, true));
        if (taken == 0 || taken > bytes.size())
            return Error(ErrorCode::MalformedMessage, "netd reported taking no bytes, or more than were sent");
        bytes = bytes.subspan(taken);
    }
    return {};
}

ErrorOr<void> SocketClient::send_to(Socket const& socket, Address const& to, std::span<u8 const> bytes, Duration timeout)
{
    TRY(check(socket));
    usize most = m_transfer_bytes.empty() ? inline_maximum : m_transfer_bytes.size();
    if (bytes.size() > most)
        return socket_error(SocketError::DatagramTooLarge, "a datagram larger than the client's transfer buffer");
    usize taken = TRY(send_once(socket, to, bytes, deadline_after(timeout), true));
    if (taken != bytes.size())
        return Error(ErrorCode::MalformedMessage, "netd sent part of a datagram");
    return {};
}

ErrorOr<Incoming> SocketClient::receive(Socket const& socket, std::span<u8> buffer, Duration timeout)
{
    return receive_once(socket, buffer, deadline_after(timeout), true);
}

ErrorOr<Incoming> SocketClient::try_receive(Socket const& socket, std::span<u8> buffer)
{
    return receive_once(socket, buffer, deadline_after(default_timeout), false);
}

ErrorOr<Incoming> SocketClient::receive_once(Socket const& socket, std::span<u8> buffer, u64 deadline, bool wait)
{
    TRY(check(socket));
    if (buffer.empty())
        return Error(ErrorCode::InvalidArgument, "a receive needs room for at least one byte"); /* it would wait for nothing */
    Receive request;
    request.socket = socket.id;
    request.wait = wait;
    bool through_memory = buffer.size() > inline_maximum && !m_transfer_bytes.empty();
    Received reply;
    Lent lent;
    if (through_memory) {
        request.maximum = u32(smaller(buffer.size(), m_transfer_bytes.size()));
        lent = { &m_transfer, RightRead | RightWrite };
    } else {
        request.maximum = u32(smaller(buffer.size(), inline_maximum));
    }
    /* Without wait netd answers at once (would-block when nothing came): nothing is left waiting to abandon. */
    TRY(wait ? exchange_waiting(socket, request, reply, deadline, lent) : exchange(request, reply, deadline, lent));
    if (reply.length > request.maximum || (!through_memory && reply.data.size() != reply.length))
        return Error(ErrorCode::MalformedMessage, "netd returned more bytes than asked for");
    if (reply.length > 0)
        memcpy(buffer.data(), through_memory ? m_transfer_bytes.data() : reply.data.span().data(), reply.length);
    return Incoming { reply.length, reply.from, reply.end, reply.truncated };
}

ErrorOr<Incoming> SocketClient::send_receive(Socket const& socket, std::span<u8 const> bytes, std::span<u8> buffer, Duration timeout)
{
    TRY(check(socket));
    if (buffer.empty())
        return Error(ErrorCode::InvalidArgument, "a receive needs room for at least one byte");
    u64 deadline = deadline_after(timeout);
    auto last = bytes.last(smaller(bytes.size(), inline_maximum));
    TRY(send_all(socket, bytes.first(bytes.size() - last.size()), deadline));
    SendReceive request;
    request.socket = socket.id;
    MUST(request.data.try_extend(last));
    request.maximum = u32(smaller(buffer.size(), inline_maximum));
    SentReceived reply;
    TRY(exchange_waiting(socket, request, reply, deadline));
    if (reply.sent > last.size() || (reply.sent < last.size() && (!reply.data.is_empty() || reply.end)))
        return Error(ErrorCode::MalformedMessage, "netd reported more bytes sent than asked, or a receive before every byte went");
    if (reply.data.size() > request.maximum)
        return Error(ErrorCode::MalformedMessage, "netd returned more bytes than asked for");
    if (reply.sent < last.size()) {
        /* The stack's buffer filled: the rest as send() sends it, then the receive on its own. */
        TRY(send_all(socket, last.subspan(reply.sent), deadline));
        return receive_once(socket, buffer, deadline, true);
    }
    if (!reply.data.is_empty())
        memcpy(buffer.data(), reply.data.span().data(), reply.data.size());
    return Incoming { reply.data.size(), socket.remote, reply.end, false };
}

ErrorOr<void> SocketClient::shutdown(Socket const& socket, ShutdownHow how)
{
    TRY(check(socket));
    TRY(call(Shutdown { socket.id, u8(how) }, deadline_after(default_timeout)));
    return {};
}

ErrorOr<void> SocketClient::close(Socket const& socket, bool reset)
{
    TRY(check(socket));
    TRY(call(Close { socket.id, reset }, deadline_after(default_timeout)));
    return {};
}

}
