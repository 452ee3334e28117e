/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.display's real loop (core/display) as a Task: over the kernel's display device
 * (DeviceBackend, what displayd runs; host tests have no window, the device counts presents),
 * with client Tasks on sessions — the mode, the framebuffer lent (the client's writes are the
 * device's memory: no copy), presents reaching the device — and as an attacker: presents outside
 * the mode, overflowing, empty or naming an old generation, a second session (busy for every
 * request until the holder's session ends), malformed bytes, the lent copy used after the holder
 * let go (revoked). Over a resizing backend: a mode change revokes the lent copy and moves the
 * generation on; the client asks again and draws into the new memory.
 */

#include "../TestSupport.h"
#include "../core/FsTestTasks.h"
#include "DisplayTestTasks.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/display/DeviceBackend.h>
#include <vectra/kernel/Display.h>
#include <vectra/kernel/Executor.h>

using namespace vectra;
using namespace vectra::test;
using display::DisplayError;
using DisplayClient = session::SessionClient<display::Protocol>;

namespace {

constexpr DisplayMode test_mode { 96, 64, 96 * 4 + 64, PixelFormat::Xrgb8888 };

DisplayDevice* s_device { nullptr };

template<typename T>
bool refused(ErrorOr<T> const& result, DisplayError code)
{
    return result.is_error() && result.error().is(code);
}

/* The framebuffer lent to `client`, as a MemCap of this Task. */
ErrorOr<MemCap> lent_framebuffer(DisplayClient& client)
{
    auto lent = TRY(client.call_receiving(display::LendFramebuffer {}));
    return TRY(endpoint::lent_memory(lent.capability, true)).memory;
}

ErrorOr<i32> clients(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto holder = TRY(open_session_client<display::Protocol>(memory, requests, replies));
    auto other = TRY(open_session_client<display::Protocol>(memory, requests, replies));

    auto mode = TRY(holder.call(display::ReadMode {}));
    EXPECT_IN_TASK(mode.width == 96 && mode.height == 64 && mode.stride == test_mode.stride && mode.format == 1);
    EXPECT_IN_TASK(mode.generation == 1);

    /* The lent memory is the device's: what the client writes is what the display holds. */
    auto lent = TRY(holder.call_receiving(display::LendFramebuffer {}));
    EXPECT_IN_TASK(lent.reply.generation == 1 && lent.reply.size == test_mode.size());
    auto framebuffer = TRY(endpoint::lent_memory(lent.capability, true)).memory;
    auto described = TRY(system::describe(framebuffer));
    EXPECT_IN_TASK(described.rights == (RightRead | RightWrite)); /* no grant, no revoke: it cannot be passed on */
    auto pixels = TRY(system::map_memory(framebuffer));
    u32 colour = 0x00c0ffee;
    memcpy(pixels.data() + 5 * test_mode.stride + 7 * 4, &colour, 4);
    u32 on_device;
    memcpy(&on_device, s_device->framebuffer().bytes().data() + 5 * test_mode.stride + 7 * 4, 4);
    EXPECT_IN_TASK(on_device == colour);

    auto presented = TRY(holder.call(display::Present { 1, 3, 2, 8, 16 }));
    EXPECT_IN_TASK(presented.presents == 1 && presented.presented_pixels == 128);
    auto damage = s_device->last_damage();
    EXPECT_IN_TASK(damage.x == 3 && damage.y == 2 && damage.width == 8 && damage.height == 16);
    EXPECT_IN_TASK(s_device->presents() == 1);

    /* Presents outside the mode, overflowing, empty, or for another generation: refused, the device untouched. */
    EXPECT_IN_TASK(refused(holder.call(display::Present { 1, 90, 0, 7, 1 }), DisplayError::OutsideMode));
    EXPECT_IN_TASK(refused(holder.call(display::Present { 1, 0, 60, 1, 5 }), DisplayError::OutsideMode));
    EXPECT_IN_TASK(refused(holder.call(display::Present { 1, 0xfffffff0u, 0, 0x20, 1 }), DisplayError::OutsideMode));
    EXPECT_IN_TASK(refused(holder.call(display::Present { 1, 0, 0xffffffffu, 1, 2 }), DisplayError::OutsideMode));
    EXPECT_IN_TASK(refused(holder.call(display::Present { 1, 0, 0, 0, 4 }), DisplayError::OutsideMode));
    EXPECT_IN_TASK(refused(holder.call(display::Present { 2, 0, 0, 1, 1 }), DisplayError::ModeChanged));
    EXPECT_IN_TASK(refused(holder.call(display::Present { 0, 0, 0, 1, 1 }), DisplayError::ModeChanged));
    EXPECT_IN_TASK(s_device->presents() == 1);

    /* A second session: busy for everything while the first holds the display. */
    EXPECT_IN_TASK(refused(other.call(display::ReadMode {}), DisplayError::Busy));
    EXPECT_IN_TASK(refused(other.call_receiving(display::LendFramebuffer {}), DisplayError::Busy));
    EXPECT_IN_TASK(refused(other.call(display::Present { 1, 0, 0, 1, 1 }), DisplayError::Busy));
    EXPECT_IN_TASK(s_device->presents() == 1);

    /* Malformed bytes get an error reply; the holder's session goes on. */
    u8 garbage[12] = { 0x03, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff };
    TRY(holder.connection()->send(
        std::span<u8 const>(garbage, sizeof(garbage)), deadline_after(Duration::from_seconds(5))));
    u8 answer[64];
    auto received = TRY(holder.connection()->receive(answer, deadline_after(Duration::from_seconds(5))));
    auto envelope = TRY(protocol::read_envelope(std::span<u8 const>(answer, received.length)));
    EXPECT_IN_TASK(envelope.status == (protocol::status_general | u16(ErrorCode::MalformedMessage)));
    TRY(holder.call(display::Present { 1, 0, 0, 96, 64 }));
    EXPECT_IN_TASK(s_device->presents() == 2);

    /* The holder lets go: its lent copy is revoked (it cannot draw on), and the other session holds the display. */
    holder.close();
    bool taken = false;
    for (int tries = 0; tries < 100 && !taken; ++tries) {
        auto asked = other.call(display::ReadMode {});
        taken = !asked.is_error();
        if (!taken && !asked.error().is(DisplayError::Busy))
            return asked.release_error();
        if (!taken)
            endpoint::yield();
    }
    EXPECT_IN_TASK(taken);
    EXPECT_IN_TASK(system::map_memory(framebuffer).is_error());
    auto second_framebuffer = TRY(lent_framebuffer(other));
    EXPECT_IN_TASK(TRY(system::map_memory(second_framebuffer)).size() >= test_mode.size());
    auto second_presented = TRY(other.call(display::Present { 1, 95, 63, 1, 1 }));
    EXPECT_IN_TASK(second_presented.presents == 3 && second_presented.presented_pixels == 128 + 96 * 64 + 1);
    return 0;
}

ErrorOr<i32> resizing_client(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto resize = TRY(bundle.take<SignalCap>("resize"));
    auto client = TRY(open_session_client<display::Protocol>(memory, requests, replies));
    auto mode = TRY(client.call(display::ReadMode {}));
    EXPECT_IN_TASK(mode.width == 32 && mode.height == 16 && mode.generation == 1);
    auto old_framebuffer = TRY(lent_framebuffer(client));
    TRY(client.call(display::Present { 1, 0, 0, 32, 16 }));

    /* The display changes mode: the old copy goes, a present for the old generation is mode-changed. */
    TRY(system::raise(resize));
    bool changed = false;
    for (int tries = 0; tries < 100 && !changed; ++tries) {
        auto presented = client.call(display::Present { 1, 0, 0, 1, 1 });
        changed = refused(presented, DisplayError::ModeChanged);
        if (!changed && presented.is_error())
            return presented.release_error();
        if (!changed)
            endpoint::yield();
    }
    EXPECT_IN_TASK(changed);
    EXPECT_IN_TASK(system::map_memory(old_framebuffer).is_error());
    mode = TRY(client.call(display::ReadMode {}));
    EXPECT_IN_TASK(mode.width == 48 && mode.height == 24 && mode.stride == 48 * 4 && mode.generation == 2);
    auto lent = TRY(client.call_receiving(display::LendFramebuffer {}));
    EXPECT_IN_TASK(lent.reply.generation == 2 && lent.reply.size == 48 * 4 * 24);
    auto framebuffer = TRY(endpoint::lent_memory(lent.capability, true)).memory;
    EXPECT_IN_TASK(TRY(system::map_memory(framebuffer)).size() >= 48 * 4 * 24);
    /* The new mode's bounds hold: its last pixel is inside, one past is not. */
    TRY(client.call(display::Present { 2, 47, 23, 1, 1 }));
    EXPECT_IN_TASK(refused(client.call(display::Present { 2, 48, 0, 1, 1 }), DisplayError::OutsideMode));
    return 0;
}

/* Runs `entry` as a client Task of `server` to its end, with 1 MiB for its sessions; `resize_from` grants it "resize".
 */
void run_client(Arena& arena, CapabilitySpace& parent, DisplayServer const& server, TaskEntry entry,
    std::vector<Reticle*>& memories, Task* resize_from = nullptr)
{
    auto& executor = Executor::current();
    Reticle* client_memory = arena.reticle().try_carve(1 * MiB).value();
    memories.push_back(client_memory);
    auto donations = parent.mint<CapabilityClass::Reticle>(client_memory, all_rights).release_value();
    Task* task = executor.spawn(arena.reticle(), { "client", entry, 128 * KiB }).value();
    REQUIRE(grant_client(*task, parent, server.listener, donations));
    if (resize_from)
        grant_resize(*task, parent, *resize_from);
    task_failure().clear();
    i32 status = executor.run_until_exit(*task).value();
    INFO(task_failure());
    INFO("client error: " << task->exit_error().name() << " "
                          << (task->exit_error().message() ? task->exit_error().message() : ""));
    CHECK(task->exit_cause() == ExitCause::Returned);
    CHECK(status == 0);
}

/* The server's loop ended, every Task reaped, then the memories the sessions lived in let go. */
void finish(DisplayServer& server, CapabilitySpace& parent, std::vector<Reticle*> const& memories)
{
    end_display_server(server);
    while (Task* waiting = Executor::current().tasks())
        REQUIRE_FALSE(Executor::current().reap(*waiting).is_error());
    for (Reticle* client_memory : memories)
        client_memory->~Reticle();
    server.memory->~Reticle();
    (void)parent.clear();
}

}

TEST_CASE(
    "vectra.display over the kernel's display: one holder, the framebuffer lent, presents checked, attacks refused",
    "[display]")
{
    Arena arena(8 * MiB);
    CapabilitySpace parent(allocate_space_id());
    s_device = make_display_device(arena, test_mode);
    auto server = spawn_display_server(arena, parent, displayd_task, s_device);
    std::vector<Reticle*> memories;
    run_client(arena, parent, server, clients, memories);
    finish(server, parent, memories);
}

TEST_CASE("displayd refuses a display DeviceCap without grant: it could not lend the framebuffer", "[display]")
{
    Arena arena(2 * MiB);
    CapabilitySpace parent(allocate_space_id());
    s_device = make_display_device(arena, test_mode);
    auto server = spawn_display_server(arena, parent, displayd_task, s_device, RightRead | RightWrite);
    REQUIRE(Executor::current().run_until_exit(*server.task).value() == 1);
    CHECK(server.task->exit_error().code() == ErrorCode::MissingRight);
    while (Task* waiting = Executor::current().tasks())
        REQUIRE_FALSE(Executor::current().reap(*waiting).is_error());
    server.memory->~Reticle();
    (void)parent.clear();
}

TEST_CASE("vectra.display: a mode change revokes the lent framebuffer and moves the generation on", "[display]")
{
    Arena arena(8 * MiB);
    CapabilitySpace parent(allocate_space_id());
    auto server = spawn_display_server(arena, parent, resizing_display_task, nullptr);
    std::vector<Reticle*> memories;
    run_client(arena, parent, server, resizing_client, memories, server.task);
    finish(server, parent, memories);
}
