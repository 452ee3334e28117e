/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What tests of inputd's loop share (TestInputdLoop.cpp, TestCompositordInputLoop.cpp): inputd as
 * a Task over the configuration the test sets, sleeping and waiting for a condition from inside a
 * Task, and direct connections (a driver's, the focus holder's) granted to both ends.
 */

#pragma once

#include "../core/FsTestTasks.h"
#include <catch2/catch.hpp>
#include <inputd/Server.h>
#include <vectra/Try.h>
#include <vector>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/kernel/Executor.h>

namespace vectra::test {

inline constexpr SignalBit inputd_test_sleep_bit { 9 };

/* The configuration inputd_task runs with: set it before spawning. */
inline inputd::Configuration& inputd_test_configuration()
{
    static inputd::Configuration configuration;
    return configuration;
}

inline void sleep_ms(u64 milliseconds)
{
    (void)endpoint::wait_until(inputd_test_sleep_bit.mask(), endpoint::now_nanoseconds() + milliseconds * 1'000'000,
        inputd_test_sleep_bit);
}

/* Waits (sleeping 1 ms at a time, at most 20 s) until `condition` holds. */
template<typename Condition>
bool wait_for(Condition&& condition)
{
    for (int turn = 0; turn < 20'000; ++turn) {
        if (condition())
            return true;
        sleep_ms(1);
    }
    return false;
}

/* inputd's loop with one device connection (device0) and the focus connection. */
inline ErrorOr<i32> inputd_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    inputd::ConnectionRings devices[] { { TRY(bundle.take<RingCap>("device0_requests")), TRY(bundle.take<RingCap>("device0_replies")) } };
    inputd::ConnectionRings focus { TRY(bundle.take<RingCap>("focus_requests")), TRY(bundle.take<RingCap>("focus_replies")) };
    TRY(inputd::run(memory, std::move(requests), std::move(replies), devices, &focus, inputd_test_configuration(), nullptr));
    return 0;
}

/* A direct connection's two Rings, their original capabilities in `owner`. */
struct Direct {
    Ring* requests_ring;
    RingCap requests;
    RingCap replies;
};

inline Direct make_direct(Reticle& arena, CapabilitySpace& owner, u64 schema, u32 slots, u32 size)
{
    Ring* requests = Ring::try_create(arena, slots, size, schema).value();
    Ring* replies = Ring::try_create(arena, slots, size, schema).value();
    return { requests, owner.mint<CapabilityClass::Ring>(requests, all_rights).release_value(),
        owner.mint<CapabilityClass::Ring>(replies, all_rights).release_value() };
}

/* Grants a connection's two Rings: the service's side (receive requests, send replies) or the client's. */
inline void grant_pair(Task& task, CapabilitySpace& owner, RingCap const& requests, RingCap const& replies,
    char const* requests_name, char const* replies_name, bool service)
{
    REQUIRE(!task.bundle().grant(requests_name, owner, requests, service ? RightReceive : RightSend).is_error());
    REQUIRE(!task.bundle().grant(replies_name, owner, replies, service ? RightSend : RightReceive).is_error());
}

/* Runs each Task to its end in turn; each must return 0 (its first failed expectation reported). */
inline void run_each_to_end(std::vector<Task*> const& tasks)
{
    task_failure().clear();
    for (Task* task : tasks) {
        i32 status = Executor::current().run_until_exit(*task).value();
        INFO(task_failure());
        INFO("task error: " << task->exit_error().name() << " " << (task->exit_error().message() ? task->exit_error().message() : ""));
        CHECK(status == 0);
    }
}

}
