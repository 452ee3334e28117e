/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "Appliance.h"
#include "FileHandler.h"
#include <new>
#include <utility>
#include <vectra/Configuration.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>

namespace vectra::http_appliance {

namespace {

constexpr usize session_bytes = 112 * 1024 + transfer_bytes; /* the vfsd session's pool and its transfer buffer */
constexpr SignalBit timer_bit { 9 };
/* When the transport cannot be watched (its session ended: the next call opens it again), the loop looks this often. */
constexpr u64 unwatched_look_nanoseconds = 2'000'000;
/* The end's last rounds, letting the last responses leave, each wait at most this long. */
constexpr u64 ending_look_nanoseconds = 2'000'000;
/* However quiet, the loop turns at least this often (1.5 s): a bound on a wake-up the watch did not bring, and a count of them. */
constexpr u64 look_nanoseconds = 1'500'000'000; /* not a second: a client that writes each second (the harness's slow one) would meet it */

u64 answered(http::ServerCounters const& counters)
{
    return counters.requests + counters.refused + counters.header_timeouts;
}

/* The loop's own counts: its waits, those its 1.5 s look ended with no event told, and such looks whose turn then moved something. */
struct Waits {
    u64 waits { 0 };
    u64 looks { 0 };
    u64 rescued { 0 };
    bool looked { false };
};

/*
 * One turn; after a turn that moved nothing, one wait: for the transport's readiness watch
 * (netd's or tlsd's), until the server's next deadline, `bound` or the 1.5 s look, whichever comes
 * first. Every connection was tried in the turn, so whatever happens after it answers the watch:
 * a turn after a look that moves something is a wake-up the watch did not bring (rescued).
 */
bool turn_or_wait(http::Server& server, http::StreamListener& listener, Waits& waits, std::optional<u64> bound = std::nullopt)
{
    u64 now = endpoint::now_nanoseconds();
    bool moved = server.turn(now);
    if (std::exchange(waits.looked, false) && moved)
        ++waits.rescued;
    if (moved)
        return true;
    auto deadline = server.next_deadline();
    if (bound && (!deadline || *bound < *deadline))
        deadline = bound;
    u64 look = now + look_nanoseconds;
    bool looking = !deadline || look < *deadline;
    if (looking)
        deadline = look;
    ++waits.waits;
    auto told = listener.wait_for_event(deadline, timer_bit);
    if (told.is_error()) {
        u64 soon = now + unwatched_look_nanoseconds;
        (void)endpoint::wait_until(timer_bit.mask(), *deadline < soon ? *deadline : soon, timer_bit);
        return false;
    }
    /* Ended by the look, not by the transport: what the next turn moves, the watch did not announce. */
    waits.looked = looking && !told.value() && endpoint::now_nanoseconds() >= *deadline;
    waits.looks += waits.looked ? 1 : 0;
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

    /* The connections' buffers, in memory of the Task's own Reticle (a file's bytes are sent from the vfsd session's transfer buffer). */
    usize needed = connection_count * sizeof(http::ServerConnection);
    auto region = TRY(system::create_memory(memory, (needed + 4095) / 4096 * 4096));
    auto bytes = TRY(system::map_memory(region));
    auto* connections = new (bytes.data()) http::ServerConnection[connection_count];

    static_assert(transfer_bytes >= FileHandler::read_bytes, "a read's view lies in the vfsd session's transfer buffer");
    FileHandler handler(files, serving.folder);
    http::ServerLimits limits;
    http::Server server(listener, handler, std::span<http::ServerConnection>(connections, connection_count), limits);
    TRY(print_line(console, "{}: serving {} on {} port {}: {} connections at once, head deadline {} s, idle {} s",
        serving.name, serving.folder, serving.transport, serving.port, connection_count, limits.header_timeout.seconds(),
        limits.idle_timeout.seconds()));

    u64 stop_after = CONFIG_HTTP_APPLIANCE_REQUESTS;
    Waits waits;
    while (stop_after == 0 || answered(server.counters()) < stop_after)
        turn_or_wait(server, listener, waits);
    /* Let the last responses leave before the counters and the end. */
    for (int round = 0; round < 50 && server.open_connections() > 0; ++round)
        turn_or_wait(server, listener, waits, endpoint::now_nanoseconds() + ending_look_nanoseconds);
    auto const& counters = server.counters();
    TRY(print_line(console, "{}: {} connections accepted, {} requests answered ({} files, {} bytes), {} refused, {} header timeouts, {} idle closed, {} evicted, {} rejected, {} failed",
        serving.name, counters.accepted, counters.requests, handler.files_served(), handler.bytes_served(), counters.refused,
        counters.header_timeouts, counters.idle_closed, counters.evicted, counters.rejected, counters.failed));
    TRY(print_line(console, "{}: {} waits for the transport's events, {} ended by the 1.5 s look, rescued {}", serving.name,
        waits.waits, waits.looks, waits.rescued));
    return {};
}

}
