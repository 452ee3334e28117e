/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's host backend (Backend.h; hosted only, CONFIG_NETD_BACKEND_HOST): sockets as the host's
 * own, through the kernel's host-sockets DeviceCap (vectra/HostSockets.h, ADR 0024 amendment):
 * loopback only, at most maximum_host_sockets (16) at once across every session, every call
 * non-blocking.
 *
 * netd holds no received bytes: a receive moves them from the host's socket straight into the
 * client's buffer, so the session's budget stays at 0 and the host's socket buffers (and the
 * peer's TCP window) hold the back-pressure. A listener's waiting connections stay in the host's
 * backlog until a tcp-accept takes one. Readiness comes from the host (ADR 0024, amendment "netd
 * woken by the host"): the capability's readiness line, an IrqCap the Task asks for at start
 * (system::host_sockets_interrupt), raises `ready_bit` whenever a socket of the table gets bytes, a
 * datagram, a connection, a hang-up or — after a send answered would-block — room; the bit is in
 * wait_mask(), and every pass of the loop dispatches the waiting requests again. No deadline:
 * turn() never asks the loop to come back by itself.
 *
 * Where the protocol says more than the host's sockets can: an Unspecified local address is
 * 127.0.0.1 (the capability reaches loopback only, no wildcard); a connection's local address is
 * the host's choice (a tcp-connect naming one is `address-unusable`); `close` with `reset` closes
 * in order (the capability has no abortive close yet).
 */

#pragma once

#include <netd/Backend.h>
#include <netd/Session.h>
#include <vectra/Capability.h>
#include <vectra/SignalBit.h>

namespace vectra::netd {

/* One socket's host state (a Socket's BackendState). */
struct HostSocket {
    u32 index;          /* in the capability's table */
    bool open;
    bool failed;        /* the host reported the connection's end: `failure` says how */
    net::SocketError failure;
};

class HostBackend final : public Backend {
public:
    /* Clear of the loop's (session::TableBits: 0-2 and 8 + n; Server.h's timer_bit 3). */
    static constexpr SignalBit ready_bit { 7 };

    /* `ready`: the capability's readiness line, routed to ready_bit of the Task's mask. */
    HostBackend(DeviceCap sockets, IrqCap ready);
    [[nodiscard]] static HostSocket& state(Socket& socket) { return socket.state.as<HostSocket>(); }
    /* Host sockets open now, across every session. */
    [[nodiscard]] u32 open_sockets() const { return m_open; }

    ErrorOr<net::Opened> listen(Socket&, net::Address const& local, u16 backlog) override;
    ErrorOr<net::Opened> connect(Socket&, net::Address const& local, net::Address const& remote) override;
    ErrorOr<net::Opened> bind(Socket&, net::Address const& local) override;
    ErrorOr<net::Opened> accept(Socket& listener, Socket& into) override;
    net::Opened claimed(Socket&) override;
    ErrorOr<usize> send(Socket&, std::span<u8 const>, net::Address const* to) override;
    ErrorOr<Receipt> receive(Socket&, std::span<u8>) override;
    void shutdown(Socket&, bool receive, bool send) override;
    void release(Socket&, bool reset) override;
    u32 turn(u64 now) override;
    u64 wait_mask() override { return ready_bit.mask(); }
    bool raised_everywhere(u64 taken) override;

private:
    ErrorOr<net::Opened> opened(Socket&, u32 index);

    DeviceCap m_sockets;
    IrqCap m_ready;
    u32 m_open { 0 };
};

}
