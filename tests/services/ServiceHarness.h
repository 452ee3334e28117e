/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The set-up the network services' loop tests share (dnsd, tlsd, dnsd over TLS): an arena and a
 * parent capability space, session listeners, memory for each Task, Tasks spawned with their
 * stacks, one Task granted the client ends of another's listener under named slots; and the
 * end: a service stopped by resetting its listener (as a supervisor does), netd last, once it
 * holds no socket of anyone's.
 */

#pragma once

#include "NetdTestLoop.h"
#include <catch2/catch.hpp>
#include <vectra/kernel/Executor.h>

namespace vectra::test {

class ServiceHarness {
public:
    explicit ServiceHarness(usize size)
        : m_arena(size)
        , m_executor(Executor::current())
        , m_parent(allocate_space_id())
    {
    }

    [[nodiscard]] Listener listener() { return make_listener(m_arena.reticle(), m_parent); }
    [[nodiscard]] ReticleCap memory(usize size)
    {
        return m_parent.mint<CapabilityClass::Reticle>(m_arena.reticle().try_carve(size).value(), all_rights).release_value();
    }
    [[nodiscard]] Task* spawn(char const* name, TaskEntry entry, usize stack)
    {
        SpawnParameters parameters { name, entry };
        parameters.stack_size = stack;
        return m_executor.spawn(m_arena.reticle(), parameters).value();
    }
    /* `task` serves `listener` ("requests", "replies") with `memory` of its own. */
    void serve(Task& task, Listener const& listener, usize memory_size)
    {
        REQUIRE(grant_service(task, m_parent, listener, memory(memory_size)));
    }
    /* `task` opens sessions on `listener` ("requests", "replies") with `memory` of its own. */
    void client_of(Task& task, Listener const& listener, usize memory_size)
    {
        REQUIRE(grant_client(task, m_parent, listener, memory(memory_size)));
    }
    /* `task` holds the client ends of `listener` under `requests` and `replies` (its own memory granted elsewhere). */
    void client_slots(Task& task, char const* requests, char const* replies, Listener const& listener)
    {
        REQUIRE(!task.bundle().grant(requests, m_parent, listener.requests, RightSend).is_error());
        REQUIRE(!task.bundle().grant(replies, m_parent, listener.replies, RightReceive).is_error());
    }
    /* A service ends when its listener goes: `service` must end with PeerRestarted. */
    void stop(Task* service, Listener const& listener)
    {
        listener.requests_ring->reset();
        REQUIRE(m_executor.run_until_exit(*service).value() == 1);
        REQUIRE(service->exit_error().code() == ErrorCode::PeerRestarted);
    }
    /* Last: netd, once no session holds a socket (every client's netd session ended); then every Task reaped. */
    void stop_netd(Task* netd, Listener const& listener)
    {
        Task* settling = spawn("settle", settle_netd, 64 * KiB);
        REQUIRE(m_executor.run_until_exit(*settling).value() == 0);
        for (usize index = 0; index < netd::maximum_sessions; ++index)
            CHECK(netd_server()->session(index).socket_count() == 0);
        listener.requests_ring->reset();
        REQUIRE(m_executor.run_until_exit(*netd).value() == 1);
        while (Task* waiting = m_executor.tasks())
            REQUIRE_FALSE(m_executor.reap(*waiting).is_error());
    }
    [[nodiscard]] Executor& executor() { return m_executor; }

private:
    Arena m_arena;
    Executor& m_executor;
    CapabilitySpace m_parent;
};

}
