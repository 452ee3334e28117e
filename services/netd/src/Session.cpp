/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <cstring>
#include <lwip/pbuf.h>
#include <lwip/tcp.h>
#include <lwip/udp.h>
#include <netd/FaultInjection.h>
#include <netd/Session.h>
#include <vectra/System.h>
#include <vectra/net/Address.h>

namespace vectra::netd {

using net::SocketError;

namespace {

Error socket_error(SocketError code, char const* message) { return Error(code, message); }

/* What lwIP said, as a client can act on it. `connecting`: a reset before the connection was up is a refusal. */
SocketError error_of(err_t error, bool connecting)
{
    switch (error) {
    case ERR_RST:
        return connecting ? SocketError::Refused : SocketError::Reset;
    case ERR_TIMEOUT:
        return SocketError::TimedOut;
    case ERR_RTE:
        return SocketError::Unreachable;
    case ERR_USE:
        return SocketError::AddressInUse;
    case ERR_MEM:
    case ERR_BUF:
    case ERR_WOULDBLOCK:
        return SocketError::WouldBlock;
    case ERR_CONN:
        return SocketError::NotConnected;
    case ERR_VAL:
    case ERR_ARG:
        return SocketError::AddressUnusable;
    default:
        return SocketError::Reset;
    }
}

Error lwip_error(err_t error, bool connecting = false)
{
    return socket_error(error_of(error, connecting), "the stack refused the operation");
}

ip_addr_t to_lwip(net::Address const& address)
{
    ip_addr_t result;
    switch (net::Family(address.family)) {
    case net::Family::Ipv4: {
        u32 value;
        std::memcpy(&value, address.bytes.data(), 4);
        ip_addr_set_ip4_u32_val(result, value);
        break;
    }
    case net::Family::Ipv6: {
        u32 words[4];
        std::memcpy(words, address.bytes.data(), 16);
        IP_ADDR6(&result, words[0], words[1], words[2], words[3]);
        break;
    }
    default:
        ip_addr_copy(result, *IP_ANY_TYPE);
        break;
    }
    return result;
}

net::Address from_lwip(ip_addr_t const& address, u16 port)
{
    net::Address result = net::unspecified(port);
    if (IP_IS_V4(&address) && !IP_IS_ANY_TYPE_VAL(address)) {
        result.family = u8(net::Family::Ipv4);
        u32 value = ip4_addr_get_u32(ip_2_ip4(&address));
        std::memcpy(result.bytes.data(), &value, 4);
    } else if (IP_IS_V6(&address)) {
        result.family = u8(net::Family::Ipv6);
        std::memcpy(result.bytes.data(), ip_2_ip6(&address)->addr, 16);
    }
    if (IP_IS_V4(&address) && ip4_addr_isany_val(*ip_2_ip4(&address)))
        result.family = u8(net::Family::Unspecified);
    return result;
}

u8 lwip_type(net::Address const& address)
{
    switch (net::Family(address.family)) {
    case net::Family::Ipv4:
        return IPADDR_TYPE_V4;
    case net::Family::Ipv6:
        return IPADDR_TYPE_V6;
    default:
        return IPADDR_TYPE_ANY;
    }
}

/* lwIP's callbacks, each with the Socket as its argument. */

err_t on_tcp_received(void* argument, tcp_pcb*, pbuf* bytes, err_t)
{
    auto& socket = *static_cast<Socket*>(argument);
    if (bytes == nullptr) {
        socket.peer_closed = true;
        return ERR_OK;
    }
    if (socket.shut_receive) {
        tcp_recved(socket.tcp, bytes->tot_len);
        pbuf_free(bytes);
        return ERR_OK;
    }
    /* Past the session's bound lwIP keeps the bytes and offers them again: the window closes. */
    if (socket.session->budget().take(bytes->tot_len).is_error())
        return ERR_MEM;
    socket.session->counters().bytes_received += bytes->tot_len;
    if (socket.received == nullptr)
        socket.received = bytes;
    else
        pbuf_cat(socket.received, bytes);
    return ERR_OK;
}

void on_tcp_error(void* argument, err_t error)
{
    auto& socket = *static_cast<Socket*>(argument);
    socket.tcp = nullptr; /* lwIP freed it */
    socket.failed = true;
    socket.failure = error_of(error, !socket.connected);
}

err_t on_connected(void* argument, tcp_pcb*, err_t)
{
    static_cast<Socket*>(argument)->connected = true;
    return ERR_OK;
}

void watch_connection(Socket& socket)
{
    tcp_arg(socket.tcp, &socket);
    tcp_recv(socket.tcp, on_tcp_received);
    tcp_err(socket.tcp, on_tcp_error);
}

err_t on_accepted(void* argument, tcp_pcb* pcb, err_t error)
{
    auto& listener = *static_cast<Socket*>(argument);
    if (error != ERR_OK || pcb == nullptr)
        return ERR_VAL;
    Socket accepted;
    accepted.kind = Socket::Kind::Connection;
    accepted.session = listener.session;
    accepted.tcp = pcb;
    accepted.connected = true;
    accepted.unclaimed = true;
    accepted.listener = listener.id;
    auto id = listener.session->sockets().add(std::move(accepted));
    if (id.is_error()) {
        tcp_abort(pcb); /* the session holds as many sockets as it may */
        return ERR_ABRT;
    }
    auto& socket = *listener.session->sockets().find(id.value()).value();
    socket.id = id.value();
    watch_connection(socket);
    tcp_backlog_delayed(pcb); /* counts against the listener's backlog until tcp-accept claims it */
    return ERR_OK;
}

void on_datagram(void* argument, udp_pcb*, pbuf* bytes, ip_addr_t const* from, u16_t port)
{
    auto& socket = *static_cast<Socket*>(argument);
    auto& session = *socket.session;
    if (socket.shut_receive || socket.datagram_count == datagram_queue || session.budget().take(bytes->tot_len).is_error()) {
        ++session.counters().datagrams_dropped;
        pbuf_free(bytes);
        return;
    }
    session.counters().bytes_received += bytes->tot_len;
    socket.datagrams[socket.datagram_count++] = { bytes, from_lwip(*from, port) };
}

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

ErrorOr<Socket*> connection_of(Session& session, u32 id)
{
    auto* socket = TRY(session.sockets().find(id));
    if (socket->unclaimed)
        return socket_error(SocketError::NoSuchSocket, "the connection was not accepted yet");
    return socket;
}

}

Session::Session(usize index)
    : m_sockets(index, maximum_sockets)
{
}

Session::~Session() { closed(); }

void Session::opened() { m_counters = {}; }

void Session::closed()
{
    m_sockets.clear([&](Socket& socket) { release(socket, true); });
    m_counters = {};
}

void Session::release(Socket& socket, bool reset)
{
    if (socket.tcp != nullptr) {
        tcp_arg(socket.tcp, nullptr);
        if (socket.kind == Socket::Kind::Listener) {
            tcp_accept(socket.tcp, nullptr);
            (void)tcp_close(socket.tcp); /* a listener's close always succeeds */
        } else {
            tcp_recv(socket.tcp, nullptr);
            tcp_err(socket.tcp, nullptr);
            if (reset || tcp_close(socket.tcp) != ERR_OK)
                tcp_abort(socket.tcp);
        }
        socket.tcp = nullptr;
    }
    if (socket.udp != nullptr) {
        udp_remove(socket.udp);
        socket.udp = nullptr;
    }
    if (socket.received != nullptr) {
        m_budget.give_back(socket.received->tot_len);
        pbuf_free(socket.received);
        socket.received = nullptr;
    }
    for (usize index = 0; index < socket.datagram_count; ++index) {
        m_budget.give_back(socket.datagrams[index].bytes->tot_len);
        pbuf_free(socket.datagrams[index].bytes);
    }
    socket.datagram_count = 0;
}

ErrorOr<net::Opened> Session::opened_socket(Socket&& made)
{
    auto id = m_sockets.add(std::move(made));
    if (id.is_error()) {
        if (made.tcp != nullptr)
            tcp_abort(made.tcp);
        if (made.udp != nullptr)
            udp_remove(made.udp);
        return id.release_error();
    }
    auto& socket = *m_sockets.find(id.value()).value();
    socket.id = id.value();
    net::Opened opened;
    opened.socket = socket.id;
    if (socket.tcp != nullptr) {
        tcp_arg(socket.tcp, &socket);
        if (socket.kind == Socket::Kind::Listener) {
            tcp_accept(socket.tcp, on_accepted);
        } else {
            watch_connection(socket);
        }
        opened.local = from_lwip(socket.tcp->local_ip, socket.tcp->local_port);
        if (socket.kind == Socket::Kind::Connection)
            opened.remote = from_lwip(socket.tcp->remote_ip, socket.tcp->remote_port);
    } else {
        udp_recv(socket.udp, on_datagram, &socket);
        opened.local = from_lwip(socket.udp->local_ip, socket.udp->local_port);
    }
    return opened;
}

ErrorOr<net::SessionLimits> Session::handle(net::Limits const&)
{
    return net::SessionLimits { u16(m_sockets.limit()), u32(maximum_buffered), maximum_backlog, u16(net::inline_maximum),
        maximum_datagram };
}

ErrorOr<net::Opened> Session::handle(net::TcpListen const& request)
{
    TRY(net::check_address(request.local, net::AddressRole::Local));
    if (m_sockets.count() >= m_sockets.limit())
        return socket_error(SocketError::LimitReached, "the session holds as many sockets as it may");
    tcp_pcb* pcb = tcp_new_ip_type(lwip_type(request.local));
    if (pcb == nullptr)
        return socket_error(SocketError::WouldBlock, "the stack has no memory for another socket");
    ip_addr_t local = to_lwip(request.local);
    err_t bound = tcp_bind(pcb, &local, request.local.port);
    if (bound != ERR_OK) {
        tcp_abort(pcb);
        return lwip_error(bound);
    }
    u16 backlog = request.backlog == 0 ? 1 : (request.backlog > maximum_backlog ? maximum_backlog : request.backlog);
    tcp_pcb* listening = tcp_listen_with_backlog(pcb, u8(backlog));
    if (listening == nullptr) {
        tcp_abort(pcb);
        return socket_error(SocketError::WouldBlock, "the stack has no memory for another listener");
    }
    Socket socket;
    socket.kind = Socket::Kind::Listener;
    socket.session = this;
    socket.tcp = listening;
    return opened_socket(std::move(socket));
}

ErrorOr<net::Opened> Session::handle(net::TcpConnect const& request)
{
    fault_on_connect(request.remote.port); /* CONFIG_NETD_FAULT_ON_CONNECT_PORT (0: never) */
    TRY(net::check_address(request.remote, net::AddressRole::Remote));
    TRY(net::check_address(request.local, net::AddressRole::Local));
    if (request.local.family != u8(net::Family::Unspecified) && request.local.family != request.remote.family)
        return socket_error(SocketError::AddressUnusable, "the local and remote addresses are of different families");
    if (m_sockets.count() >= m_sockets.limit())
        return socket_error(SocketError::LimitReached, "the session holds as many sockets as it may");
    tcp_pcb* pcb = tcp_new_ip_type(lwip_type(request.remote));
    if (pcb == nullptr)
        return socket_error(SocketError::WouldBlock, "the stack has no memory for another socket");
    if (request.local.family != u8(net::Family::Unspecified) || request.local.port != 0) {
        ip_addr_t local = to_lwip(request.local);
        err_t bound = tcp_bind(pcb, &local, request.local.port);
        if (bound != ERR_OK) {
            tcp_abort(pcb);
            return lwip_error(bound);
        }
    }
    Socket socket;
    socket.kind = Socket::Kind::Connection;
    socket.session = this;
    socket.tcp = pcb;
    auto opened = TRY(opened_socket(std::move(socket)));
    ip_addr_t remote = to_lwip(request.remote);
    err_t connecting = tcp_connect(pcb, &remote, request.remote.port, on_connected);
    if (connecting != ERR_OK) {
        auto removed = m_sockets.remove(opened.socket).release_value();
        release(removed, true);
        return lwip_error(connecting);
    }
    opened.local = from_lwip(pcb->local_ip, pcb->local_port);
    opened.remote = request.remote;
    return opened;
}

ErrorOr<net::Opened> Session::handle(net::TcpAccept const& request)
{
    auto* listener = TRY(connection_of(*this, request.socket));
    if (listener->kind != Socket::Kind::Listener)
        return socket_error(SocketError::WrongKind, "tcp-accept on a socket that is not a listener");
    Socket* waiting = nullptr;
    m_sockets.for_each([&](u32, Socket& socket) {
        if (waiting == nullptr && socket.unclaimed && socket.listener == request.socket)
            waiting = &socket;
    });
    if (waiting == nullptr)
        return socket_error(SocketError::WouldBlock, "no connection is waiting");
    waiting->unclaimed = false;
    if (waiting->tcp != nullptr)
        tcp_backlog_accepted(waiting->tcp);
    net::Opened opened;
    opened.socket = waiting->id;
    if (waiting->tcp != nullptr) {
        opened.local = from_lwip(waiting->tcp->local_ip, waiting->tcp->local_port);
        opened.remote = from_lwip(waiting->tcp->remote_ip, waiting->tcp->remote_port);
    }
    return opened;
}

ErrorOr<net::Opened> Session::handle(net::UdpBind const& request)
{
    TRY(net::check_address(request.local, net::AddressRole::Local));
    if (m_sockets.count() >= m_sockets.limit())
        return socket_error(SocketError::LimitReached, "the session holds as many sockets as it may");
    udp_pcb* pcb = udp_new_ip_type(lwip_type(request.local));
    if (pcb == nullptr)
        return socket_error(SocketError::WouldBlock, "the stack has no memory for another socket");
    ip_addr_t local = to_lwip(request.local);
    err_t bound = udp_bind(pcb, &local, request.local.port);
    if (bound != ERR_OK) {
        udp_remove(pcb);
        return lwip_error(bound);
    }
    Socket socket;
    socket.kind = Socket::Kind::Datagram;
    socket.session = this;
    socket.udp = pcb;
    return opened_socket(std::move(socket));
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
    if (socket->shut_send)
        return socket_error(SocketError::ShutDown, "the socket's sending side was shut down");
    if (socket->kind == Socket::Kind::Datagram) {
        TRY(net::check_address(request.to, net::AddressRole::Remote));
        if (bytes.size() > maximum_datagram)
            return socket_error(SocketError::DatagramTooLarge, "the datagram is above maximum_datagram");
        pbuf* datagram = pbuf_alloc(PBUF_TRANSPORT, u16_t(bytes.size()), PBUF_RAM);
        if (datagram == nullptr)
            return socket_error(SocketError::WouldBlock, "the stack has no memory for the datagram");
        pbuf_take(datagram, bytes.data(), u16_t(bytes.size()));
        ip_addr_t to = to_lwip(request.to);
        err_t sent = udp_sendto(socket->udp, datagram, &to, request.to.port);
        pbuf_free(datagram);
        if (sent != ERR_OK)
            return lwip_error(sent);
        m_counters.bytes_sent += bytes.size();
        return net::Sent { u32(bytes.size()) };
    }
    if (socket->failed)
        return socket_error(socket->failure, "the connection ended");
    if (request.to.family != 0 || request.to.port != 0)
        return socket_error(SocketError::AddressUnusable, "a TCP send names no destination");
    if (!socket->connected)
        return socket_error(SocketError::WouldBlock, "the connection is being set up");
    usize room = tcp_sndbuf(socket->tcp);
    usize length = bytes.size() < room ? bytes.size() : room;
    if (length == 0 && !bytes.empty())
        return socket_error(SocketError::WouldBlock, "the send buffer is full");
    if (length > 0) {
        err_t written = tcp_write(socket->tcp, bytes.data(), u16_t(length), TCP_WRITE_FLAG_COPY);
        if (written != ERR_OK)
            return lwip_error(written);
        (void)tcp_output(socket->tcp);
    }
    m_counters.bytes_sent += length;
    return net::Sent { u32(length) };
}

ErrorOr<net::Received> Session::handle(net::Receive const& request, protocol::MessageCapabilities& capabilities)
{
    std::span<u8> into;
    net::Received reply;
    u8 inline_bytes[net::inline_maximum];
    bool inline_reply = !capabilities.received;
    if (!inline_reply) {
        into = TRY(lent_bytes(capabilities, request.offset, request.maximum, true, m_keep_lent));
    } else {
        if (request.maximum > net::inline_maximum || request.offset != 0)
            return socket_error(SocketError::BufferUnusable, "inline receives carry at most inline_maximum bytes");
        into = std::span<u8>(inline_bytes, request.maximum);
    }
    auto finish = [&](usize length) {
        reply.length = u32(length);
        for (usize index = 0; inline_reply && index < length; ++index)
            MUST(reply.data.try_append(inline_bytes[index]));
    };
    auto* socket = TRY(connection_of(*this, request.socket));
    if (socket->kind == Socket::Kind::Listener)
        return socket_error(SocketError::WrongKind, "receive on a listener");
    if (socket->shut_receive)
        return socket_error(SocketError::ShutDown, "the socket's receiving side was shut down");
    if (socket->kind == Socket::Kind::Datagram) {
        if (socket->datagram_count == 0) {
            finish(0);
            return socket_error(SocketError::WouldBlock, "no datagram is waiting");
        }
        Datagram datagram = socket->datagrams[0];
        for (usize index = 1; index < socket->datagram_count; ++index)
            socket->datagrams[index - 1] = socket->datagrams[index];
        --socket->datagram_count;
        usize length = datagram.bytes->tot_len < into.size() ? datagram.bytes->tot_len : into.size();
        pbuf_copy_partial(datagram.bytes, into.data(), u16_t(length), 0);
        reply.truncated = length < datagram.bytes->tot_len;
        reply.from = datagram.from;
        m_budget.give_back(datagram.bytes->tot_len);
        pbuf_free(datagram.bytes);
        finish(length);
        return reply;
    }
    if (socket->tcp != nullptr)
        reply.from = from_lwip(socket->tcp->remote_ip, socket->tcp->remote_port);
    if (socket->received != nullptr && !into.empty()) {
        usize length = socket->received->tot_len < into.size() ? socket->received->tot_len : into.size();
        pbuf_copy_partial(socket->received, into.data(), u16_t(length), 0);
        socket->received = pbuf_free_header(socket->received, u16_t(length));
        m_budget.give_back(length);
        if (socket->tcp != nullptr)
            tcp_recved(socket->tcp, u16_t(length));
        finish(length);
        return reply;
    }
    finish(0);
    if (socket->received == nullptr && socket->peer_closed) {
        reply.end = true;
        return reply;
    }
    if (socket->failed)
        return socket_error(socket->failure, "the connection ended");
    if (!socket->connected)
        return socket_error(SocketError::WouldBlock, "the connection is being set up");
    return socket_error(SocketError::WouldBlock, "no bytes are waiting");
}

ErrorOr<protocol::Done> Session::handle(net::Shutdown const& request)
{
    auto* socket = TRY(connection_of(*this, request.socket));
    if (request.how < 1 || request.how > 3)
        return Error(ErrorCode::InvalidArgument, "how is 1 (receive), 2 (send) or 3 (both)");
    if (socket->kind != Socket::Kind::Connection)
        return socket_error(SocketError::WrongKind, "shutdown applies to TCP connections");
    bool receive = request.how & u8(net::ShutdownHow::Receive);
    bool send = request.how & u8(net::ShutdownHow::Send);
    if (receive && !socket->shut_receive) {
        socket->shut_receive = true;
        if (socket->received != nullptr) {
            m_budget.give_back(socket->received->tot_len);
            if (socket->tcp != nullptr)
                tcp_recved(socket->tcp, socket->received->tot_len);
            pbuf_free(socket->received);
            socket->received = nullptr;
        }
    }
    if (send && !socket->shut_send) {
        socket->shut_send = true;
        if (socket->tcp != nullptr && socket->connected)
            (void)tcp_shutdown(socket->tcp, 0, 1);
    }
    return protocol::Done {};
}

ErrorOr<protocol::Done> Session::handle(net::Close const& request)
{
    TRY(connection_of(*this, request.socket));
    Socket socket = TRY(m_sockets.remove(request.socket));
    if (socket.kind == Socket::Kind::Listener) {
        /* Connections the stack accepted for it and no tcp-accept claimed are reset with it. */
        u32 orphans[maximum_sockets];
        usize count = 0;
        m_sockets.for_each([&](u32 id, Socket& waiting) {
            if (waiting.unclaimed && waiting.listener == request.socket)
                orphans[count++] = id;
        });
        for (usize index = 0; index < count; ++index) {
            Socket orphan = m_sockets.remove(orphans[index]).release_value();
            release(orphan, true);
        }
    }
    release(socket, request.reset);
    return protocol::Done {};
}

ErrorOr<net::Counters> Session::handle(net::ReadCounters const&)
{
    net::Counters counters = m_counters;
    counters.sockets = u16(m_sockets.count());
    counters.buffered = u32(m_budget.used());
    return counters;
}

}
