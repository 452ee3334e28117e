/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What tests of vectra.display's loop share: the display servers as Task entries — displayd's
 * (DeviceBackend over a display device) and one over ResizingBackend — and their set-up.
 */

#pragma once

#include "../TestSupport.h"
#include "../core/FsTestTasks.h"
#include "DisplayTestBackend.h"
#include <vectra/display/DeviceBackend.h>
#include <vectra/kernel/Display.h>
#include <vectra/kernel/Executor.h>

namespace vectra::test {

/* displayd's loop over the display device its Bundle names ("display"). */
inline ErrorOr<i32> displayd_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto backend = TRY(display::DeviceBackend::open(TRY(bundle.take<DisplayCap>("display"))));
    TRY(display::run(memory, backend, std::move(requests), std::move(replies), {}, nullptr));
    return 0;
}

/* The loop over a ResizingBackend of 32 x 16 pixels. */
inline ErrorOr<i32> resizing_display_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    ResizingBackend backend(memory, DisplayMode { 32, 16, 32 * 4, PixelFormat::Xrgb8888 });
    TRY(backend.allocate());
    TRY(display::run(memory, backend, std::move(requests), std::move(replies), {}, nullptr));
    return 0;
}

/* The pixel at (x, y) of a display device's framebuffer of `mode`. */
inline u32 pixel_at(DisplayDevice& device, DisplayMode const& mode, u32 x, u32 y)
{
    u32 value;
    __builtin_memcpy(&value, device.framebuffer().bytes().data() + usize(y) * mode.stride + usize(x) * 4, 4);
    return value;
}

/* A display device of `mode` whose framebuffer is retyped from `arena`. */
inline DisplayDevice* make_display_device(Arena& arena, DisplayMode const& mode)
{
    usize framebuffer_size = align_up(mode.size(), MemoryObject::page_granule);
    auto* framebuffer
        = static_cast<u8*>(arena.reticle().try_retype(framebuffer_size, MemoryObject::page_granule).release_value());
    return arena.reticle().try_create<DisplayDevice>(&arena.reticle(), framebuffer, mode).release_value();
}

/* A display server Task (`entry`) spawned with its listener and memory; `display` granted when given. */
struct DisplayServer {
    Task* task { nullptr };
    Listener listener;
    Reticle* memory { nullptr };
};

inline DisplayServer spawn_display_server(Arena& arena, CapabilitySpace& parent, TaskEntry entry, DisplayDevice* device,
    Rights display_rights = RightRead | RightWrite | RightGrant)
{
    DisplayServer server { nullptr, make_listener(arena.reticle(), parent),
        arena.reticle().try_carve(256 * KiB).value() };
    auto memory = parent.mint<CapabilityClass::Reticle>(server.memory, all_rights).release_value();
    server.task = Executor::current().spawn(arena.reticle(), { "display-server", entry, 128 * KiB }).value();
    VERIFY(grant_service(*server.task, parent, server.listener, memory));
    if (device) {
        auto display = parent.mint<CapabilityClass::Device>(device, all_rights).release_value();
        VERIFY(!server.task->bundle().grant("display", parent, display, display_rights).is_error());
    }
    return server;
}

/* A SignalCap (raise) on the resizing server's resize bit, granted to `task` as "resize". */
inline void grant_resize(Task& task, CapabilitySpace& parent, Task& server)
{
    auto resize = parent.mint<CapabilityClass::Signal>(&server.signals(), RightRaise | RightGrant, resize_bit.index())
                      .release_value();
    VERIFY(!task.bundle().grant("resize", parent, resize, RightRaise).is_error());
}

/* Ends a display server's loop by resetting its listener (PeerRestarted: it was serving until then). */
inline void end_display_server(DisplayServer& server)
{
    server.listener.requests_ring->reset();
    VERIFY(Executor::current().run_until_exit(*server.task).value() == 1);
    VERIFY(server.task->exit_error().code() == ErrorCode::PeerRestarted);
}

/*
 * The stage of a loop test over a screen (compositord's, notifyd's): an arena, the parent space the
 * test grants from, a display device of `mode` served by displayd's loop as a Task, memory minted
 * from the arena and Tasks spawned with one stack size. finish() ends the display server, reaps
 * every Task and clears the parent space.
 */
struct DisplayStage {
    DisplayStage(usize arena_size, DisplayMode const& mode, usize task_stack_size)
        : arena(arena_size)
        , device(make_display_device(arena, mode))
        , display(spawn_display_server(arena, parent, displayd_task, device))
        , stack_size(task_stack_size)
    {
    }

    [[nodiscard]] ReticleCap memory_of(usize size)
    {
        return parent.mint<CapabilityClass::Reticle>(arena.reticle().try_carve(size).value(), all_rights).release_value();
    }
    [[nodiscard]] Task* spawn(char const* name, TaskEntry entry)
    {
        return Executor::current().spawn(arena.reticle(), { name, entry, stack_size }).value();
    }
    /* Ends a service's loop by resetting its listener; why it ended (PeerRestarted: it was serving until then). */
    [[nodiscard]] ErrorCode end_service(Task& service, Listener& listener)
    {
        listener.requests_ring->reset();
        VERIFY(Executor::current().run_until_exit(service).value() == 1);
        return service.exit_error().code();
    }
    void finish()
    {
        end_display_server(display);
        while (Task* waiting = Executor::current().tasks())
            VERIFY(!Executor::current().reap(*waiting).is_error());
        (void)parent.clear();
    }

    Arena arena;
    CapabilitySpace parent { allocate_space_id() };
    DisplayDevice* device { nullptr };
    DisplayServer display;
    usize stack_size { 0 };
};

}
