/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's real loop as a Task drawing through displayd's loop (vectra.display) over a display
 * device (ADR 0014's DisplayDevice; host tests have no window, the device counts presents), with client Tasks on sessions of vectra.surface:
 * surfaces lent as MemCaps and composed in place, frame requests answered after the presented
 * frame with the pixels it composed (a small damage composes only itself), raise and move, and as
 * an attacker — another session's id, damage outside the surface, a second waiting frame (busy),
 * malformed bytes; frames paced at least the interval apart — while the other session keeps being composed; a client that ends loses its
 * surface and its area is composed again.
 */

#include "../TestSupport.h"
#include "../core/FsTestTasks.h"
#include "DisplayTestTasks.h"
#include <catch2/catch.hpp>
#include <compositord/Server.h>
#include <cstring>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/display/DeviceBackend.h>
#include <vectra/kernel/Display.h>
#include <vectra/kernel/Executor.h>

using namespace vectra;
using namespace vectra::test;
using surface::SurfaceError;
using SurfaceClient = session::SessionClient<surface::Protocol>;

namespace {

constexpr DisplayMode test_mode { 96, 64, 96 * 4 + 64, PixelFormat::Xrgb8888 };

DisplayDevice* s_device { nullptr };

u32 screen_at(u32 x, u32 y) { return pixel_at(*s_device, test_mode, x, y); }

ErrorOr<i32> compositord_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto pool = TRY(endpoint::carve(memory, session::pool_size<display::Protocol>()));
    auto display = TRY(compositord::DisplayLink::open(
        TRY(bundle.take<RingCap>("display_requests")), TRY(bundle.take<RingCap>("display_replies")), std::move(pool)));
    compositord::Settings settings;
    settings.frame_interval_ns = 1'000'000;
    TRY(compositord::run(memory, display, std::move(requests), std::move(replies), settings, nullptr));
    return 0;
}

/* A surface's memory, filled with `colour`. */
ErrorOr<MemCap> painted(ReticleCap const& memory, u32 width, u32 height, u32 colour)
{
    auto pixels = TRY(system::create_memory(memory, usize(width) * height * 4));
    auto mapped = TRY(system::map_memory(pixels));
    for (usize at = 0; at + 4 <= mapped.size(); at += 4)
        memcpy(mapped.data() + at, &colour, 4);
    return pixels;
}

template<typename T>
bool refused(ErrorOr<T> const& result, SurfaceError code)
{
    return result.is_error() && result.error().is(code);
}

/* A client that shows a surface, sees it presented, and ends without destroying it. */
ErrorOr<i32> vanishing_client(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto client = TRY(open_session_client<surface::Protocol>(memory, requests, replies));
    auto pixels = TRY(painted(memory, 10, 10, 0xabcdef));
    TRY(client.call_lending(surface::Create { 80, 50, 10, 10, 40 }, pixels, RightRead));
    TRY(client.call(surface::Frame {}));
    EXPECT_IN_TASK(screen_at(85, 55) == 0xabcdef);
    return 0;
}

ErrorOr<i32> clients(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto first = TRY(open_session_client<surface::Protocol>(memory, requests, replies));
    auto second = TRY(open_session_client<surface::Protocol>(memory, requests, replies));

    /* The vanished client's surface is gone: its area shows the background again. */
    for (int tries = 0; tries < 50 && screen_at(85, 55) != compositord::background_colour; ++tries)
        TRY(first.call(surface::Frame {}));
    EXPECT_IN_TASK(screen_at(85, 55) == compositord::background_colour);

    auto red = TRY(painted(memory, 40, 30, 0xff0000));
    auto red_id = TRY(first.call_lending(surface::Create { 0, 0, 40, 30, 160 }, red, RightRead)).surface;
    auto green = TRY(painted(memory, 40, 30, 0x00ff00));
    auto green_id = TRY(second.call_lending(surface::Create { 20, 20, 40, 30, 160 }, green, RightRead)).surface;
    auto done = TRY(first.call(surface::Frame {}));
    EXPECT_IN_TASK(done.frame > 0);
    EXPECT_IN_TASK(screen_at(5, 5) == 0xff0000);
    EXPECT_IN_TASK(screen_at(25, 25) == 0x00ff00);
    EXPECT_IN_TASK(screen_at(90, 60) == compositord::background_colour);

    /* Raise red over green, move green: each composed and presented. */
    TRY(first.call(surface::Raise { red_id }));
    TRY(second.call(surface::Move { green_id, 50, 30 }));
    TRY(first.call(surface::Frame {}));
    EXPECT_IN_TASK(screen_at(25, 25) == 0xff0000);
    EXPECT_IN_TASK(screen_at(45, 25) == compositord::background_colour);
    EXPECT_IN_TASK(screen_at(55, 35) == 0x00ff00);

    /* A one-character damage: that frame composes 8 × 16 pixels and presents exactly that rectangle. */
    auto red_pixels = TRY(system::map_memory(red));
    u32 white = 0xffffff;
    for (u32 y = 2; y < 18; ++y)
        for (u32 x = 3; x < 11; ++x)
            memcpy(red_pixels.data() + (y * 40 + x) * 4, &white, 4);
    surface::Damage character;
    character.surface = red_id;
    (void)character.rectangles.try_append(surface::SurfaceRectangle { 3, 2, 8, 16 });
    TRY(first.call(character));
    done = TRY(first.call(surface::Frame {}));
    EXPECT_IN_TASK(done.composed_pixels == 8 * 16);
    EXPECT_IN_TASK(screen_at(3, 2) == white && screen_at(10, 17) == white && screen_at(11, 17) == 0xff0000);
    auto presented = s_device->last_damage();
    EXPECT_IN_TASK(presented.x == 3 && presented.y == 2 && presented.width == 8 && presented.height == 16);

    /* The second session attacks the first's surface: refused, nothing changes. */
    EXPECT_IN_TASK(refused(second.call(surface::Destroy { red_id }), SurfaceError::UnknownSurface));
    EXPECT_IN_TASK(refused(second.call(surface::Move { red_id, 70, 50 }), SurfaceError::UnknownSurface));
    EXPECT_IN_TASK(refused(second.call(surface::Focus { red_id }), SurfaceError::UnknownSurface));
    surface::Damage outside;
    outside.surface = green_id;
    (void)outside.rectangles.try_append(surface::SurfaceRectangle { 0xfffffff0u, 0, 0x20, 1 });
    EXPECT_IN_TASK(refused(second.call(outside), SurfaceError::OutsideSurface));
    /* Malformed bytes on its session get an error reply, and the session goes on. */
    u8 garbage[12] = { 0x03, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff };
    TRY(second.connection()->send(std::span<u8 const>(garbage, sizeof(garbage)), deadline_after(Duration::from_seconds(5))));
    u8 answer[64];
    auto received = TRY(second.connection()->receive(answer, deadline_after(Duration::from_seconds(5))));
    auto envelope = TRY(protocol::read_envelope(std::span<u8 const>(answer, received.length)));
    EXPECT_IN_TASK(envelope.status == (protocol::status_general | u16(ErrorCode::MalformedMessage)));

    /* Two frame requests at once on one session: the second is busy at once, the first answered after a frame
       (the session's earlier changes claimed first, so the first request waits for a frame). */
    TRY(second.call(surface::Frame {}));
    u8 frame_request[protocol::envelope_size];
    for (u32 call_id : { 9001u, 9002u }) {
        usize length = TRY(protocol::encode_request<surface::Protocol>(surface::Frame {}, call_id, frame_request));
        TRY(second.connection()->send(std::span<u8 const>(frame_request, length), deadline_after(Duration::from_seconds(5))));
    }
    TRY(first.call(surface::Move { red_id, 0, 1 })); /* damage from the other session, so a frame comes */
    bool busy_seen = false, frame_seen = false;
    for (int replies = 0; replies < 8 && !(busy_seen && frame_seen); ++replies) {
        auto reply = TRY(second.connection()->receive(answer, deadline_after(Duration::from_seconds(5))));
        auto header = TRY(protocol::read_envelope(std::span<u8 const>(answer, reply.length)));
        busy_seen |= header.call_id == 9002 && header.status == u16(SurfaceError::Busy);
        frame_seen |= header.call_id == 9001 && header.status == protocol::status_success;
        EXPECT_IN_TASK(!(header.call_id == 9002 && frame_seen && !busy_seen)); /* busy came first */
    }
    EXPECT_IN_TASK(busy_seen && frame_seen);

    /* Frames are paced: two answered frames lie at least the interval (1 ms) apart. */
    TRY(first.call(surface::Move { red_id, 0, 1 }));
    auto earlier = TRY(first.call(surface::Frame {}));
    TRY(first.call(surface::Move { red_id, 0, 0 }));
    auto later = TRY(first.call(surface::Frame {}));
    EXPECT_IN_TASK(later.frame > earlier.frame && later.presented_ns - earlier.presented_ns >= 1'000'000);

    /* Focus: each session sees only its own. */
    TRY(first.call(surface::Focus { red_id }));
    EXPECT_IN_TASK(TRY(first.call(surface::ReadState {})).focused == red_id);
    auto state = TRY(second.call(surface::ReadState {}));
    EXPECT_IN_TASK(state.focused == 0 && state.surfaces == 1 && state.display_width == 96 && state.display_height == 64);

    /* A change composed before its frame request arrives: the request is answered at once with the frame
       that presented it, never with a later empty one; a frame request with no change since waits for the
       next frame (pacing). */
    TRY(first.call(surface::Move { red_id, 1, 1 }));
    constexpr SignalBit pause_bit { 9 };
    for (int tries = 0; tries < 2000 && screen_at(0, 0) != compositord::background_colour; ++tries)
        (void)endpoint::wait_until(pause_bit.mask(), endpoint::now_nanoseconds() + 1'000'000, pause_bit);
    EXPECT_IN_TASK(screen_at(0, 0) == compositord::background_colour && screen_at(1, 1) == 0xff0000);
    auto moved = TRY(first.call(surface::Frame {}));
    EXPECT_IN_TASK(moved.composed_pixels > 0);
    auto paced = TRY(first.call(surface::Frame {}));
    EXPECT_IN_TASK(paced.frame > moved.frame && paced.composed_pixels == 0);

    /* The first session keeps being composed after all that. */
    TRY(first.call(surface::Move { red_id, 2, 2 }));
    TRY(first.call(surface::Frame {}));
    EXPECT_IN_TASK(screen_at(0, 0) == compositord::background_colour && screen_at(2, 2) == 0xff0000);
    EXPECT_IN_TASK(s_device->presents() > 4);
    return 0;
}


/* The display changes mode under compositord: the next frame after it composes the whole new screen. */
ErrorOr<i32> mode_change_client(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto resize = TRY(bundle.take<SignalCap>("resize"));
    auto client = TRY(open_session_client<surface::Protocol>(memory, requests, replies));
    auto pixels = TRY(painted(memory, 10, 10, 0x123456));
    auto id = TRY(client.call_lending(surface::Create { 0, 0, 10, 10, 40 }, pixels, RightRead)).surface;
    TRY(client.call(surface::Frame {}));
    EXPECT_IN_TASK(TRY(client.call(surface::ReadState {})).display_width == 32);
    TRY(system::raise(resize));
    bool whole = false;
    for (int tries = 0; tries < 20 && !whole; ++tries) {
        TRY(client.call(surface::Move { id, tries % 2, 0 }));
        auto done = TRY(client.call(surface::Frame {}));
        whole = done.composed_pixels == 48 * 24;
    }
    EXPECT_IN_TASK(whole);
    auto state = TRY(client.call(surface::ReadState {}));
    EXPECT_IN_TASK(state.display_width == 48 && state.display_height == 24);
    /* Damage keeps being composed into the new framebuffer: a small move composes only its boxes. */
    TRY(client.call(surface::Move { id, 5, 5 }));
    auto done = TRY(client.call(surface::Frame {}));
    EXPECT_IN_TASK(done.composed_pixels > 0 && done.composed_pixels < 48 * 24);
    return 0;
}

/* compositord's loop over `display` (a display server spawned by the caller), a client Task per
   entry run to its end in turn; then both loops ended and everything reaped. */
void run_compositord(Arena& arena, CapabilitySpace& parent, DisplayServer& display, std::initializer_list<TaskEntry> entries)
{
    auto& executor = Executor::current();
    auto listener = make_listener(arena.reticle(), parent);
    Reticle* service_memory = arena.reticle().try_carve(256 * KiB).value();
    auto memory = parent.mint<CapabilityClass::Reticle>(service_memory, all_rights).release_value();
    Task* serving = executor.spawn(arena.reticle(), { "compositord", compositord_task, 128 * KiB }).value();
    REQUIRE(grant_service(*serving, parent, listener, memory));
    REQUIRE_FALSE(serving->bundle().grant("display_requests", parent, display.listener.requests, RightSend).is_error());
    REQUIRE_FALSE(serving->bundle().grant("display_replies", parent, display.listener.replies, RightReceive).is_error());

    std::vector<Reticle*> memories;
    for (TaskEntry entry : entries) {
        Reticle* client_memory = arena.reticle().try_carve(1 * MiB).value();
        memories.push_back(client_memory);
        auto donations = parent.mint<CapabilityClass::Reticle>(client_memory, all_rights).release_value();
        Task* task = executor.spawn(arena.reticle(), { "client", entry, 128 * KiB }).value();
        REQUIRE(grant_client(*task, parent, listener, donations));
        if (display.task && entry == mode_change_client)
            grant_resize(*task, parent, *display.task);
        task_failure().clear();
        i32 status = executor.run_until_exit(*task).value();
        INFO(task_failure());
        INFO("client error: " << task->exit_error().name() << " " << (task->exit_error().message() ? task->exit_error().message() : ""));
        CHECK(task->exit_cause() == ExitCause::Returned);
        CHECK(status == 0);
    }
    listener.requests_ring->reset();
    REQUIRE(executor.run_until_exit(*serving).value() == 1);
    REQUIRE(serving->exit_error().code() == ErrorCode::PeerRestarted);
    /* compositord presented through the display server: it was serving until now. */
    end_display_server(display);
    while (Task* waiting = executor.tasks())
        REQUIRE_FALSE(executor.reap(*waiting).is_error());
    for (Reticle* client_memory : memories)
        client_memory->~Reticle();
    service_memory->~Reticle();
    display.memory->~Reticle();
    (void)parent.clear();
}

}

TEST_CASE("compositord's loop composes clients' surfaces onto the display, answers frames and refuses attacks", "[compositord]")
{
    Arena arena(16 * MiB);
    CapabilitySpace parent(allocate_space_id());
    s_device = make_display_device(arena, test_mode);
    auto display = spawn_display_server(arena, parent, displayd_task, s_device);
    run_compositord(arena, parent, display, { vanishing_client, clients });
}

TEST_CASE("compositord follows a mode change of its display: asks again and composes the whole new screen", "[compositord]")
{
    Arena arena(16 * MiB);
    CapabilitySpace parent(allocate_space_id());
    auto display = spawn_display_server(arena, parent, resizing_display_task, nullptr);
    run_compositord(arena, parent, display, { mode_change_client });
}
