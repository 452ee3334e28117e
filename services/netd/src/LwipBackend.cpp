/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <cstring>
#include <lwip/pbuf.h>
#include <lwip/tcp.h>
#include <lwip/udp.h>
#include <netd/LinkInterface.h>
#include <netd/LwipBackend.h>
#include <netd/Stack.h>
#include <utility>
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

LwipSocket& state_of(Socket& socket) { return LwipBackend::state(socket); }

/*
 * Readiness (ADR 0024, amendment "readiness events"): each callback raises its socket's session.
 * Send room is shared too (send_queue_limit): once a send was refused for room, the next
 * acknowledgement anywhere raises every session (raised_everywhere).
 */
bool s_send_refused { false };
bool s_room_returned { false };

/* What a connection may hold now: its send buffer, or less under the stack's bound (send_queue_limit). */
struct SendingRoom {
    usize may;    /* free now */
    usize buffer; /* what it may hold in all */
};

SendingRoom sending_room_of(tcp_pcb* pcb)
{
    usize room = tcp_sndbuf(pcb);
    usize queued_here = TCP_SND_BUF - room;
    usize may = sending_room(room, queued_here, Stack::queued_for_sending());
    return { may, queued_here + may };
}

void room_returned()
{
    if (s_send_refused)
        s_room_returned = true;
    s_send_refused = false;
}

/* lwIP's callbacks, each with the Socket as its argument. */

err_t on_tcp_received(void* argument, tcp_pcb*, pbuf* bytes, err_t)
{
    auto& socket = *static_cast<Socket*>(argument);
    auto& state = state_of(socket);
    if (bytes == nullptr) {
        state.peer_closed = true;
        socket.session->raise(socket.id);
        return ERR_OK;
    }
    if (socket.shut_receive) {
        tcp_recved(state.tcp, bytes->tot_len);
        pbuf_free(bytes);
        return ERR_OK;
    }
    /* Past the session's bound lwIP keeps the bytes and offers them again: the window closes. */
    if (socket.session->budget().take(bytes->tot_len).is_error())
        return ERR_MEM;
    socket.session->counters().bytes_received += bytes->tot_len;
    socket.session->raise(socket.id);
    if (state.received == nullptr)
        state.received = bytes;
    else
        pbuf_cat(state.received, bytes);
    return ERR_OK;
}

/* Every connection's, while netd holds it and after: its argument may be null (released). */
err_t on_tcp_sent(void* argument, tcp_pcb* pcb, u16_t length)
{
    Stack::queued_acknowledged(length);
    if (argument != nullptr) {
        /* Room matters once a send was refused, and only once a send would take bytes again (the low-water mark). */
        auto& socket = *static_cast<Socket*>(argument);
        auto& state = state_of(socket);
        auto room = sending_room_of(pcb);
        if (state.send_refused && send_taking(room.buffer, room.may, room.buffer) > 0) {
            state.send_refused = false;
            socket.session->raise(socket.id);
        }
    }
    room_returned();
    return ERR_OK;
}

/* A connection netd released went (reset, timed out, aborted by the stack), perhaps with bytes queued. */
void on_released_error(void*, err_t)
{
    Stack::queued_lost();
    room_returned();
}

void on_tcp_error(void* argument, err_t error)
{
    auto& socket = *static_cast<Socket*>(argument);
    auto& state = state_of(socket);
    /*
     * ERR_CLSD: the peer had ended and acknowledged our FIN with every byte before it (only our
     * sending side was shut, so lwIP says so here): nothing was lost. Anything else may have gone
     * with bytes queued; lwIP does not say how many.
     */
    state.ended_in_order = error == ERR_CLSD;
    if (!state.ended_in_order)
        Stack::queued_lost();
    room_returned();
    socket.session->raise(socket.id);
    state.tcp = nullptr; /* lwIP freed it */
    state.failed = true;
    state.failure = error_of(error, !state.connected);
}

err_t on_connected(void* argument, tcp_pcb*, err_t)
{
    auto& socket = *static_cast<Socket*>(argument);
    state_of(socket).connected = true;
    socket.session->raise(socket.id);
    return ERR_OK;
}

void watch_connection(Socket& socket)
{
    auto& state = state_of(socket);
    /*
     * No Nagle (ADR 0024 amendment "no Nagle"): a send request is a buffer its client chose to
     * send now, handed to lwIP whole, so there are no tiny writes to gather; holding a short
     * segment until the last one is acknowledged stalled each response written as a head and a
     * body for the peer's delayed acknowledgement. The host backend sets TCP_NODELAY alike.
     */
    tcp_nagle_disable(state.tcp);
    tcp_arg(state.tcp, &socket);
    tcp_recv(state.tcp, on_tcp_received);
    tcp_err(state.tcp, on_tcp_error);
    tcp_sent(state.tcp, on_tcp_sent);
}

err_t on_accepted(void* argument, tcp_pcb* pcb, err_t error)
{
    auto& listener = *static_cast<Socket*>(argument);
    if (error != ERR_OK || pcb == nullptr)
        return ERR_VAL;
    auto waiting = listener.session->add_pending(listener);
    if (waiting.is_error()) {
        tcp_abort(pcb); /* the backlog is full: reset at once (Session counted it) */
        return ERR_ABRT;
    }
    auto& socket = *waiting.value();
    listener.session->raise(listener.id);
    state_of(socket).tcp = pcb;
    state_of(socket).connected = true;
    watch_connection(socket);
    tcp_backlog_delayed(pcb); /* counts against the listener's backlog in lwIP too, until tcp-accept claims it */
    return ERR_OK;
}

void on_datagram(void* argument, udp_pcb*, pbuf* bytes, ip_addr_t const* from, u16_t port)
{
    auto& socket = *static_cast<Socket*>(argument);
    auto& state = state_of(socket);
    auto& session = *socket.session;
    if (socket.shut_receive || state.datagram_count == datagram_queue || session.budget().take(bytes->tot_len).is_error()) {
        ++session.counters().datagrams_dropped;
        pbuf_free(bytes);
        return;
    }
    session.counters().bytes_received += bytes->tot_len;
    session.raise(socket.id);
    state.datagrams[state.datagram_count++] = { bytes, from_lwip(*from, port) };
}

/* A pcb bound to `local` (any address and port 0: left unbound), or nothing and the error. */
ErrorOr<tcp_pcb*> bound_tcp(net::Address const& local, u8 type, bool always)
{
    tcp_pcb* pcb = tcp_new_ip_type(type);
    if (pcb == nullptr)
        return socket_error(SocketError::WouldBlock, "the stack has no memory for another socket");
    if (always || local.family != u8(net::Family::Unspecified) || local.port != 0) {
        ip_addr_t address = to_lwip(local);
        err_t bound = tcp_bind(pcb, &address, local.port);
        if (bound != ERR_OK) {
            tcp_abort(pcb);
            return lwip_error(bound);
        }
    }
    return pcb;
}

}

LwipBackend& LwipBackend::the()
{
    static LwipBackend backend;
    return backend;
}

ErrorOr<net::Opened> LwipBackend::listen(Socket& socket, net::Address const& local, u16 backlog)
{
    tcp_pcb* pcb = TRY(bound_tcp(local, lwip_type(local), true));
    tcp_pcb* listening = tcp_listen_with_backlog(pcb, u8(backlog));
    if (listening == nullptr) {
        tcp_abort(pcb);
        return socket_error(SocketError::WouldBlock, "the stack has no memory for another listener");
    }
    state_of(socket).tcp = listening;
    tcp_arg(listening, &socket);
    tcp_accept(listening, on_accepted);
    net::Opened opened;
    opened.local = from_lwip(listening->local_ip, listening->local_port);
    return opened;
}

ErrorOr<net::Opened> LwipBackend::connect(Socket& socket, net::Address const& local, net::Address const& remote)
{
    TRY(check_lease_for(Stack::addressing(), remote)); /* lwIP would say `unreachable`: no address yet */
    tcp_pcb* pcb = TRY(bound_tcp(local, lwip_type(remote), false));
    state_of(socket).tcp = pcb;
    watch_connection(socket);
    ip_addr_t to = to_lwip(remote);
    err_t connecting = tcp_connect(pcb, &to, remote.port, on_connected);
    if (connecting != ERR_OK) {
        release(socket, true);
        return lwip_error(connecting);
    }
    net::Opened opened;
    opened.local = from_lwip(pcb->local_ip, pcb->local_port);
    opened.remote = remote;
    return opened;
}

ErrorOr<net::Opened> LwipBackend::bind(Socket& socket, net::Address const& local)
{
    udp_pcb* pcb = udp_new_ip_type(lwip_type(local));
    if (pcb == nullptr)
        return socket_error(SocketError::WouldBlock, "the stack has no memory for another socket");
    ip_addr_t address = to_lwip(local);
    err_t bound = udp_bind(pcb, &address, local.port);
    if (bound != ERR_OK) {
        udp_remove(pcb);
        return lwip_error(bound);
    }
    state_of(socket).udp = pcb;
    udp_recv(pcb, on_datagram, &socket);
    net::Opened opened;
    opened.local = from_lwip(pcb->local_ip, pcb->local_port);
    return opened;
}

ErrorOr<net::Opened> LwipBackend::accept(Socket&, Socket&)
{
    /* lwIP's accepted connections are already the session's pending ones: none is waiting here. */
    return socket_error(SocketError::WouldBlock, "no connection is waiting");
}

net::Opened LwipBackend::claimed(Socket& socket)
{
    net::Opened opened;
    if (auto* pcb = state_of(socket).tcp) {
        watch_connection(socket); /* the entry moved from the pending ones into the table: lwIP's argument follows */
        tcp_backlog_accepted(pcb);
        opened.local = from_lwip(pcb->local_ip, pcb->local_port);
        opened.remote = from_lwip(pcb->remote_ip, pcb->remote_port);
    }
    return opened;
}

ErrorOr<net::NameServers> LwipBackend::name_servers()
{
    auto const* link = Stack::link();
    if (link == nullptr)
        return net::NameServers {};
    auto ipv6_servers = Stack::ipv6_name_servers().servers();
    return name_servers_of(link->addressing(), link->dns_servers(), std::span<Ipv6Bytes const>(ipv6_servers.begin(), ipv6_servers.size()));
}

ErrorOr<usize> LwipBackend::send(Socket& socket, std::span<u8 const> bytes, net::Address const* to)
{
    auto& state = state_of(socket);
    if (to != nullptr) {
        TRY(check_lease_for(Stack::addressing(), *to));
        pbuf* datagram = pbuf_alloc(PBUF_TRANSPORT, u16_t(bytes.size()), PBUF_RAM);
        if (datagram == nullptr)
            return socket_error(SocketError::WouldBlock, "the stack has no memory for the datagram");
        pbuf_take(datagram, bytes.data(), u16_t(bytes.size()));
        ip_addr_t address = to_lwip(*to);
        err_t sent = udp_sendto(state.udp, datagram, &address, to->port);
        pbuf_free(datagram);
        if (sent != ERR_OK)
            return lwip_error(sent);
        return bytes.size();
    }
    if (state.failed)
        return socket_error(state.failure, "the connection ended");
    if (!state.connected)
        return socket_error(SocketError::WouldBlock, "the connection is being set up");
    /* The connection's send buffer, and what every connection together may queue (send_queue_limit). */
    auto room = sending_room_of(state.tcp);
    usize length = send_taking(bytes.size(), room.may, room.buffer); /* the low-water mark of what it may hold now */
    if (length == 0 && !bytes.empty()) {
        state.send_refused = true;
        s_send_refused = true;
        return socket_error(SocketError::WouldBlock, "the send buffer is full");
    }
    if (length > 0) {
        err_t written = tcp_write(state.tcp, bytes.data(), u16_t(length), TCP_WRITE_FLAG_COPY);
        if (written == ERR_MEM) {
            /*
             * The stack's heap (or this connection's segment queue) is full: nothing was taken.
             * A refusal for room like the one above, so the acknowledgements that free memory —
             * this connection's, or any other's — raise the session (on_tcp_sent, room_returned).
             */
            state.send_refused = true;
            s_send_refused = true;
            return socket_error(SocketError::WouldBlock, "the stack has no memory for the bytes yet");
        }
        if (written != ERR_OK)
            return lwip_error(written);
        Stack::queued_written(length);
        (void)tcp_output(state.tcp);
    }
    return length;
}

ErrorOr<Receipt> LwipBackend::receive(Socket& socket, std::span<u8> into)
{
    auto& state = state_of(socket);
    auto& budget = socket.session->budget();
    Receipt receipt;
    if (socket.kind == Socket::Kind::Datagram) {
        if (state.datagram_count == 0)
            return socket_error(SocketError::WouldBlock, "no datagram is waiting");
        Datagram datagram = state.datagrams[0];
        for (usize index = 1; index < state.datagram_count; ++index)
            state.datagrams[index - 1] = state.datagrams[index];
        --state.datagram_count;
        usize length = datagram.bytes->tot_len < into.size() ? datagram.bytes->tot_len : into.size();
        pbuf_copy_partial(datagram.bytes, into.data(), u16_t(length), 0);
        receipt.length = length;
        receipt.truncated = length < datagram.bytes->tot_len;
        receipt.from = datagram.from;
        budget.give_back(datagram.bytes->tot_len);
        pbuf_free(datagram.bytes);
        return receipt;
    }
    if (state.tcp != nullptr)
        receipt.from = from_lwip(state.tcp->remote_ip, state.tcp->remote_port);
    if (state.received != nullptr && !into.empty()) {
        usize length = state.received->tot_len < into.size() ? state.received->tot_len : into.size();
        pbuf_copy_partial(state.received, into.data(), u16_t(length), 0);
        state.received = pbuf_free_header(state.received, u16_t(length));
        budget.give_back(length);
        if (state.tcp != nullptr)
            tcp_recved(state.tcp, u16_t(length));
        room_returned(); /* freed heap: a send refused for memory (any session's) may go now */
        receipt.length = length;
        return receipt;
    }
    if (state.received == nullptr && state.peer_closed) {
        receipt.end = true;
        return receipt;
    }
    if (state.failed)
        return socket_error(state.failure, "the connection ended");
    if (!state.connected)
        return socket_error(SocketError::WouldBlock, "the connection is being set up");
    return socket_error(SocketError::WouldBlock, "no bytes are waiting");
}

void LwipBackend::shutdown(Socket& socket, bool receive, bool send)
{
    auto& state = state_of(socket);
    if (receive && state.received != nullptr) {
        socket.session->budget().give_back(state.received->tot_len);
        if (state.tcp != nullptr)
            tcp_recved(state.tcp, state.received->tot_len);
        pbuf_free(state.received);
        state.received = nullptr;
    }
    if (send && state.tcp != nullptr && state.connected)
        (void)tcp_shutdown(state.tcp, 0, 1);
}

ErrorOr<void> LwipBackend::delivered(Socket& socket)
{
    auto& state = state_of(socket);
    if (state.tcp == nullptr) {
        if (state.failed && !state.ended_in_order)
            return socket_error(state.failure, "the connection failed before the peer acknowledged every byte");
        return {};
    }
    if (!state.connected)
        return {}; /* still being set up: nothing was sent */
    switch (state.tcp->state) {
    case FIN_WAIT_2:
    case TIME_WAIT:
        return {}; /* the FIN was acknowledged, and every byte before it */
    default:
        /* ESTABLISHED or CLOSE_WAIT (the FIN waits for memory: lwIP's timer retries it), FIN_WAIT_1, CLOSING, LAST_ACK */
        return socket_error(SocketError::WouldBlock, "bytes or the end sent on it wait for the peer's acknowledgement");
    }
}

void LwipBackend::release(Socket& socket, bool reset)
{
    auto& state = state_of(socket);
    auto& budget = socket.session->budget();
    if (state.tcp != nullptr) {
        tcp_arg(state.tcp, nullptr);
        if (socket.kind == Socket::Kind::Listener) {
            tcp_accept(state.tcp, nullptr);
            (void)tcp_close(state.tcp); /* a listener's close always succeeds */
        } else {
            usize queued = TCP_SND_BUF - tcp_sndbuf(state.tcp);
            tcp_recv(state.tcp, nullptr);
            /* Its acknowledgements keep reaching the running total (the sent callback stays), and so does its end. */
            tcp_err(state.tcp, on_released_error);
            bool closed = !reset && tcp_close(state.tcp) == ERR_OK;
            if (!closed) {
                tcp_err(state.tcp, nullptr);
                Stack::queued_dropped(queued);
                tcp_abort(state.tcp);
            } else if (queued > 0) {
                Stack::queued_lost(); /* lwIP resets and frees a connection closed with unread bytes, or keeps sending */
            }
        }
        state.tcp = nullptr;
    }
    if (state.udp != nullptr) {
        udp_remove(state.udp);
        state.udp = nullptr;
    }
    if (state.received != nullptr) {
        budget.give_back(state.received->tot_len);
        pbuf_free(state.received);
        state.received = nullptr;
    }
    for (usize index = 0; index < state.datagram_count; ++index) {
        budget.give_back(state.datagrams[index].bytes->tot_len);
        pbuf_free(state.datagrams[index].bytes);
    }
    state.datagram_count = 0;
}

u32 LwipBackend::turn(u64 now)
{
    u32 sleep = Stack::turn(now);
    /*
     * A due timer may have looped a packet back (a delayed acknowledgement, a window update):
     * come back for it at once. A pass that served a request asks work_queued(); one that only ran
     * the timers would otherwise leave the packet until the next timer, up to 250 ms later, and
     * a client waiting for its event (a watch) with it.
     */
    return Stack::looped_back_waiting() ? 0 : sleep;
}

u64 LwipBackend::wait_mask() { return Stack::wait_mask(); }

bool LwipBackend::work_queued() { return Stack::looped_back_waiting(); }

bool LwipBackend::raised_everywhere(u64) { return std::exchange(s_room_returned, false); }

}
