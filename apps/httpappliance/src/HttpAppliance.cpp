/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * http_appliance: a static-file HTTP/1.1 server (docs/adr/0039-vectranet-http.md). Through a netd
 * session it listens on TCP port 80; through a vfsd session it reads /www; VectraNet's Server
 * (frameworks/net) runs the connections — CONFIG_HTTP_APPLIANCE_CONNECTIONS at once, each with its
 * header and idle deadlines — and FileHandler answers. The loop never waits on one peer: when a
 * turn finds nothing to do it sleeps 2 ms on its timer. With CONFIG_HTTP_APPLIANCE_REQUESTS it
 * ends after that many answered requests (refusals and timeouts included) and prints its
 * counters, so an image can test it and power off.
 */

#include "FileHandler.h"
#include <new>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/http_appliance.h>
#include <vectra/http/SocketStream.h>
#include <vectra/net/Address.h>

VECTRA_TASK_ENTRY(http_appliance);

namespace vectra::task_entries {

namespace {

constexpr u16 http_port = 80;
constexpr usize connection_count = CONFIG_HTTP_APPLIANCE_CONNECTIONS;
constexpr usize session_bytes = 128 * 1024;
constexpr usize transfer_bytes = 16 * 1024;
constexpr SignalBit idle_bit { 9 };
constexpr u64 idle_sleep_nanoseconds = 2'000'000;

u64 answered(http::ServerCounters const& counters)
{
    return counters.requests + counters.refused + counters.header_timeouts;
}

ErrorOr<void> print_counters(ConsoleCap const& console, http::ServerCounters const& counters,
    http_appliance::FileHandler const& handler)
{
    TRY(print_line(console, "http-appliance: {} connections accepted, {} requests answered ({} files, {} bytes), {} refused, {} header timeouts, {} idle closed, {} evicted, {} rejected, {} failed",
        counters.accepted, counters.requests, handler.files_served(), handler.bytes_served(), counters.refused,
        counters.header_timeouts, counters.idle_closed, counters.evicted, counters.rejected, counters.failed));
    return {};
}

}

ErrorOr<i32> http_appliance(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::http_appliance)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto netd = TRY(net::SocketClient::open(TRY(bundle.take<RingCap>("net-requests")),
        TRY(bundle.take<RingCap>("net-replies")), memory, transfer_bytes));
    auto files = TRY(vfs::Client::open(TRY(bundle.take<RingCap>("files-requests")),
        TRY(bundle.take<RingCap>("files-replies")), TRY(endpoint::carve(memory, session_bytes)), transfer_bytes));

    /* The connections' buffers and the read buffer, in memory of the Task's own Reticle. */
    usize needed = connection_count * sizeof(http::ServerConnection) + http_appliance::FileHandler::read_bytes;
    auto region = TRY(system::create_memory(memory, (needed + 4095) / 4096 * 4096));
    auto bytes = TRY(system::map_memory(region));
    auto* connections = new (bytes.data()) http::ServerConnection[connection_count];
    auto read_buffer = bytes.subspan(connection_count * sizeof(http::ServerConnection), http_appliance::FileHandler::read_bytes);

    auto root = TRY(Path::root().try_join("www"));
    http_appliance::FileHandler handler(files, root, read_buffer);
    auto listening = TRY(netd.listen(net::unspecified(http_port), 16));
    /* One stream more than connections: the server accepts one over its limit to evict or reset it. */
    http::SocketStream streams[connection_count + 1];
    http::SocketListener listener(netd, listening, streams);
    http::ServerLimits limits;
    http::Server server(listener, handler, std::span<http::ServerConnection>(connections, connection_count), limits);
    TRY(print_line(console, "http-appliance: serving /www on TCP port {}: {} connections at once, head deadline {} s, idle {} s",
        listening.local.port, connection_count, limits.header_timeout.seconds(), limits.idle_timeout.seconds()));

    u64 stop_after = CONFIG_HTTP_APPLIANCE_REQUESTS;
    while (stop_after == 0 || answered(server.counters()) < stop_after) {
        if (!server.turn(endpoint::now_nanoseconds()))
            (void)endpoint::wait_until(idle_bit.mask(), endpoint::now_nanoseconds() + idle_sleep_nanoseconds, idle_bit);
    }
    /* Let the last responses leave before the counters and the end. */
    for (int round = 0; round < 50 && server.open_connections() > 0; ++round) {
        if (!server.turn(endpoint::now_nanoseconds()))
            (void)endpoint::wait_until(idle_bit.mask(), endpoint::now_nanoseconds() + idle_sleep_nanoseconds, idle_bit);
    }
    TRY(print_counters(console, server.counters(), handler));
    TRY(netd.close(listening));
    return 0;
}

}
