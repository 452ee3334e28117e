/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The fs client across a vfsd restart: the server Task crashes holding a request of a session,
 * a supervisor resets the listener and starts a new instance, and the client's next call opens
 * a new session with it.
 */

#include "../TestSupport.h"
#include "FsTestTasks.h"
#include <catch2/catch.hpp>
#include <new>
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

/* vfsd's session handler, ending its Task mid-request once it has taken `crash_on` requests. */
struct CrashingHandler : vfs::SessionHandler {
    using vfs::SessionHandler::SessionHandler;
    u32 handled { 0 };
    template<typename Request, typename... Capabilities>
        requires requires(vfs::SessionHandler& base, Request const& request, Capabilities&... capabilities) {
            base.handle(request, capabilities...);
        }
    auto handle(Request const& request, Capabilities&... capabilities)
    {
        if (++handled == s_crash_on_request)
            Executor::current().exit_current(3); /* gone with the request taken and no reply sent */
        return vfs::SessionHandler::handle(request, capabilities...);
    }
};

ErrorOr<i32> server(Bundle& bundle)
{
    auto served = TRY(test::start_server(bundle));
    /* One handler per session, as vfsd keeps them (too large for the Task's stack). */
    alignas(CrashingHandler) static u8 storage[sizeof(CrashingHandler) * vfs::session_limits.sessions];
    auto* handlers = reinterpret_cast<CrashingHandler*>(storage);
    for (usize index = 0; index < vfs::session_limits.sessions; ++index)
        new (handlers + index) CrashingHandler(*served.service.router);
    auto* table = TRY(session::Table::listen(*served.service.sessions, std::move(served.requests),
        std::move(served.replies), session::geometry_of<vfs::Protocol>(), vfs::session_limits));
    TRY(session::serve<vfs::Protocol>(*table, handlers));
    return 0;
}

constexpr SignalBit server_exit_bit { 7 };

Task* spawn_server(Reticle& arena, CapabilitySpace& space, ReticleCap const& memory, test::Listener const& listener,
    SignalMask* supervisor)
{
    SpawnParameters parameters { "server", server };
    parameters.stack_size = 64 * KiB;
    parameters.supervisor_mask = supervisor;
    parameters.exit_bit = server_exit_bit;
    Task* task = Executor::current().spawn(arena, parameters).value();
    return test::grant_service(*task, space, listener, memory) ? task : nullptr;
}

Task* spawn_client(Reticle& arena, CapabilitySpace& space, decltype(SpawnParameters::entry) entry,
    test::Listener const& listener, ReticleCap const& memory)
{
    SpawnParameters parameters { "client", entry };
    parameters.stack_size = 64 * KiB;
    Task* task = Executor::current().spawn(arena, parameters).value();
    return test::grant_client(*task, space, listener, memory) ? task : nullptr;
}

}

namespace {

/* What the restarting supervisor needs from the test: the Rings it owns and what a new server gets. */
struct Restart {
    test::Listener const* listener { nullptr };
    CapabilitySpace* space { nullptr };
    Reticle* arena { nullptr };
    ReticleCap const* memory_for_next { nullptr };
    Task* next_server { nullptr };
};
Restart s_restart;


/* As initd does when a service ends: reset the listener it served, start a new instance on it. */
ErrorOr<i32> restarter(Bundle&)
{
    (void)wait(server_exit_bit.mask());
    s_restart.listener->requests_ring->reset();
    s_restart.listener->replies_ring->reset();
    s_crash_on_request = 0;
    s_restart.next_server
        = spawn_server(*s_restart.arena, *s_restart.space, *s_restart.memory_for_next, *s_restart.listener, nullptr);
    return s_restart.next_server ? 0 : 1;
}

ErrorOr<i32> restarted_client(Bundle& bundle)
{
    auto fs = TRY(test::open_client(bundle));
    Path notes = TRY(Path::root().try_join("notes"));
    TRY(fs.create_directory(notes));
    /* The server takes this request and crashes before replying: the session's Rings go with it... */
    auto lost = fs.stat(notes);
    EXPECT_IN_TASK(lost.is_error() && (lost.error().is(ErrorCode::PeerClosed) || lost.error().is(ErrorCode::Revoked)));
    /* ...and the next call opens a session with the new instance, whose RAM filesystem is empty. */
    EXPECT_IN_TASK(fs.stat(notes).error().is(ErrorCode::NotFound));
    TRY(fs.create_directory(notes));
    EXPECT_IN_TASK(TRY(fs.stat(notes)).kind == vfs::NodeKind::Directory);
    return 0;
}

}

TEST_CASE("the fs client opens a new session when vfsd restarts in the middle of a request, and talks to the new instance")
{
    test::Arena arena(4 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    auto listener = test::make_listener(arena.reticle(), parent);
    Reticle* first_memory = arena.reticle().try_carve(512 * KiB).value();
    Reticle* second_memory = arena.reticle().try_carve(512 * KiB).value();
    Reticle* client_memory = arena.reticle().try_carve(512 * KiB).value();
    auto memory = parent.mint<CapabilityClass::Reticle>(first_memory, all_rights).release_value();
    auto memory_for_next = parent.mint<CapabilityClass::Reticle>(second_memory, all_rights).release_value();
    auto donations = parent.mint<CapabilityClass::Reticle>(client_memory, all_rights).release_value();
    s_restart = { &listener, &parent, &arena.reticle(), &memory_for_next, nullptr };

    Task* supervising = executor.spawn(arena.reticle(), { "restarter", restarter }).value();
    s_crash_on_request = 2;
    Task* first_server = spawn_server(arena.reticle(), parent, memory, listener, &supervising->signals());
    Task* using_fs = spawn_client(arena.reticle(), parent, restarted_client, listener, donations);
    REQUIRE((first_server && using_fs));

    test::task_failure().clear();
    i32 status = executor.run_until_exit(*using_fs).value();
    INFO(test::task_failure());
    REQUIRE(status == 0);
    REQUIRE(first_server->exit_status() == 3);
    REQUIRE(executor.run_until_exit(*supervising).value() == 0);
    REQUIRE(s_restart.next_server != nullptr);
    listener.requests_ring->reset();
    REQUIRE(executor.run_until_exit(*s_restart.next_server).value() == 1);
    while (Task* task = executor.tasks())
        REQUIRE_FALSE(executor.reap(*task).is_error());
    client_memory->~Reticle();
    first_memory->~Reticle();
    second_memory->~Reticle();
}
