/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What the fs client and session tests share: a listener's two Rings, a service Task's start
 * (its memory and listener taken, vfsd's state made), the grants a client Task needs (a listener
 * and memory to donate), and an expectation that ends a Task with its failing condition.
 */

#pragma once

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <string>
#include <vectra/Bundle.h>

#include <vectra/Session.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/Try.h>
#include <vectra/fs/Client.h>
#include <vectra/kernel/Executor.h>
#include <vfsd/Server.h>

namespace vectra::test {

/* The condition a Task's EXPECT_IN_TASK failed on; the test prints it after the Task ends. */
inline std::string& task_failure()
{
    static std::string failure;
    return failure;
}

#define EXPECT_IN_TASK(condition)                           \
    do {                                                    \
        if (!(condition)) {                                 \
            ::vectra::test::task_failure() = #condition;    \
            return 1;                                       \
        }                                                   \
    } while (0)

/* A service's listener, as initd would create it: both Rings, their original capabilities in `owner`. */
struct Listener {
    Ring* requests_ring;
    Ring* replies_ring;
    RingCap requests;
    RingCap replies;
};

inline Listener make_listener(Reticle& arena, CapabilitySpace& owner)
{
    using session::Protocol;
    Ring* requests = Ring::try_create(arena, Protocol::slot_count, Protocol::slot_size, session::schema_id).value();
    Ring* replies = Ring::try_create(arena, Protocol::slot_count, Protocol::slot_size, session::schema_id).value();
    return { requests, replies, owner.mint<CapabilityClass::Ring>(requests, all_rights).release_value(),
        owner.mint<CapabilityClass::Ring>(replies, all_rights).release_value() };
}

/* A service Task's Bundle: "memory" (retype) and the listener's service side. */
inline bool grant_service(Task& task, CapabilitySpace& owner, Listener const& listener, ReticleCap const& memory)
{
    return !task.bundle().grant("memory", owner, memory, RightRetype).is_error()
        && !task.bundle().grant("requests", owner, listener.requests, RightReceive).is_error()
        && !task.bundle().grant("replies", owner, listener.replies, RightSend).is_error();
}

/* A client Task's Bundle: the listener's client side, and "memory" its sessions are donated from. */
inline bool grant_client(Task& task, CapabilitySpace& owner, Listener const& listener, ReticleCap const& memory)
{
    return !task.bundle().grant("memory", owner, memory, RightRetype).is_error()
        && !task.bundle().grant("requests", owner, listener.requests, RightSend).is_error()
        && !task.bundle().grant("replies", owner, listener.replies, RightReceive).is_error();
}

/* vfsd's start inside a test service Task: its state made in "memory", the listener kept for serving. */
struct ServedFilesystem {
    vfs::Service service;
    RingCap requests;
    RingCap replies;
};

inline ErrorOr<ServedFilesystem> start_server(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto placed = TRY(endpoint::memory(memory, vfs::service_bytes(32, 64)));
    auto service = TRY(vfs::create_service(placed, 32, 64));
    return ServedFilesystem { service, std::move(requests), std::move(replies) };
}

/* Memory and stacks for run_server_and_client(). */
struct ServerAndClientSizes {
    usize arena;
    usize server_memory;
    usize client_memory;
    usize server_stack;
    usize client_stack;
};

/* What a test grants the two Tasks beyond the listener and their memory (run_server_and_client). */
using GrantBoth = void (*)(Task& server, Task& client, CapabilitySpace& parent);

/*
 * Runs `client` as a Task against `server` (a service Task serving a session listener), over a
 * real listener and real session Rings, until the client ends; requires that it returned 0
 * (printing its failure otherwise), then ends the server by resetting its listener and reaps
 * both. Returns the error the server ended with. `grant_more`, when given, grants both Tasks
 * more before they run.
 */
inline Error run_server_and_client(TaskEntry server, TaskEntry client, ServerAndClientSizes sizes, GrantBoth grant_more = nullptr)
{
    test::Arena arena(sizes.arena);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    auto listener = make_listener(arena.reticle(), parent);
    Reticle* server_memory = arena.reticle().try_carve(sizes.server_memory).value();
    Reticle* client_memory = arena.reticle().try_carve(sizes.client_memory).value();
    auto memory = parent.mint<CapabilityClass::Reticle>(server_memory, all_rights).release_value();
    auto donations = parent.mint<CapabilityClass::Reticle>(client_memory, all_rights).release_value();

    SpawnParameters server_parameters { "server", server };
    server_parameters.stack_size = sizes.server_stack;
    Task* serving = executor.spawn(arena.reticle(), server_parameters).value();
    REQUIRE(grant_service(*serving, parent, listener, memory));
    SpawnParameters client_parameters { "client", client };
    client_parameters.stack_size = sizes.client_stack;
    Task* using_server = executor.spawn(arena.reticle(), client_parameters).value();
    REQUIRE(grant_client(*using_server, parent, listener, donations));
    if (grant_more)
        grant_more(*serving, *using_server, parent);

    task_failure().clear();
    i32 status = executor.run_until_exit(*using_server).value();
    INFO(task_failure());
    Error exit_error = using_server->exit_error();
    INFO("client error: " << exit_error.name() << " " << (exit_error.message() ? exit_error.message() : ""));
    REQUIRE(using_server->exit_cause() == ExitCause::Returned);
    REQUIRE(status == 0);
    /* Resetting the listener ends the server's loop with PeerRestarted: it was serving until now. */
    listener.requests_ring->reset();
    REQUIRE(executor.run_until_exit(*serving).value() == 1);
    Error server_exit = serving->exit_error();
    while (Task* task = executor.tasks())
        REQUIRE_FALSE(executor.reap(*task).is_error());
    client_memory->~Reticle();
    server_memory->~Reticle();
    return server_exit;
}

/*
 * A client of P on a session of its own, opened through the listener ends a Task holds (copies
 * keeping send and receive), its pool carved from `memory`: how several sessions of one Task open.
 */
template<typename P>
inline ErrorOr<session::SessionClient<P>> open_session_client(ReticleCap const& memory, RingCap const& requests, RingCap const& replies)
{
    auto pool = TRY(endpoint::carve(memory, session::pool_size<P>()));
    auto listen_requests = TRY(system::attenuate(requests, RightSend));
    auto listen_replies = TRY(system::attenuate(replies, RightReceive));
    return session::SessionClient<P>::open(std::move(listen_requests), std::move(listen_replies), std::move(pool));
}

/* A vfs client of the session the Task's Bundle lets it open. */
inline ErrorOr<vfs::Client> open_client(Bundle& bundle)
{
    return vfs::Client::open(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        TRY(bundle.take<ReticleCap>("memory")));
}

}
