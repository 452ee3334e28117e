/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "Appliance.h"
#include "FileHandler.h"
#include <new>
#include <vectra/Configuration.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>

namespace vectra::http_appliance {

namespace {

constexpr usize session_bytes = 112 * 1024 + transfer_bytes; /* the vfsd session's pool and its transfer buffer */
constexpr SignalBit idle_bit { 9 };
constexpr u64 idle_sleep_nanoseconds = 2'000'000;

u64 answered(http::ServerCounters const& counters)
{
    return counters.requests + counters.refused + counters.header_timeouts;
}

bool turn_or_sleep(http::Server& server)
{
    if (server.turn(endpoint::now_nanoseconds()))
        return true;
    (void)endpoint::wait_until(idle_bit.mask(), endpoint::now_nanoseconds() + idle_sleep_nanoseconds, idle_bit);
    return false;
}

}

ErrorOr<Settings> configured(Bundle& bundle, ConsoleCap const& console, std::string_view name, u16 default_port)
{
    auto settings = settings_from(TRY(take_slot_message(bundle, configuration_slot_name)), default_port);
    if (settings.is_error())
        TRY(print_line(console, "{}: its configuration is refused: {}", name, settings.error().message()));
    return settings;
}

ErrorOr<void> serve_files(Bundle& bundle, ConsoleCap const& console, ReticleCap& memory, http::StreamListener& listener,
    Serving const& serving)
{
    auto files = TRY(vfs::Client::open(TRY(bundle.take<RingCap>("files-requests")),
        TRY(bundle.take<RingCap>("files-replies")), TRY(endpoint::carve(memory, session_bytes)), transfer_bytes));

    /* The connections' buffers and the read buffer, in memory of the Task's own Reticle. */
    usize needed = connection_count * sizeof(http::ServerConnection) + FileHandler::read_bytes;
    auto region = TRY(system::create_memory(memory, (needed + 4095) / 4096 * 4096));
    auto bytes = TRY(system::map_memory(region));
    auto* connections = new (bytes.data()) http::ServerConnection[connection_count];
    auto read_buffer = bytes.subspan(connection_count * sizeof(http::ServerConnection), FileHandler::read_bytes);

    FileHandler handler(files, serving.folder, read_buffer);
    http::ServerLimits limits;
    http::Server server(listener, handler, std::span<http::ServerConnection>(connections, connection_count), limits);
    TRY(print_line(console, "{}: serving {} on {} port {}: {} connections at once, head deadline {} s, idle {} s",
        serving.name, serving.folder, serving.transport, serving.port, connection_count, limits.header_timeout.seconds(),
        limits.idle_timeout.seconds()));

    u64 stop_after = CONFIG_HTTP_APPLIANCE_REQUESTS;
    while (stop_after == 0 || answered(server.counters()) < stop_after)
        turn_or_sleep(server);
    /* Let the last responses leave before the counters and the end. */
    for (int round = 0; round < 50 && server.open_connections() > 0; ++round)
        turn_or_sleep(server);
    auto const& counters = server.counters();
    TRY(print_line(console, "{}: {} connections accepted, {} requests answered ({} files, {} bytes), {} refused, {} header timeouts, {} idle closed, {} evicted, {} rejected, {} failed",
        serving.name, counters.accepted, counters.requests, handler.files_served(), handler.bytes_served(), counters.refused,
        counters.header_timeouts, counters.idle_closed, counters.evicted, counters.rejected, counters.failed));
    return {};
}

}
