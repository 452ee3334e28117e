/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * inputd's and compositord's real loops as Tasks, wired as an image wires them (ADR 0047):
 * compositord is inputd's one client and holds its focus connection; a driver Task forwards raw
 * keyboard and tablet events to inputd; two client Tasks show a surface each and read `input` on
 * their vectra.surface sessions. Typed text reaches only the focused surface's client; a click on
 * the other surface moves the focus there (both told), the pointer arrives in surface pixels and
 * the cursor is drawn where it points; as attackers, the unfocused client's reads get nothing, it
 * cannot take the focus by request nor move the cursor, a flood of motion arrives coalesced, and
 * a client that stops reading stalls neither inputd nor the other client.
 */

#include "../TestSupport.h"
#include "DisplayTestTasks.h"
#include "InputdTestTasks.h"
#include <atomic>
#include <catch2/catch.hpp>
#include <compositord/Server.h>
#include <cstring>
#include <inputd/Server.h>
#include <string>
#include <vector>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/input/Forwarder.h>
#include <vectra/kernel/Executor.h>
#include <vectra/surface/Cursor.h>

using namespace vectra;
using namespace vectra::test;
using surface::SurfaceError;
namespace device = vectra::input::device;

namespace {

constexpr DisplayMode test_mode { 96, 64, 96 * 4, PixelFormat::Xrgb8888 };

DisplayDevice* s_device { nullptr };
std::atomic<int> s_phase { 0 };
std::atomic<u32> s_surfaces[2];
std::atomic<bool> s_done[2];

u32 screen_at(u32 x, u32 y) { return pixel_at(*s_device, test_mode, x, y); }

/* compositord as compositord_desktop runs it: a display session, inputd's session and focus connection. */
ErrorOr<i32> compositord_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto display = TRY(compositord::DisplayLink::open(TRY(bundle.take<RingCap>("display_requests")),
        TRY(bundle.take<RingCap>("display_replies")), TRY(endpoint::carve(memory, session::pool_size<display::Protocol>()))));
    auto input = TRY(compositord::InputLink::open(TRY(bundle.take<RingCap>("input_requests")),
        TRY(bundle.take<RingCap>("input_replies")), TRY(endpoint::carve(memory, session::pool_size<input::Protocol>())),
        TRY(bundle.take<RingCap>("focus_requests")), TRY(bundle.take<RingCap>("focus_replies"))));
    compositord::Settings settings;
    settings.frame_interval_ns = 1'000'000;
    TRY(compositord::run(memory, display, std::move(requests), std::move(replies), settings, nullptr, &input));
    return 0;
}

using SurfaceClient = session::SessionClient<surface::Protocol>;

ErrorOr<SurfaceClient> open_surfaces(Bundle& bundle, ReticleCap const& memory)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    return open_session_client<surface::Protocol>(memory, requests, replies);
}

/* A client's session and its one 40 × 30 surface of `colour` at (x, y); `index` publishes its id to the other client. */
struct Shown {
    SurfaceClient client;
    MemCap pixels;
    u32 id { 0 };
};

ErrorOr<Shown> show(Bundle& bundle, usize index, i32 x, i32 y, u32 colour)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    Shown shown { TRY(open_surfaces(bundle, memory)), TRY(system::create_memory(memory, 40 * 30 * 4)), 0 };
    auto mapped = TRY(system::map_memory(shown.pixels));
    for (usize at = 0; at + 4 <= mapped.size(); at += 4)
        memcpy(mapped.data() + at, &colour, 4);
    shown.id = TRY(shown.client.call_lending(surface::Create { x, y, 40, 30, 160 }, shown.pixels, RightRead)).surface;
    s_surfaces[index] = shown.id;
    return shown;
}

/* What one client read: the text its keys typed, its pointer reports and focus changes. */
struct Seen {
    std::string text;
    std::vector<surface::SurfaceEvent> pointer;
    int gained { 0 };
    int lost { 0 };
    u32 dropped { 0 };
    int reads { 0 };
};

ErrorOr<void> read_into(SurfaceClient& client, Seen& seen, u32 wait_ms)
{
    auto read = TRY(client.call(surface::ReadInput { wait_ms }, Duration::from_seconds(15)));
    ++seen.reads;
    seen.dropped += read.dropped;
    for (auto const& event : read.events) {
        if (event.kind == surface::event_kind::key && event.action != input::key_action::release && event.characters.size() > 0)
            seen.text += char(event.characters[0]);
        if (event.kind == surface::event_kind::pointer)
            seen.pointer.push_back(event);
        seen.gained += event.kind == surface::event_kind::focus && event.action == surface::focus_action::gained;
        seen.lost += event.kind == surface::event_kind::focus && event.action == surface::focus_action::lost;
    }
    return {};
}

/* Session A: red at (0, 0) takes the free focus, reads "hi\n", then loses the focus to B's click. */
ErrorOr<i32> client_a(Bundle& bundle)
{
    auto shown = TRY(show(bundle, 0, 0, 0, 0xff0000));
    auto& client = shown.client;
    u32 red = shown.id;
    EXPECT_IN_TASK(wait_for([] { return s_surfaces[1].load() != 0; }));
    TRY(client.call(surface::Focus { red }));
    /* The pointer is compositord's: no session moves the cursor. */
    EXPECT_IN_TASK(client.call(surface::Cursor { 5, 5, 1 }).error().is(SurfaceError::PointerRouted));
    s_phase = 1;
    Seen seen;
    for (int turn = 0; turn < 100 && seen.text.find('\n') == std::string::npos; ++turn)
        TRY(read_into(client, seen, 1000));
    EXPECT_IN_TASK(seen.text == "hi\n" && seen.gained == 1 && seen.lost == 0);
    s_phase = 2;
    for (int turn = 0; turn < 100 && seen.lost == 0; ++turn)
        TRY(read_into(client, seen, 1000));
    EXPECT_IN_TASK(seen.lost == 1);
    /* From now on A never reads; B is served regardless. */
    EXPECT_IN_TASK(wait_for([] { return s_done[1].load(); }));
    EXPECT_IN_TASK(seen.text == "hi\n");
    s_done[0] = true;
    return 0;
}

/* Session B: green at (50, 30) (the attacker while unfocused), focused by a click, reads "ok\n" and the pointer. */
ErrorOr<i32> client_b(Bundle& bundle)
{
    auto shown = TRY(show(bundle, 1, 50, 30, 0x00ff00));
    auto& client = shown.client;
    u32 green = shown.id;
    EXPECT_IN_TASK(wait_for([] { return s_phase.load() >= 1; }));
    EXPECT_IN_TASK(client.call(surface::Focus { green }).error().is(SurfaceError::NotFocused));
    EXPECT_IN_TASK(client.call(surface::Focus { s_surfaces[0] }).error().is(SurfaceError::UnknownSurface));
    /* While A is typed to, B's waiting reads get nothing. */
    Seen seen;
    while (s_phase.load() < 2)
        TRY(read_into(client, seen, 200));
    EXPECT_IN_TASK(seen.text.empty() && seen.pointer.empty() && seen.gained == 0);
    /* A second read while one waits is busy, answered at once; the first is answered (empty) at its deadline. */
    u8 request[protocol::envelope_size + 8];
    u8 answer[protocol::payload_capacity<surface::Protocol>];
    for (u32 call_id : { 9001u, 9002u }) {
        usize length = TRY(protocol::encode_request<surface::Protocol>(surface::ReadInput { 300 }, call_id, request));
        TRY(client.connection()->send(std::span<u8 const>(request, length), deadline_after(Duration::from_seconds(5))));
    }
    for (u32 expected : { 9002u, 9001u }) {
        auto received = TRY(client.connection()->receive(answer, deadline_after(Duration::from_seconds(5))));
        auto envelope = TRY(protocol::read_envelope(std::span<u8 const>(answer, received.length)));
        EXPECT_IN_TASK(envelope.call_id == expected);
        EXPECT_IN_TASK(envelope.status == (expected == 9002 ? u16(SurfaceError::Busy) : protocol::status_success));
    }
    s_phase = 3; /* the driver clicks on green */
    for (int turn = 0; turn < 100 && seen.text.find('\n') == std::string::npos; ++turn)
        TRY(read_into(client, seen, 1000));
    EXPECT_IN_TASK(seen.gained == 1 && seen.text == "ok\n");
    EXPECT_IN_TASK(!seen.pointer.empty() && seen.pointer.front().x == 10 && seen.pointer.front().y == 10);
    EXPECT_IN_TASK(seen.pointer.front().buttons == 1 && seen.pointer.front().surface == green);
    /* The cursor is drawn where the pointer is, above green. */
    TRY(client.call(surface::Frame {}));
    EXPECT_IN_TASK(screen_at(60, 40) == surface::cursor_outline);
    EXPECT_IN_TASK(screen_at(85, 55) == 0x00ff00);
    /* The flood of motion: coalesced, nothing dropped, the last position read. */
    usize before = seen.pointer.size();
    s_phase = 4;
    EXPECT_IN_TASK(wait_for([] { return s_phase.load() == 5; }));
    for (int turn = 0; turn < 50 && (seen.pointer.size() == before || seen.pointer.back().x != 39); ++turn)
        TRY(read_into(client, seen, 500));
    EXPECT_IN_TASK(seen.dropped == 0 && seen.pointer.back().x == 39 && seen.pointer.back().y == 29);
    EXPECT_IN_TASK(seen.pointer.size() - before < 100);
    s_done[1] = true;
    return 0;
}

ErrorOr<i32> driver(Bundle& bundle)
{
    auto connection = TRY(Client<device::Protocol>::bind(TRY(bundle.take<RingCap>("device_requests")),
        TRY(bundle.take<RingCap>("device_replies"))));
    device::Forwarder forwarder(connection);
    TRY(forwarder.describe(device::Describe { device::kind::keyboard | device::kind::pointer, 0, 95, 0, 63 }));
    auto type = [&](u16 code) -> ErrorOr<void> {
        TRY(forwarder.add({ input::event_type::key, code, 1 }));
        TRY(forwarder.add({ input::event_type::key, code, 0 }));
        return forwarder.flush();
    };
    auto point = [&](i32 x, i32 y, i32 left) -> ErrorOr<void> {
        TRY(forwarder.add({ input::event_type::absolute, input::absolute_x, x }));
        TRY(forwarder.add({ input::event_type::absolute, input::absolute_y, y }));
        TRY(forwarder.add({ input::event_type::key, input::key::button_left, left }));
        TRY(forwarder.add({ input::event_type::synchronise, input::synchronise_report, 0 }));
        return {};
    };
    EXPECT_IN_TASK(wait_for([] { return s_phase.load() == 1; }));
    for (u16 code : { input::key::h, input::key::i, input::key::enter })
        TRY(type(code));
    EXPECT_IN_TASK(wait_for([] { return s_phase.load() == 3; }));
    /* Click on green at (60, 40): green's (10, 10). */
    TRY(point(60, 40, 1));
    TRY(point(60, 40, 0));
    TRY(forwarder.flush());
    for (u16 code : { input::key::o, input::key::k, input::key::enter })
        TRY(type(code));
    EXPECT_IN_TASK(wait_for([] { return s_phase.load() == 4; }));
    /* 400 motions over green, ending at green's (39, 29): one report per SYN_REPORT in inputd, coalesced in compositord. */
    for (i32 step = 0; step < 400; ++step)
        TRY(point(50 + (step % 40), 30 + (step % 30), 0));
    TRY(point(89, 59, 0));
    TRY(forwarder.flush());
    s_phase = 5;
    EXPECT_IN_TASK(wait_for([] { return s_done[0].load() && s_done[1].load(); }));
    return 0;
}

}

TEST_CASE("compositord routes inputd's keys to the focused surface's client and the pointer to the surface under it; attackers get nothing", "[compositord][inputd][attack]")
{
    auto& configuration = inputd_test_configuration();
    configuration = {};
    configuration.keymap = &input::us_keymap();
    configuration.repeat = { 500, 25 };
    configuration.width = test_mode.width;
    configuration.height = test_mode.height;
    s_phase = 0;
    s_surfaces[0] = s_surfaces[1] = 0;
    s_done[0] = s_done[1] = false;

    DisplayStage stage(16 * MiB, test_mode, 128 * KiB);
    s_device = stage.device;
    auto& parent = stage.parent;

    auto input_listener = make_listener(stage.arena.reticle(), parent);
    auto device_rings = make_direct(stage.arena.reticle(), parent, device::schema_id, device::Protocol::slot_count, device::Protocol::slot_size);
    auto focus_rings = make_direct(stage.arena.reticle(), parent, input::focus::schema_id, input::focus::Protocol::slot_count,
        input::focus::Protocol::slot_size);
    Task* inputd = stage.spawn("inputd", inputd_task);
    REQUIRE(grant_service(*inputd, parent, input_listener, stage.memory_of(256 * KiB)));
    grant_pair(*inputd, parent, device_rings.requests, device_rings.replies, "device0_requests", "device0_replies", true);
    grant_pair(*inputd, parent, focus_rings.requests, focus_rings.replies, "focus_requests", "focus_replies", true);

    auto surfaces = make_listener(stage.arena.reticle(), parent);
    Task* compositor = stage.spawn("compositord", compositord_task);
    REQUIRE(grant_service(*compositor, parent, surfaces, stage.memory_of(256 * KiB)));
    grant_pair(*compositor, parent, stage.display.listener.requests, stage.display.listener.replies, "display_requests", "display_replies", false);
    grant_pair(*compositor, parent, input_listener.requests, input_listener.replies, "input_requests", "input_replies", false);
    grant_pair(*compositor, parent, focus_rings.requests, focus_rings.replies, "focus_requests", "focus_replies", false);

    Task* typing = stage.spawn("driver", driver);
    grant_pair(*typing, parent, device_rings.requests, device_rings.replies, "device_requests", "device_replies", false);
    std::vector<Task*> tasks { typing };
    for (TaskEntry entry : { client_a, client_b }) {
        Task* task = stage.spawn("client", entry);
        REQUIRE(grant_client(*task, parent, surfaces, stage.memory_of(1 * MiB)));
        tasks.push_back(task);
    }
    run_each_to_end(tasks);
    CHECK(stage.end_service(*compositor, surfaces) == ErrorCode::PeerRestarted);
    (void)stage.end_service(*inputd, input_listener);
    stage.finish();
}
