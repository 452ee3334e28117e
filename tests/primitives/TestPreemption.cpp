/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The preemption policy (ADR 0018) on the host: a Task calls Executor::end_slice() where, on
 * x86_64 and aarch64, the timer interrupt at the end of its slice would (preemption_point()
 * decides that the slice is over and calls it on the interrupted Task's kernel stack). Who runs
 * next, and that the preempted Task resumes where it was, is the same code either way.
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <string>
#include <vectra/Bundle.h>
#include <vectra/kernel/Executor.h>
#include <vectra/platform/Platform.h>

using namespace vectra;

namespace {

/* Test-only record of what the Tasks did; Tasks themselves see only their Bundles. */
std::string s_turns;
u32 s_wake_ups { 0 };
constexpr u32 wanted_wake_ups = 5;

void reap_all(Executor& executor)
{
    while (Task* task = executor.tasks()) {
        REQUIRE(task->state() == TaskState::Exited);
        REQUIRE_FALSE(executor.reap(*task).is_error());
    }
}

/* Never waits: only the end of a slice lets anything else run. */
ErrorOr<i32> spinning_until_woken_enough(Bundle&)
{
    u64 slices = 0;
    while (s_wake_ups < wanted_wake_ups) {
        ++slices;
        Executor::current().end_slice();
    }
    return static_cast<i32>(slices > 0);
}

ErrorOr<i32> woken_by_deadlines(Bundle&)
{
    for (u32 count = 0; count < wanted_wake_ups; ++count) {
        u64 deadline = platform::monotonic_nanoseconds() + 1'000'000;
        u64 bits = Executor::current().wait_until(SignalBit(3).mask(), deadline, SignalBit(4));
        if (bits != SignalBit(4).mask() || platform::monotonic_nanoseconds() < deadline)
            return Error(ErrorCode::InvalidArgument, "woke early or on another bit");
        ++s_wake_ups;
    }
    return 0;
}

template<char Mark, u32 Slices>
ErrorOr<i32> marking_spinner(Bundle&)
{
    for (u32 slice = 0; slice < Slices; ++slice) {
        s_turns += Mark;
        Executor::current().end_slice();
    }
    return 0;
}

ErrorOr<i32> network_once(Bundle&)
{
    s_turns += 'N';
    return 0;
}

}

TEST_CASE("a slice end hands the CPU to a Person Task whose deadline passed; the spinning Task resumes")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    s_wake_ups = 0;
    u64 preemptions_before = executor.preemptions();
    SpawnParameters spinning { "spinner", spinning_until_woken_enough };
    spinning.band = Band::Network;
    Task* spinner = executor.spawn(arena.reticle(), spinning).value();
    Task* person = executor.spawn(arena.reticle(), { "woken", woken_by_deadlines }).value();
    REQUIRE(executor.run_until_exit(*person).value() == 0);
    REQUIRE(executor.run_until_exit(*spinner).value() == 1);
    REQUIRE(s_wake_ups == wanted_wake_ups);
    /* Each wake-up came while the spinner ran, and only a slice end could let it through. */
    REQUIRE(executor.preemptions() - preemptions_before >= wanted_wake_ups);
    REQUIRE(spinner->exit_cause() == ExitCause::Returned);
    reap_all(executor);
}

TEST_CASE("a slice end with nothing else runnable keeps the Task running, without a switch")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    s_turns.clear();
    u64 preemptions_before = executor.preemptions();
    u64 switches_before = executor.switches();
    SpawnParameters parameters { "alone", marking_spinner<'A', 50> };
    parameters.band = Band::Network;
    Task* alone = executor.spawn(arena.reticle(), parameters).value();
    REQUIRE(executor.run_until_exit(*alone).value() == 0);
    REQUIRE(s_turns == std::string(50, 'A'));
    REQUIRE(executor.preemptions() == preemptions_before);
    REQUIRE(executor.switches() - switches_before == 1);
    reap_all(executor);
}

TEST_CASE("a slice end never switches between Network-band Tasks: preemption is for Person work")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    s_turns.clear();
    u64 preemptions_before = executor.preemptions();
    SpawnParameters first { "first", marking_spinner<'A', 6> };
    SpawnParameters second { "second", marking_spinner<'B', 6> };
    first.band = second.band = Band::Network;
    Task* a = executor.spawn(arena.reticle(), first).value();
    Task* b = executor.spawn(arena.reticle(), second).value();
    REQUIRE(executor.run_until_exit(*a).value() == 0);
    REQUIRE(executor.run_until_exit(*b).value() == 0);
    REQUIRE((s_turns == "BBBBBBAAAAAA" || s_turns == "AAAAAABBBBBB"));
    REQUIRE(executor.preemptions() == preemptions_before);
    reap_all(executor);
}

TEST_CASE("a Person-band Task is never preempted, whoever else is runnable")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    s_turns.clear();
    u64 preemptions_before = executor.preemptions();
    SpawnParameters network { "network", network_once };
    network.band = Band::Network;
    Task* background = executor.spawn(arena.reticle(), network).value();
    Task* first = executor.spawn(arena.reticle(), { "first", marking_spinner<'A', 12> }).value();
    Task* second = executor.spawn(arena.reticle(), { "second", marking_spinner<'B', 12> }).value();
    REQUIRE(executor.run_until_exit(*first).value() == 0);
    REQUIRE(executor.run_until_exit(*second).value() == 0);
    REQUIRE(executor.run_until_exit(*background).value() == 0);
    /* Each Person Task ran its twelve slices in one stretch; the Network Task came after both. */
    REQUIRE((s_turns == std::string(12, 'B') + std::string(12, 'A') + "N"
        || s_turns == std::string(12, 'A') + std::string(12, 'B') + "N"));
    REQUIRE(executor.preemptions() == preemptions_before);
    reap_all(executor);
}
