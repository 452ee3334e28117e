/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's lwIP backend (Backend.h): sockets as lwIP raw-API pcbs of the one stack inside the Task
 * (Stack.h). Received bytes are held in lwIP's pbufs against the session's budget: past it the
 * receive callback answers ERR_MEM, lwIP keeps the segment and the peer's window closes; UDP
 * datagrams past it (or past `datagram_queue` per socket) are dropped and counted. Connections
 * Connections lwIP accepts wait among the session's pending ones (Session::add_pending), outside
 * its sockets, until a tcp-accept claims them; past the backlog they are reset and counted.
 * lwIP's callbacks only change a socket's state and the session's budget.
 */

#pragma once

#include <netd/Backend.h>
#include <netd/Session.h>

struct pbuf;
struct tcp_pcb;
struct udp_pcb;

namespace vectra::netd {

struct Datagram {
    pbuf* bytes;
    net::Address from;
};

/* One socket's lwIP state (a Socket's BackendState). */
struct LwipSocket {
    tcp_pcb* tcp;
    udp_pcb* udp;
    pbuf* received;                    /* TCP: bytes taken from lwIP, not yet read */
    Datagram datagrams[datagram_queue];
    usize datagram_count;
    bool connected;
    bool peer_closed;                  /* the peer's FIN came */
    bool failed;                       /* lwIP ended the connection (and freed its pcb): `failure` says how */
    bool ended_in_order;               /* …because the peer acknowledged the FIN after its own (only our sending side was shut) */
    net::SocketError failure;
    bool send_refused;                 /* a send took nothing for room: an acknowledgement past the low-water mark raises the session */
};

/*
 * How many of `asked` bytes a TCP send hands lwIP when `room` of the `buffer` bytes the connection
 * may hold now (its send buffer, or less under the stack's bound: Stack.h's sending_room) are
 * free: all that fit, but a send that does not fit whole takes nothing (the caller waits) until a
 * quarter of that is free — a socket's low-water mark. A writer ahead of its peer
 * is then woken once per several acknowledgements instead of once per segment.
 */
[[nodiscard]] constexpr usize send_taking(usize asked, usize room, usize buffer)
{
    if (asked <= room)
        return asked;
    return room < buffer / 4 ? 0 : room;
}

class LwipBackend final : public Backend {
public:
    /* The one lwIP backend (lwIP's state is global: one stack per Task); Stack::start installs it. */
    [[nodiscard]] static LwipBackend& the();
    [[nodiscard]] static LwipSocket& state(Socket& socket) { return socket.state.as<LwipSocket>(); }

    ErrorOr<net::Opened> listen(Socket&, net::Address const& local, u16 backlog) override;
    ErrorOr<net::Opened> connect(Socket&, net::Address const& local, net::Address const& remote) override;
    ErrorOr<net::Opened> bind(Socket&, net::Address const& local) override;
    ErrorOr<net::Opened> accept(Socket& listener, Socket& into) override;
    net::Opened claimed(Socket&) override;
    ErrorOr<usize> send(Socket&, std::span<u8 const>, net::Address const* to) override;
    ErrorOr<Receipt> receive(Socket&, std::span<u8>) override;
    void shutdown(Socket&, bool receive, bool send) override;
    ErrorOr<void> delivered(Socket&) override;
    void release(Socket&, bool reset) override;
    ErrorOr<net::NameServers> name_servers() override;
    u32 turn(u64 now) override;
    u64 wait_mask() override;
    bool work_queued() override;
    bool raised_everywhere(u64 taken) override;
};

}
