/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * net_server (image net-loopback): on its own netd session, a UDP socket on 127.0.0.1:4001 and
 * TCP listeners on 127.0.0.1:4000 and [::1]:4000. Each connection net-client makes brings
 * 100 000 bytes of a known pattern up to the client's half close; it answers 3000 bytes and
 * closes. Then one datagram comes, and one goes back to where it came from. Last, with netd's
 * fault injection set, a connection on 127.0.0.1:4002 is held with a receive waiting while netd
 * faults: the receive reports PeerRestarted, the socket is gone, and a new session listens again.
 */

#include "NetCheck.h"
#include <vectra/Service.h>
#include <vectra/TaskEntry.h>
#include <vectra/footprints/net_server.h>

VECTRA_TASK_ENTRY(net_server);

namespace vectra::task_entries {

namespace {

using namespace netcheck;

constexpr Duration patient = Duration::from_seconds(20);

u8 s_chunk[16 * 1024];
u8 s_buffer[4096];

ErrorOr<i32> serve_streams(ConsoleCap const& console, net::SocketClient& client, net::Socket const& listener)
{
    auto connection = TRY(client.accept(listener, patient));
    if (!(connection.local == listener.local) || connection.remote.family != listener.local.family) {
        TRY(print_line(console, "net-server: a connection with the wrong addresses"));
        return 1;
    }
    auto drained = TRY(drain(client, connection, upload_seed, s_buffer));
    if (!drained.intact || drained.bytes != upload_bytes) {
        TRY(print_line(console, "net-server: {}:{}: {} bytes, changed or short", name_of(listener.local), stream_port, drained.bytes));
        return 1;
    }
    TRY(print_line(console, "net-server: {}:{}: {} bytes intact in {} receives, then the client's half close; answering {}",
        name_of(listener.local), stream_port, drained.bytes, drained.receives, answer_bytes));
    TRY(send_pattern(client, connection, answer_bytes, answer_seed, s_chunk));
    TRY(client.close(connection));
    return 0;
}

ErrorOr<i32> serve_datagram(ConsoleCap const& console, net::SocketClient& client, net::Socket const& socket)
{
    auto got = TRY(client.receive(socket, s_buffer, patient));
    auto from = got.from;
    from.port = 0;
    if (got.length != datagram_bytes || got.truncated || !holds(std::span(s_buffer, got.length), 0, datagram_seed)
        || !(from == ipv4_loopback(0))) {
        TRY(print_line(console, "net-server: UDP: a datagram of {} bytes, changed, truncated or from elsewhere", got.length));
        return 1;
    }
    TRY(print_line(console, "net-server: UDP {}:{}: {} bytes intact from {}:{}; sending {} back",
        name_of(socket.local), datagram_port, got.length, name_of(got.from), got.from.port, datagram_bytes));
    fill(std::span(s_chunk, datagram_bytes), 0, datagram_seed + 1);
    TRY(client.send_to(socket, got.from, std::span(s_chunk, datagram_bytes)));
    return 0;
}

ErrorOr<i32> ride_out_restart(ConsoleCap const& console, net::SocketClient& client)
{
    auto listener = TRY(client.listen(ipv4_loopback(restart_port), 1));
    auto connection = TRY(client.accept(listener, patient));
    auto before = std::span(s_buffer, restart_bytes);
    if (!TRY(receive_exactly(client, connection, before, patient)) || !holds(before, 0, restart_seed))
        return 1;
    TRY(client.send(connection, before.first(1))); /* net-client makes netd fault only once this came */
    auto lost = client.receive(connection, s_buffer, patient);
    auto stale = client.receive(connection, s_buffer, patient);
    if (!lost.is_error() || !lost.error().is(ErrorCode::PeerRestarted) || !stale.is_error()
        || !stale.error().is(net::SocketError::NoSuchSocket)) {
        TRY(print_line(console, "net-server: across netd's restart: {}, then {}", lost.is_error() ? lost.error().name() : "bytes",
            stale.is_error() ? stale.error().name() : "bytes"));
        return 1;
    }
    auto again = TRY(client.listen(ipv4_loopback(restart_port), 1));
    auto fresh = TRY(client.accept(again, patient));
    auto after = std::span(s_buffer, restart_bytes);
    if (!TRY(receive_exactly(client, fresh, after, patient)) || !holds(after, 0, restart_seed + 1))
        return 1;
    TRY(print_line(console,
        "net-server: netd restarted under a waiting receive: {}; the old connection: {}; in session {} a new connection to {}:{} brought {} bytes intact; echoing",
        lost.error().name(), stale.error().name(), client.session_number(), name_of(again.local), restart_port, after.size()));
    TRY(client.send(fresh, after));
    TRY(client.close(fresh));
    TRY(client.close(again));
    return 0;
}

}

ErrorOr<i32> net_server(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::net_server));
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto client = TRY(open_client(bundle, memory));
    auto datagrams = TRY(client.bind(ipv4_loopback(datagram_port)));
    auto on_ipv4 = TRY(client.listen(ipv4_loopback(stream_port), 2));
    auto on_ipv6 = TRY(client.listen(ipv6_loopback(stream_port), 2));
    for (auto const* listener : { &on_ipv4, &on_ipv6 }) {
        if (TRY(serve_streams(console, client, *listener)) != 0)
            return 1;
    }
    if (TRY(serve_datagram(console, client, datagrams)) != 0)
        return 1;
    TRY(client.close(on_ipv4));
    TRY(client.close(on_ipv6));
    TRY(client.close(datagrams));
    if (TRY(client.counters()).sockets != 0) {
        TRY(print_line(console, "net-server: sockets left after closing every one"));
        return 1;
    }
    if (fault_port != 0 && TRY(ride_out_restart(console, client)) != 0)
        return 1;
    return 0;
}

}
