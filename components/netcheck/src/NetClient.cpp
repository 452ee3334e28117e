/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * net_client (image net-loopback): on its own netd session, to net-server over lwIP's loopback
 * interface — on 127.0.0.1 and on ::1, 100 000 bytes (through the client's transfer buffer, a
 * lent MemCap), a half close, 3000 bytes back (inline) and the end; a connect to a port nobody
 * listens on, refused; sockets up to the session's limit and one more; a datagram both ways.
 * Last, with netd's fault injection set, a connect that makes netd fault while a connection to
 * net-server is open: PeerRestarted, the old socket refused, and a new session's connection works.
 */

#include "NetCheck.h"
#include <vectra/Service.h>
#include <vectra/TaskEntry.h>
#include <vectra/footprints/net_client.h>

VECTRA_TASK_ENTRY(net_client);

namespace vectra::task_entries {

namespace {

using namespace netcheck;

constexpr SignalBit pause_bit { 5 };

u8 s_chunk[16 * 1024];
u8 s_buffer[4096];

/* net-server may not listen yet: a refusal is tried again, for up to 10 s. */
ErrorOr<net::Socket> connect_when_listening(net::SocketClient& client, net::Address const& remote)
{
    u64 give_up = deadline_after(Duration::from_seconds(10));
    for (;;) {
        auto connected = client.connect(remote);
        if (!connected.is_error() || !connected.error().is(net::SocketError::Refused) || endpoint::now_nanoseconds() >= give_up)
            return connected;
        (void)endpoint::wait_until(0, deadline_after(Duration::from_milliseconds(20)), pause_bit);
    }
}

ErrorOr<bool> exchange_stream(ConsoleCap const& console, net::SocketClient& client, net::Address const& remote)
{
    auto connection = TRY(connect_when_listening(client, remote));
    if (!(connection.remote == remote))
        return false;
    TRY(send_pattern(client, connection, upload_bytes, upload_seed, s_chunk));
    TRY(client.shutdown(connection, net::ShutdownHow::Send));
    auto drained = TRY(drain(client, connection, answer_seed, std::span(s_buffer, 512)));
    TRY(client.close(connection));
    if (!drained.intact || drained.bytes != answer_bytes)
        return false;
    TRY(print_line(console, "net-client: {}:{}: sent {} bytes, shut down sending; {} bytes came back intact, then the end",
        name_of(remote), remote.port, upload_bytes, drained.bytes));
    return true;
}

ErrorOr<bool> refused(ConsoleCap const& console, net::SocketClient& client)
{
    auto connected = client.connect(ipv4_loopback(closed_port));
    if (!connected.is_error() || !connected.error().is(net::SocketError::Refused))
        return false;
    if (TRY(client.counters()).sockets != 0)
        return false;
    TRY(print_line(console, "net-client: {}:{}: {}; the socket was given back", name_of(ipv4_loopback(0)), closed_port,
        connected.error().name()));
    return true;
}

ErrorOr<bool> socket_limit(ConsoleCap const& console, net::SocketClient& client)
{
    auto limits = TRY(client.limits());
    net::Socket held[64];
    usize count = 0;
    std::optional<Error> refusal;
    while (count < 64) {
        auto bound = client.bind(ipv4_loopback(0));
        if (bound.is_error()) {
            refusal = bound.release_error();
            break;
        }
        held[count++] = bound.value();
    }
    for (usize index = 0; index < count; ++index)
        TRY(client.close(held[index]));
    if (count != limits.maximum_sockets || !refusal || !refusal->is(net::SocketError::LimitReached))
        return false;
    TRY(print_line(console, "net-client: {} sockets held, the session's limit; one more: {}", count, refusal->name()));
    return true;
}

ErrorOr<bool> datagrams(ConsoleCap const& console, net::SocketClient& client)
{
    auto socket = TRY(client.bind(ipv4_loopback(0)));
    auto server = ipv4_loopback(datagram_port);
    fill(std::span(s_chunk, datagram_bytes), 0, datagram_seed);
    TRY(client.send_to(socket, server, std::span(s_chunk, datagram_bytes)));
    auto got = TRY(client.receive(socket, s_buffer, Duration::from_seconds(20)));
    TRY(client.close(socket));
    if (got.length != datagram_bytes || got.truncated || !(got.from == server)
        || !holds(std::span(s_buffer, got.length), 0, datagram_seed + 1))
        return false;
    TRY(print_line(console, "net-client: UDP: {} bytes to {}:{}; {} bytes intact back from it", datagram_bytes,
        name_of(server), server.port, got.length));
    return true;
}

ErrorOr<bool> ride_out_restart(ConsoleCap const& console, net::SocketClient& client)
{
    auto held = TRY(connect_when_listening(client, ipv4_loopback(restart_port)));
    auto bytes = std::span(s_chunk, restart_bytes);
    fill(bytes, 0, restart_seed);
    TRY(client.send(held, bytes));
    if (!TRY(receive_exactly(client, held, std::span(s_buffer, 1), Duration::from_seconds(20))))
        return false;
    auto fault = client.connect(ipv4_loopback(fault_port)); /* netd faults handling it */
    auto stale = client.send(held, bytes);
    if (!fault.is_error() || !fault.error().is(ErrorCode::PeerRestarted) || !stale.is_error()
        || !stale.error().is(net::SocketError::NoSuchSocket))
        return false;
    auto fresh = TRY(connect_when_listening(client, ipv4_loopback(restart_port)));
    fill(bytes, 0, restart_seed + 1);
    TRY(client.send(fresh, bytes));
    auto echo = std::span(s_buffer, restart_bytes);
    bool echoed = TRY(receive_exactly(client, fresh, echo, Duration::from_seconds(20))) && holds(echo, 0, restart_seed + 1);
    TRY(client.close(fresh));
    if (!echoed)
        return false;
    TRY(print_line(console, "net-client: netd restarted under a tcp-connect: {}; the old connection: {}; in session {} a new one carried {} bytes each way",
        fault.error().name(), stale.error().name(), client.session_number(), restart_bytes));
    return true;
}

}

ErrorOr<i32> net_client(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::net_client));
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto client = TRY(open_client(bundle, memory));
    bool passed = TRY(exchange_stream(console, client, ipv4_loopback(stream_port)))
        && TRY(exchange_stream(console, client, ipv6_loopback(stream_port))) && TRY(refused(console, client))
        && TRY(socket_limit(console, client)) && TRY(datagrams(console, client));
    if (!passed) {
        TRY(print_line(console, "net-client: a check failed (the line above is the last that passed)"));
        return 1;
    }
    auto counters = TRY(client.counters());
    TRY(print_line(console, "net-client: counters: {} bytes sent, {} received, {} sockets held", counters.bytes_sent,
        counters.bytes_received, counters.sockets));
    if (fault_port != 0 && !TRY(ride_out_restart(console, client))) {
        TRY(print_line(console, "net-client: netd's restart was not ridden out as expected"));
        return 1;
    }
    return 0;
}

}
