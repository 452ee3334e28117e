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
 * backlog until a tcp-accept takes one. Readiness is polled: a waiting request is dispatched again
 * on every turn of the loop, and while any socket is open turn() asks the loop to come back after
 * `poll_milliseconds` (a Signal bit raised from the hosted idle path is not built).
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
    static constexpr u32 poll_milliseconds = 2;

    explicit HostBackend(DeviceCap sockets);
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
    u64 wait_mask() override { return 0; }

private:
    ErrorOr<net::Opened> opened(Socket&, u32 index);

    DeviceCap m_sockets;
    u32 m_open { 0 };
};

}
