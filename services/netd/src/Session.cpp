/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The protocol's rules, backend-independent (Session.h); the stack's part is the Backend's.
 */

#include <netd/FaultInjection.h>
#include <netd/Session.h>
#include <vectra/System.h>
#include <vectra/net/Address.h>
#include <utility>

namespace vectra::netd {

using net::SocketError;

namespace {

Error socket_error(SocketError code, char const* message) { return Error(code, message); }

/*
 * The bytes a carried MemCap lends: `length` at `offset`, writable when `write`. Whatever the slot
 * carried is removed from netd's space here, on every path: netd keeps no copy past its reply —
 * unless `keep` (the service loop's waiting requests): then the loop removes it once it replies.
 */
ErrorOr<std::span<u8>> lent_bytes(
    protocol::MessageCapabilities& capabilities, u64 offset, u64 length, bool write, bool keep)
{
    ReceivedCapability received = *capabilities.received;
    capabilities.received.reset();
    std::span<u8> bytes;
    bool usable = false;
    if (received.capability_class == CapabilityClass::Memory) {
        MemCap memory(received.handle.space, received.handle.slot, received.handle.generation);
        if (write) {
            auto mapped = system::map_memory(memory);
            usable = !mapped.is_error() && (bytes = mapped.value(), true);
        } else {
            /* A send only reads the lent bytes; the span is writable in type only. */
            auto mapped = system::map_memory_read_only(memory);
            usable = !mapped.is_error() && (bytes = std::span<u8>(const_cast<u8*>(mapped.value().data()), mapped.value().size()), true);
        }
        if (!keep)
            (void)system::remove(std::move(memory));
    } else if (!keep) {
        (void)system::remove(received.handle, received.capability_class);
    }
    if (!usable)
        return socket_error(SocketError::BufferUnusable, "no MemCap came, or it lacks the right");
    if (offset > bytes.size() || length > bytes.size() - offset)
        return socket_error(SocketError::BufferUnusable, "offset + length lies outside the MemCap");
    return bytes.subspan(offset, length);
}

ErrorOr<Socket*> connection_of(Session& session, u32 id) { return session.sockets().find(id); }

}

Session::Session(usize index, Backend& backend)
    : m_backend(backend)
    , m_sockets(index, maximum_sockets)
{
}

Session::~Session() { closed(); }

void Session::opened()
{
    m_counters = {};
    m_raised = false;
    m_raised_sockets = 0;
}

void Session::closed()
{
    for_each_pending([&](Socket& waiting) { drop_pending(waiting, true); });
    m_sockets.clear([&](Socket& socket) { release(socket, true); });
    m_counters = {};
    m_arrivals = 0;
    m_raised = false;
    m_raised_sockets = 0;
}

ErrorOr<Socket*> Session::add_pending(Socket& listener)
{
    usize free = maximum_pending;
    for (usize index = 0; free == maximum_pending && index < maximum_pending; ++index) {
        if (!m_pending_used[index])
            free = index;
    }
    if (listener.pending >= listener.backlog || free == maximum_pending) {
        ++m_counters.connections_refused;
        return socket_error(SocketError::LimitReached, "the listener's backlog or the session's pending connections are full");
    }
    Socket& waiting = m_pending[free];
    waiting = Socket {};
    waiting.kind = Socket::Kind::Connection;
    waiting.session = this;
    waiting.listener = listener.id;
    waiting.arrival = ++m_arrivals;
    m_pending_used[free] = true;
    ++m_pending_count;
    ++listener.pending;
    return &waiting;
}

Socket* Session::oldest_pending(u32 listener)
{
    Socket* oldest = nullptr;
    for_each_pending([&](Socket& waiting) {
        if (waiting.listener == listener && (oldest == nullptr || waiting.arrival < oldest->arrival))
            oldest = &waiting;
    });
    return oldest;
}

void Session::drop_pending(Socket& waiting, bool release_it)
{
    if (release_it)
        release(waiting, true);
    if (auto listener = m_sockets.find(waiting.listener); !listener.is_error() && listener.value()->pending > 0)
        --listener.value()->pending;
    usize index = usize(&waiting - m_pending);
    VERIFY(index < maximum_pending && m_pending_used[index]);
    m_pending_used[index] = false;
    --m_pending_count;
    waiting = Socket {};
}

template<typename Opening>
ErrorOr<net::Opened> Session::open_socket(Socket::Kind kind, Opening open)
{
    Socket made;
    made.kind = kind;
    made.session = this;
    u32 id = TRY(m_sockets.add(std::move(made)));
    auto& socket = *m_sockets.find(id).value();
    socket.id = id;
    auto opened = open(socket);
    if (opened.is_error()) {
        (void)m_sockets.remove(id); /* the backend left nothing behind */
        return opened.release_error();
    }
    opened.value().socket = id;
    return opened.release_value();
}

ErrorOr<net::SessionLimits> Session::handle(net::Limits const&)
{
    return net::SessionLimits { u16(m_sockets.limit()), u32(maximum_buffered), maximum_backlog, u16(net::inline_maximum),
        maximum_datagram, u16(maximum_pending) };
}

ErrorOr<net::Opened> Session::handle(net::TcpListen const& request)
{
    TRY(net::check_address(request.local, net::AddressRole::Local));
    u16 backlog = request.backlog == 0 ? 1 : (request.backlog > maximum_backlog ? maximum_backlog : request.backlog);
    return open_socket(Socket::Kind::Listener, [&](Socket& socket) {
        socket.backlog = backlog;
        return m_backend.listen(socket, request.local, backlog);
    });
}

ErrorOr<net::Opened> Session::handle(net::TcpConnect const& request)
{
    fault_on_connect(request.remote.port); /* CONFIG_NETD_FAULT_ON_CONNECT_PORT (0: never) */
    TRY(net::check_address(request.remote, net::AddressRole::Remote));
    TRY(net::check_address(request.local, net::AddressRole::Local));
    if (request.local.family != u8(net::Family::Unspecified) && request.local.family != request.remote.family)
        return socket_error(SocketError::AddressUnusable, "the local and remote addresses are of different families");
    return open_socket(Socket::Kind::Connection,
        [&](Socket& socket) { return m_backend.connect(socket, request.local, request.remote); });
}

ErrorOr<net::Opened> Session::handle(net::TcpAccept const& request)
{
    auto* listener = TRY(connection_of(*this, request.socket));
    if (listener->kind != Socket::Kind::Listener)
        return socket_error(SocketError::WrongKind, "tcp-accept on a socket that is not a listener");
    Socket* waiting = oldest_pending(request.socket);
    if (waiting == nullptr) {
        /* Nothing to claim (a backend whose stack keeps its own queue is asked, given room for the entry). */
        if (m_sockets.count() >= m_sockets.limit())
            return socket_error(SocketError::WouldBlock, "no connection is waiting for this session's room");
        return open_socket(Socket::Kind::Connection,
            [&](Socket& socket) { return m_backend.accept(*listener, socket); });
    }
    /* The connection joins the session's sockets, or keeps waiting (limit-reached, nothing changed). */
    Socket claimed = *waiting;
    claimed.listener = 0;
    claimed.arrival = 0;
    u32 id = TRY(m_sockets.add(std::move(claimed)));
    drop_pending(*waiting, false);
    auto& socket = *m_sockets.find(id).value();
    socket.id = id;
    auto opened = m_backend.claimed(socket);
    opened.socket = id;
    return opened;
}

ErrorOr<net::Opened> Session::handle(net::UdpBind const& request)
{
    TRY(net::check_address(request.local, net::AddressRole::Local));
    return open_socket(Socket::Kind::Datagram, [&](Socket& socket) { return m_backend.bind(socket, request.local); });
}

ErrorOr<net::Sent> Session::handle(net::Send const& request, protocol::MessageCapabilities& capabilities)
{
    std::span<u8 const> bytes = request.data.span();
    if (capabilities.received) {
        bytes = TRY(lent_bytes(capabilities, request.offset, request.length, false, m_keep_lent));
        if (!request.data.is_empty())
            return socket_error(SocketError::BufferUnusable, "a MemCap came with inline data");
    } else if (request.length != 0) {
        return socket_error(SocketError::BufferUnusable, "a length without a MemCap");
    }
    auto* socket = TRY(connection_of(*this, request.socket));
    if (socket->kind == Socket::Kind::Listener)
        return socket_error(SocketError::WrongKind, "send on a listener");
    if (socket->sent_ahead)
        return socket_error(SocketError::Busy, "a send-receive waits for its answer on this socket");
    if (socket->shut_send)
        return socket_error(SocketError::ShutDown, "the socket's sending side was shut down");
    net::Address const* to = nullptr;
    if (socket->kind == Socket::Kind::Datagram) {
        TRY(net::check_address(request.to, net::AddressRole::Remote));
        if (bytes.size() > maximum_datagram)
            return socket_error(SocketError::DatagramTooLarge, "the datagram is above maximum_datagram");
        to = &request.to;
    } else if (request.to.family != 0 || request.to.port != 0) {
        return socket_error(SocketError::AddressUnusable, "a TCP send names no destination");
    }
    usize length = TRY(m_backend.send(*socket, bytes, to));
    m_counters.bytes_sent += length;
    return net::Sent { u32(length) };
}

ErrorOr<net::Received> Session::handle(net::Receive const& request, protocol::MessageCapabilities& capabilities)
{
    std::span<u8> into;
    u8 inline_bytes[net::inline_maximum];
    bool inline_reply = !capabilities.received;
    if (!inline_reply) {
        into = TRY(lent_bytes(capabilities, request.offset, request.maximum, true, m_keep_lent));
    } else {
        if (request.maximum > net::inline_maximum || request.offset != 0)
            return socket_error(SocketError::BufferUnusable, "inline receives carry at most inline_maximum bytes");
        into = std::span<u8>(inline_bytes, request.maximum);
    }
    auto* socket = TRY(connection_of(*this, request.socket));
    if (socket->kind == Socket::Kind::Listener)
        return socket_error(SocketError::WrongKind, "receive on a listener");
    if (socket->sent_ahead)
        return socket_error(SocketError::Busy, "a send-receive waits for its answer on this socket");
    if (socket->shut_receive)
        return socket_error(SocketError::ShutDown, "the socket's receiving side was shut down");
    auto receipt = TRY(m_backend.receive(*socket, into));
    net::Received reply;
    reply.length = u32(receipt.length);
    reply.from = receipt.from;
    reply.truncated = receipt.truncated;
    reply.end = receipt.end;
    if (inline_reply)
        MUST(reply.data.try_extend(std::span<u8 const>(inline_bytes, receipt.length)));
    return reply;
}

ErrorOr<net::SentReceived> Session::handle(net::SendReceive const& request)
{
    if (request.maximum > net::inline_maximum)
        return socket_error(SocketError::BufferUnusable, "send-receive carries at most inline_maximum bytes back");
    auto* socket = TRY(connection_of(*this, request.socket));
    if (socket->kind != Socket::Kind::Connection)
        return socket_error(SocketError::WrongKind, "send-receive applies to TCP connections");
    if (socket->sent_ahead && !m_retrying)
        return socket_error(SocketError::Busy, "a send-receive waits on this socket");
    if (socket->shut_receive || (!request.data.is_empty() && socket->shut_send)) {
        socket->sent_ahead.reset();
        return socket_error(SocketError::ShutDown, "a direction send-receive needs was shut down");
    }
    /* The reply (a slot's worth of bytes to set up) is made only once there is an answer: most dispatches of a kept one have none. */
    u32 sent = 0;
    if (socket->sent_ahead) {
        sent = *socket->sent_ahead; /* the kept request's send is done: only its receive is left */
    } else if (!request.data.is_empty()) {
        usize length = TRY(m_backend.send(*socket, request.data.span(), nullptr)); /* would-block: nothing taken */
        m_counters.bytes_sent += length;
        sent = u32(length);
        if (length < request.data.size())
            return net::SentReceived { sent, {}, false }; /* the stack's buffer filled: the caller sends the rest before it receives */
    }
    u8 bytes[net::inline_maximum];
    auto receipt = m_backend.receive(*socket, std::span<u8>(bytes, request.maximum));
    bool nothing_yet = receipt.is_error() && receipt.error().is(SocketError::WouldBlock);
    if (nothing_yet && request.wait) {
        socket->sent_ahead = sent; /* kept by the loop: the next dispatch receives only */
        return receipt.release_error();
    }
    socket->sent_ahead.reset();
    net::SentReceived reply;
    reply.sent = sent;
    if (nothing_yet)
        return reply; /* without wait: sent, nothing there yet */
    if (receipt.is_error())
        return receipt.release_error(); /* the connection failed: the bytes it took are of no use now */
    auto received = receipt.release_value();
    reply.end = received.end;
    MUST(reply.data.try_extend(std::span<u8 const>(bytes, received.length)));
    return reply;
}

ErrorOr<protocol::Done> Session::handle(net::Shutdown const& request)
{
    auto* socket = TRY(connection_of(*this, request.socket));
    if (request.how < 1 || request.how > 3)
        return Error(ErrorCode::InvalidArgument, "how is 1 (receive), 2 (send) or 3 (both)");
    if (socket->kind != Socket::Kind::Connection)
        return socket_error(SocketError::WrongKind, "shutdown applies to TCP connections");
    bool receive = (request.how & u8(net::ShutdownHow::Receive)) && !socket->shut_receive;
    bool send = (request.how & u8(net::ShutdownHow::Send)) && !socket->shut_send;
    socket->shut_receive |= receive;
    socket->shut_send |= send;
    if (receive || send)
        m_backend.shutdown(*socket, receive, send);
    return protocol::Done {};
}

ErrorOr<protocol::Done> Session::handle(net::Close const& request)
{
    auto* held = TRY(connection_of(*this, request.socket));
    ErrorOr<void> delivered {};
    if (request.linger && !request.reset && held->kind == Socket::Kind::Connection) {
        /* The one side effect a retried handler repeats harmlessly: the FIN is queued once. */
        if (!held->shut_send) {
            held->shut_send = true;
            m_backend.shutdown(*held, false, true);
        }
        delivered = m_backend.delivered(*held);
        if (delivered.is_error() && delivered.error().is(SocketError::WouldBlock))
            return delivered.release_error(); /* kept by the loop until the peer's acknowledgement */
    }
    Socket socket = TRY(m_sockets.remove(request.socket));
    if (socket.kind == Socket::Kind::Listener) {
        /* Connections the stack accepted for it and no tcp-accept claimed are reset with it. */
        for_each_pending([&](Socket& waiting) {
            if (waiting.listener == request.socket)
                drop_pending(waiting, true);
        });
    }
    release(socket, request.reset);
    TRY(delivered); /* a lingering close of a connection that failed first: freed, and its error */
    return protocol::Done {};
}

ErrorOr<net::Counters> Session::handle(net::ReadCounters const&)
{
    net::Counters counters = m_counters;
    counters.sockets = u16(m_sockets.count());
    counters.buffered = u32(m_budget.used());
    counters.pending = u16(m_pending_count);
    return counters;
}

ErrorOr<net::NameServers> Session::handle(net::ReadNameServers const&) { return m_backend.name_servers(); }

ErrorOr<net::Watched> Session::handle(net::Watch const& request)
{
    if (!m_raised && request.wait)
        return socket_error(SocketError::WouldBlock, "nothing happened to the session's sockets yet"); /* kept by the loop */
    return net::Watched { std::exchange(m_raised, false), std::exchange(m_raised_sockets, 0) };
}

}
