/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The fs client across a vfsd restart: the server Task crashes holding a request, a supervisor
 * resets the Rings and starts a new instance, and the client re-binds (vfs::Client::rebind).
 */

#include "../TestSupport.h"
#include "FsTestTasks.h"
#include <catch2/catch.hpp>
#include <string>
#include <vectra/Bundle.h>
#include <vectra/kernel/Executor.h>
#include <vectra/Try.h>
#include <vectra/Service.h>
#include <vectra/fs/Client.h>
#include <vfsd/Server.h>

using namespace vectra;

namespace {

/* Requests a server instance answers before it crashes mid-request (0: never). Test-only. */
u32 s_crash_on_request = 0;

ErrorOr<i32> server(Bundle& bundle)
{
    auto served = TRY(test::start_server(bundle));
    auto* filesystem = served.filesystem;
    auto& inbox = served.inbox;
    auto& outbox = served.outbox;
    u8 request[vfs::ring_slot_size];
    u8 reply[vfs::ring_slot_size];
    u32 handled = 0;
    u32 crash_on = s_crash_on_request;
    TRY(serve(inbox, outbox, request, reply, [&](std::span<u8 const> message, std::span<u8> answer) {
        if (++handled == crash_on)
            Executor::current().exit_current(3); /* gone with the request taken and no reply sent */
        return vfs::handle_request(*filesystem, message, answer);
    }));
    return 0;
}

constexpr SignalBit server_exit_bit { 7 };

Task* spawn_server(Reticle& arena, CapabilitySpace& space, ReticleCap const& memory, RingCap const& requests,
    RingCap const& replies, SignalMask* supervisor)
{
    SpawnParameters parameters { "server", server };
    parameters.stack_size = 64 * KiB;
    parameters.supervisor_mask = supervisor;
    parameters.exit_bit = server_exit_bit;
    Task* task = Executor::current().spawn(arena, parameters).value();
    if (task->bundle().grant("memory", space, memory, RightRetype).is_error()
        || task->bundle().grant("requests", space, requests, RightReceive).is_error()
        || task->bundle().grant("replies", space, replies, RightSend).is_error())
        return nullptr;
    return task;
}

Task* spawn_client(Reticle& arena, CapabilitySpace& space, decltype(SpawnParameters::entry) entry,
    RingCap const& requests, RingCap const& replies)
{
    SpawnParameters parameters { "client", entry };
    parameters.stack_size = 64 * KiB;
    Task* task = Executor::current().spawn(arena, parameters).value();
    if (task->bundle().grant("requests", space, requests, RightSend).is_error()
        || task->bundle().grant("replies", space, replies, RightReceive).is_error())
        return nullptr;
    return task;
}

}

namespace {

/* What the restarting supervisor needs from the test: the Rings it owns and what a new server gets. */
struct Restart {
    Ring* request_ring { nullptr };
    Ring* reply_ring { nullptr };
    CapabilitySpace* space { nullptr };
    Reticle* arena { nullptr };
    RingCap const* requests { nullptr };
    RingCap const* replies { nullptr };
    ReticleCap const* memory_for_next { nullptr };
    Task* next_server { nullptr };
};
Restart s_restart;


/* As initd does when a service ends: reset the Rings it served, start a new instance on them. */
ErrorOr<i32> restarter(Bundle&)
{
    (void)wait(server_exit_bit.mask());
    s_restart.request_ring->reset();
    s_restart.reply_ring->reset();
    s_crash_on_request = 0;
    s_restart.next_server = spawn_server(*s_restart.arena, *s_restart.space, *s_restart.memory_for_next,
        *s_restart.requests, *s_restart.replies, nullptr);
    return s_restart.next_server ? 0 : 1;
}

ErrorOr<i32> restarted_client(Bundle& bundle)
{
    auto fs = TRY(vfs::Client::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies"))));
    Path notes = TRY(Path::root().try_join("notes"));
    TRY(fs.create_directory(notes));
    /* The server takes this request and crashes before replying: the call reports the restart... */
    EXPECT_IN_TASK(fs.stat(notes).error().code() == ErrorCode::PeerRestarted);
    /* ...and the client has re-bound: the next call reaches the new instance, whose RAM filesystem is empty. */
    EXPECT_IN_TASK(fs.stat(notes).error().code() == ErrorCode::NotFound);
    TRY(fs.create_directory(notes));
    EXPECT_IN_TASK(TRY(fs.stat(notes)).kind == vfs::NodeKind::Directory);
    return 0;
}

}

TEST_CASE("the fs client re-binds when vfsd restarts in the middle of a request, and talks to the new instance")
{
    test::Arena arena(4 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    Ring* request_ring = Ring::try_create(arena.reticle(), vfs::ring_slot_count, vfs::ring_slot_size, vfs::schema_id).value();
    Ring* reply_ring = Ring::try_create(arena.reticle(), vfs::ring_slot_count, vfs::ring_slot_size, vfs::schema_id).value();
    auto requests = parent.mint<CapabilityClass::Ring>(request_ring, all_rights).release_value();
    auto replies = parent.mint<CapabilityClass::Ring>(reply_ring, all_rights).release_value();
    Reticle* first_memory = arena.reticle().try_carve(512 * KiB).value();
    Reticle* second_memory = arena.reticle().try_carve(512 * KiB).value();
    auto memory = parent.mint<CapabilityClass::Reticle>(first_memory, all_rights).release_value();
    auto memory_for_next = parent.mint<CapabilityClass::Reticle>(second_memory, all_rights).release_value();
    s_restart = { request_ring, reply_ring, &parent, &arena.reticle(), &requests, &replies, &memory_for_next, nullptr };

    Task* supervising = executor.spawn(arena.reticle(), { "restarter", restarter }).value();
    s_crash_on_request = 2;
    Task* first_server = spawn_server(arena.reticle(), parent, memory, requests, replies, &supervising->signals());
    Task* using_fs = spawn_client(arena.reticle(), parent, restarted_client, requests, replies);
    REQUIRE((first_server && using_fs));

    test::task_failure().clear();
    i32 status = executor.run_until_exit(*using_fs).value();
    INFO(test::task_failure());
    REQUIRE(status == 0);
    REQUIRE(first_server->exit_status() == 3);
    REQUIRE(executor.run_until_exit(*supervising).value() == 0);
    REQUIRE(s_restart.next_server != nullptr);
    request_ring->reset();
    REQUIRE(executor.run_until_exit(*s_restart.next_server).value() == 1);
    while (Task* task = executor.tasks())
        REQUIRE_FALSE(executor.reap(*task).is_error());
    first_memory->~Reticle();
    second_memory->~Reticle();
}
