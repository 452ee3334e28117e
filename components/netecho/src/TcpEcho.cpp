/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tcp_echo: a TCP echo server (RFC 862) on port 7, a client of netd over one vectra.socket session.
 * It listens on every interface, serves CONFIG_NET_ECHO_CONNECTIONS connections one after another
 * — each byte received is sent back, until the peer shuts its sending side — and ends, so the
 * image's check is over. Each connection's close lingers (vectra.socket v6): it is answered once
 * the peer acknowledged every byte echoed and the end, so an image that powers off when the check
 * ends has delivered them first. Every wait is bounded: a peer that goes quiet for a minute is reset.
 */

#include <vectra/Service.h>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/tcp_echo.h>
#include <vectra/net/Address.h>
#include <vectra/net/Protocol.h>

VECTRA_TASK_ENTRY(tcp_echo);

namespace vectra::task_entries {

namespace {

using P = net::Protocol;
using Netd = session::SessionClient<P>;

constexpr u16 echo_port = 7;
constexpr Duration accept_timeout = Duration::from_seconds(600);
constexpr Duration quiet_timeout = Duration::from_seconds(60);

/* Echoes one connection until the peer's end; returns the bytes echoed. */
ErrorOr<u64> echo(Netd& netd, u32 socket)
{
    u64 echoed = 0;
    for (;;) {
        auto received = TRY(netd.call(net::Receive { socket, 0, u32(net::inline_maximum), true }, quiet_timeout));
        if (received.end)
            return echoed;
        usize done = 0;
        while (done < received.data.size()) {
            net::Send send;
            send.socket = socket;
            for (usize index = done; index < received.data.size(); ++index)
                MUST(send.data.try_append(received.data[index]));
            auto sent = TRY(netd.call(send, quiet_timeout));
            done += sent.length;
        }
        echoed += received.data.size();
    }
}

}

ErrorOr<i32> tcp_echo(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::tcp_echo)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("net-requests"));
    auto replies = TRY(bundle.take<RingCap>("net-replies"));

    auto pool = TRY(endpoint::carve(memory, session::pool_size<P>()));
    auto netd = TRY(Netd::open(std::move(requests), std::move(replies), std::move(pool)));
    auto listener = TRY(netd.call(net::TcpListen { net::unspecified(echo_port), 1 }));
    TRY(print_line(console, "tcp-echo: listening on TCP port {}", listener.local.port));
    for (u32 served = 0; served < CONFIG_NET_ECHO_CONNECTIONS; ++served) {
        auto connection = TRY(netd.call(net::TcpAccept { listener.socket, true }, accept_timeout));
        auto const& peer = connection.remote;
        TRY(print_line(console, "tcp-echo: connection {} from {}.{}.{}.{}", served + 1, peer.bytes[0], peer.bytes[1],
            peer.bytes[2], peer.bytes[3]));
        auto echoed = echo(netd, connection.socket);
        if (echoed.is_error()) {
            TRY(print_line(console, "tcp-echo: connection {} failed: {}", served + 1, echoed.error().message()));
            (void)netd.call(net::Close { connection.socket, true });
            return echoed.release_error();
        }
        TRY(netd.call(net::Close { connection.socket, false, true }, quiet_timeout));
        TRY(print_line(console, "tcp-echo: connection {}: {} bytes echoed, closed after the peer's end", served + 1,
            echoed.value()));
    }
    TRY(netd.call(net::Close { listener.socket, false }));
    return 0;
}

}
