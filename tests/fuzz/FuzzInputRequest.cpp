/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as an inputd request — the first byte picks the side: a driver's
 * (vectra.input.device, on device 0 or 1), a client session's (vectra.input, session 0 focused or
 * session 1 not), or the focus holder's (vectra.input.focus) — answered by inputd's own handlers on
 * one server that lives across inputs, so a state left by one request meets the next. Beyond the
 * dispatch checks (DispatchFuzzer.h): a session without the focus is never queued anything, no
 * queue holds more than its bound, a read never returns more than 16 events, and the counters
 * add up (every event decoded was delivered, dropped or unrouted).
 */

#include "DispatchFuzzer.h"
#include <inputd/Server.h>
#include <new>

using namespace vectra;

namespace {

/* The driver side with a clock the input moves (the loop's handler reads the monotonic clock). */
struct DeviceSide {
    inputd::Server& server;
    usize index;
    u64 now { 0 };
    ErrorOr<protocol::Done> handle(input::device::Describe const& request) { return server.describe(index, request); }
    ErrorOr<input::device::Taken> handle(input::device::Events const& request)
    {
        now += 7'000'000;
        server.repeat(now);
        return server.take_events(index, request, now);
    }
};

/* The client side: identify and read without waiting (a kept read needs the loop's Rings). */
struct ClientSide {
    inputd::Server& server;
    usize index;
    ErrorOr<input::Identity> handle(input::Identify const&) { return input::Identity { server.client_id(index) }; }
    ErrorOr<input::ReadEvents> handle(input::Read const&)
    {
        auto read = TRY(server.read(index, input::Read { 0 }));
        VERIFY(read.events.size() <= input::maximum_read_events);
        return read;
    }
};

struct Fuzzing {
    alignas(inputd::Server) u8 storage[sizeof(inputd::Server)];
    inputd::Server* server;
    Fuzzing()
    {
        inputd::Configuration configuration;
        configuration.keymap = &input::german_keymap();
        configuration.repeat = { 20, 50 };
        server = new (storage) inputd::Server(configuration);
        server->opened(0);
        server->opened(1);
        MUST(server->set_focus(server->client_id(0)));
    }
};

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    static Fuzzing fuzzing;
    static u64 now = 0;
    auto& server = *fuzzing.server;
    if (size == 0)
        return 0;
    std::span<u8 const> request(data + 1, size - 1);
    switch (data[0] % 5) {
    case 0:
    case 1: {
        DeviceSide side { server, usize(data[0] % 2), now };
        (void)test::fuzz_dispatch<input::device::Protocol>(side, request);
        now = side.now;
        break;
    }
    case 2:
    case 3: {
        ClientSide side { server, usize(data[0] % 2 == 0 ? 0 : 1) };
        (void)test::fuzz_dispatch<input::Protocol>(side, request);
        break;
    }
    default: {
        inputd::FocusHandler side(server);
        (void)test::fuzz_dispatch<input::focus::Protocol>(side, request);
        break;
    }
    }
    auto const& counters = server.counters();
    for (usize index = 0; index < 2; ++index) {
        VERIFY(server.queued(index) <= input::queued_events);
        if (server.client_id(index) != counters.focused)
            VERIFY(server.queued(index) == 0);
    }
    VERIFY(counters.delivered + counters.dropped + counters.unrouted <= counters.events_accepted + counters.repeats);
    return 0;
}
