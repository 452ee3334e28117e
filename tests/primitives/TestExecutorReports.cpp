/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What the executor reports and how it switches: the direct Task-to-Task handoff (and the
 * scheduler detour while a deadline is pending), the long-run report of a Task that computes
 * too long without waiting, and the deadlock report of Tasks that wait on each other. The
 * deadlock report powers the machine off, so that test runs in a child process.
 */

#include "../TestSupport.h"
#include "../platforms/ChildProcess.h"
#include <catch2/catch.hpp>
#include <string>
#include <vectra/Bundle.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Signal.h>
#include <vectra/Try.h>
#include <vectra/platform/Platform.h>

using namespace vectra;

namespace {

constexpr int yields_per_task = 50;

void reap_all(Executor& executor)
{
    while (Task* task = executor.tasks()) {
        REQUIRE(task->state() == TaskState::Exited);
        REQUIRE_FALSE(executor.reap(*task).is_error());
    }
}

ErrorOr<i32> yielder(Bundle&)
{
    for (int turn = 0; turn < yields_per_task; ++turn)
        Executor::current().yield();
    return 0;
}

struct Switches {
    u64 handoffs { 0 };
    u64 total { 0 };
};

/* Two yielders run to their end: how many switches that took, and how many were direct handoffs. */
Switches run_two_yielders(Reticle& reticle)
{
    auto& executor = Executor::current();
    Task* first = executor.spawn(reticle, { "yielder-1", yielder }).value();
    Task* second = executor.spawn(reticle, { "yielder-2", yielder }).value();
    u64 handoffs_before = executor.handoffs();
    u64 switches_before = executor.switches();
    REQUIRE(executor.run_until_exit(*first).value() == 0);
    REQUIRE(executor.run_until_exit(*second).value() == 0);
    return { executor.handoffs() - handoffs_before, executor.switches() - switches_before };
}

ErrorOr<i32> long_sleeper(Bundle&)
{
    u64 start = platform::monotonic_nanoseconds();
    (void)Executor::current().wait_until(SignalBit(2).mask(), start + 100'000'000, SignalBit(9));
    return 0;
}

void busy_for(u64 nanoseconds)
{
    u64 start = platform::monotonic_nanoseconds();
    while (platform::monotonic_nanoseconds() - start < nanoseconds) { }
}

/* Computes for 250 ms (over the 200 ms bound) without waiting, then yields once. */
ErrorOr<i32> hog(Bundle&)
{
    busy_for(Executor::long_run_report_nanoseconds + 50'000'000);
    Executor::current().yield();
    return 0;
}

/* Computes as long in total, but yields every 20 ms: never reported. */
ErrorOr<i32> polite(Bundle&)
{
    for (int slice = 0; slice < 13; ++slice) {
        busy_for(20'000'000);
        Executor::current().yield();
    }
    return 0;
}

ErrorOr<i32> idler(Bundle&)
{
    for (int turn = 0; turn < 20; ++turn)
        Executor::current().yield();
    return 0;
}

/* Waits for its partner's bit before it would raise the partner's: a cycle nothing breaks. */
ErrorOr<i32> waits_then_raises(Bundle& bundle)
{
    auto partner = TRY(bundle.take<SignalCap>("partner"));
    (void)wait(SignalBit(3).mask());
    TRY(raise(this_task().capabilities(), partner));
    return 0;
}

}

TEST_CASE("a yielding Task hands the CPU straight to the next one when no deadline is pending")
{
    test::Arena arena(1 * MiB);
    auto switches = run_two_yielders(arena.reticle());
    /* Every yield but the last one went Task to Task; only the first switch came from the scheduler. */
    REQUIRE(switches.handoffs >= 2 * yields_per_task - 2);
    REQUIRE(switches.total - switches.handoffs <= 3);
    reap_all(Executor::current());
}

TEST_CASE("while a deadline is pending every switch goes through the scheduler, which checks it")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    Task* sleeping = executor.spawn(arena.reticle(), { "sleeper", long_sleeper }).value();
    auto switches = run_two_yielders(arena.reticle());
    REQUIRE(sleeping->state() == TaskState::Waiting);
    REQUIRE(switches.total >= 2 * yields_per_task);
    /* At most the switches before the sleeper first parked could have been handoffs. */
    REQUIRE(switches.handoffs <= 2);
    REQUIRE(executor.run_until_exit(*sleeping).value() == 0);
    reap_all(executor);
}

TEST_CASE("a Task running over 200 ms without waiting is reported once, by name; one that yields is not")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    auto result = test::run_in_child([&] {
        Task* hogging = executor.spawn(arena.reticle(), { "hog", hog }).value();
        Task* other = executor.spawn(arena.reticle(), { "idler", idler }).value();
        u64 before = executor.long_runs_reported();
        if (executor.run_until_exit(*hogging).value() != 0 || executor.run_until_exit(*other).value() != 0)
            _exit(10);
        _exit(executor.long_runs_reported() - before == 1 ? 0 : 11);
    });
    INFO(result.output);
    REQUIRE(result.exited);
    REQUIRE(result.exit_status == 0);
    REQUIRE(result.output.find("vectra: task hog ran 2") != std::string::npos);
    REQUIRE(result.output.find(" ms without waiting") != std::string::npos);
    REQUIRE(result.output.find("task idler ran") == std::string::npos);

    u64 before = executor.long_runs_reported();
    Task* yielding = executor.spawn(arena.reticle(), { "polite", polite }).value();
    Task* other = executor.spawn(arena.reticle(), { "idler", idler }).value();
    REQUIRE(executor.run_until_exit(*yielding).value() == 0);
    REQUIRE(executor.run_until_exit(*other).value() == 0);
    REQUIRE(executor.long_runs_reported() == before);
    reap_all(executor);
}

TEST_CASE("two Tasks waiting on each other are reported as a deadlock, each with its wait mask, and the run ends with Deadlock")
{
    auto result = test::run_in_child([] {
        test::Arena arena(1 * MiB);
        auto& executor = Executor::current();
        CapabilitySpace parent(allocate_space_id());
        Task* left = executor.spawn(arena.reticle(), { "left", waits_then_raises }).value();
        Task* right = executor.spawn(arena.reticle(), { "right", waits_then_raises }).value();
        auto wake_left = parent.mint<CapabilityClass::Signal>(&left->signals(), RightRaise | RightGrant, 3).release_value();
        auto wake_right = parent.mint<CapabilityClass::Signal>(&right->signals(), RightRaise | RightGrant, 3).release_value();
        if (left->bundle().grant("partner", parent, wake_right, RightRaise).is_error()
            || right->bundle().grant("partner", parent, wake_left, RightRaise).is_error())
            _exit(20);
        auto run = executor.run_until_exit(*left);
        _exit(run.is_error() && run.error().code() == ErrorCode::Deadlock ? 30 : 21);
    });
    INFO(result.output);
    REQUIRE(result.exited);
    REQUIRE(result.exit_status == 30);
    REQUIRE(result.output.find("vectra: deadlock: every Task waits on signal bits nothing can raise") != std::string::npos);
    REQUIRE(result.output.find("task left waits for mask 0x8") != std::string::npos);
    REQUIRE(result.output.find("task right waits for mask 0x8") != std::string::npos);
}
