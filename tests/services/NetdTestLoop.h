/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's loop as a Task for the tests that talk to it over real Rings (the loop test, the socket
 * client's test): netd started on a test listener, client Tasks each with memory of their own,
 * run until every client ended; then no session may hold a socket or a waiting request, and
 * resetting the listener ends netd.
 */

#pragma once

#include "../TestSupport.h"
#include "../core/FsTestTasks.h"
#include "NetdTestStack.h"
#include <catch2/catch.hpp>
#include <functional>
#include <initializer_list>
#include <netd/Server.h>
#include <vector>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/Executor.h>
#include <vectra/net/SocketClient.h>

namespace vectra::test {

/* Sleeps the calling Task (a client of these tests) for `nanoseconds`, on a bit nothing else raises. */
inline void sleep_in_task(u64 nanoseconds)
{
    (void)system::wait_until(0, system::monotonic_nanoseconds() + nanoseconds, SignalBit(20));
}

inline netd::Server*& netd_server()
{
    static netd::Server* server { nullptr };
    return server;
}

inline ErrorOr<i32> netd_service(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    TRY(bundle.take<ReticleCap>("memory"));
    TRY(start_netd_stack());
    static netd::Server* server = new netd::Server();
    netd_server() = server;
    TRY(server->serve(std::move(requests), std::move(replies)));
    return 0;
}

/* A client Task's SocketClient over the listener its Bundle holds ("memory", "requests", "replies"). */
inline ErrorOr<net::SocketClient> open_socket_client(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    return net::SocketClient::open(std::move(requests), std::move(replies), memory);
}

template<typename Result>
bool failed_with(Result const& result, net::SocketError code)
{
    return result.is_error() && result.error().is(code);
}

inline ErrorOr<i32> settle_netd(Bundle&)
{
    for (int turn = 0; turn < 8; ++turn)
        Executor::current().yield();
    return 0;
}

/* Runs `tasks` until each exits; each must return 0. */
inline void run_clients(std::vector<Task*> const& tasks)
{
    auto& executor = Executor::current();
    task_failure().clear();
    for (Task* task : tasks) {
        i32 status = executor.run_until_exit(*task).value();
        INFO(task_failure());
        INFO("client error: " << task->exit_error().name() << " "
                              << (task->exit_error().message() ? task->exit_error().message() : ""));
        CHECK(task->exit_cause() == ExitCause::Returned);
        CHECK(status == 0);
    }
}

/* What a test's netd Task is granted besides its memory and the listener (the host backend's host-sockets capability). */
using GrantMore = std::function<void(Task&, CapabilitySpace&, Reticle&)>;

/*
 * Runs `service` (a netd loop) as a Task and `clients` (1 MiB of memory each), until every client
 * ended; then stops netd.
 */
inline void run_with_netd(
    TaskEntry service, GrantMore const& grant_more, std::initializer_list<TaskEntry> clients, usize client_stack)
{
    Arena arena(16 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    auto listener = make_listener(arena.reticle(), parent);
    Reticle* service_memory = arena.reticle().try_carve(64 * KiB).value();
    auto memory = parent.mint<CapabilityClass::Reticle>(service_memory, all_rights).release_value();
    SpawnParameters service_parameters { "netd", service };
    service_parameters.stack_size = 128 * KiB;
    Task* serving = executor.spawn(arena.reticle(), service_parameters).value();
    REQUIRE(grant_service(*serving, parent, listener, memory));
    if (grant_more)
        grant_more(*serving, parent, arena.reticle());
    std::vector<Reticle*> memories;
    std::vector<Task*> tasks;
    for (auto entry : clients) {
        Reticle* client_memory = arena.reticle().try_carve(1 * MiB).value();
        memories.push_back(client_memory);
        auto donations = parent.mint<CapabilityClass::Reticle>(client_memory, all_rights).release_value();
        SpawnParameters parameters { "client", entry };
        parameters.stack_size = client_stack;
        Task* task = executor.spawn(arena.reticle(), parameters).value();
        REQUIRE(grant_client(*task, parent, listener, donations));
        tasks.push_back(task);
    }
    run_clients(tasks);
    Task* settling = executor.spawn(arena.reticle(), { "settle", settle_netd }).value();
    REQUIRE(executor.run_until_exit(*settling).value() == 0);
    for (usize index = 0; index < netd::maximum_sessions; ++index) {
        CHECK(netd_server()->waiting(index).count() == 0);
        CHECK(netd_server()->session(index).socket_count() == 0);
    }
    listener.requests_ring->reset();
    REQUIRE(executor.run_until_exit(*serving).value() == 1);
    REQUIRE(serving->exit_error().code() == ErrorCode::PeerRestarted);
    while (Task* waiting = executor.tasks())
        REQUIRE_FALSE(executor.reap(*waiting).is_error());
    for (Reticle* client_memory : memories)
        client_memory->~Reticle();
    service_memory->~Reticle();
}

/* As above, with netd over the lwIP stack (netd_service). */
inline void run_with_netd(std::initializer_list<TaskEntry> clients, usize client_stack)
{
    run_with_netd(netd_service, {}, clients, client_stack);
}

}
