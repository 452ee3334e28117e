/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <string>
#include <vector>
#include <vectra/System.h>
#include <vectra/Bundle.h>
#include <vectra/kernel/Executor.h>
#include <vectra/LocalExecutor.h>
#include <vectra/kernel/Signal.h>
#include <vectra/Try.h>

using namespace vectra;

namespace {

/* Test-only record of what the fibers did. */
std::string s_trace;
std::span<u8> s_stacks;

ErrorOr<void> waits_twice(LocalExecutor& executor, void*)
{
    s_trace += "A ";
    u64 bits = executor.wait(SignalBit(3).mask());
    s_trace += bits == SignalBit(3).mask() ? "A3 " : "A? ";
    bits = executor.wait(SignalBit(4).mask());
    s_trace += bits == SignalBit(4).mask() ? "A4 " : "A? ";
    return {};
}

ErrorOr<void> raises_three(LocalExecutor& executor, void*)
{
    s_trace += "B ";
    executor.yield();
    s_trace += "B-raise ";
    this_task().signals().raise(SignalBit(3));
    executor.yield();
    s_trace += "B-done ";
    return {};
}

ErrorOr<void> fails(LocalExecutor&, void*)
{
    return Error(ErrorCode::NotFound, "a fiber failing on purpose");
}

ErrorOr<i32> fibers_task(Bundle&)
{
    LocalExecutor executor(s_stacks);
    TRY(executor.spawn(waits_twice, nullptr));
    TRY(executor.spawn(raises_three, nullptr));
    TRY(executor.run());
    return static_cast<i32>(executor.finished());
}

ErrorOr<i32> failing_fibers_task(Bundle&)
{
    LocalExecutor executor(s_stacks);
    TRY(executor.spawn(raises_three, nullptr));
    TRY(executor.spawn(fails, nullptr));
    auto result = executor.run();
    if (!result.is_error() || result.error().code() != ErrorCode::NotFound)
        return 1;
    return static_cast<i32>(executor.finished());
}

ErrorOr<i32> raiser(Bundle& bundle)
{
    auto wake = TRY(bundle.take<SignalCap>("wake"));
    TRY(system::raise(wake));
    return 0;
}

}

TEST_CASE("fibers of one Task wait on its mask bits, from each other and from other Tasks")
{
    test::Arena arena(1 * MiB);
    std::vector<u8> stacks(128 * KiB);
    s_stacks = stacks;
    s_trace.clear();
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    Task* task = executor.spawn(arena.reticle(), { "fibers", fibers_task }).value();
    Task* other = executor.spawn(arena.reticle(), { "raiser", raiser }).value();
    auto wake = parent.mint<CapabilityClass::Signal>(&task->signals(), RightRaise | RightGrant, 4).release_value();
    REQUIRE_FALSE(other->bundle().grant("wake", parent, wake, RightRaise).is_error());
    REQUIRE(executor.run_until_exit(*task).value() == 2);
    REQUIRE(executor.run_until_exit(*other).value() == 0);
    /* A waits; B runs, raises bit 3; A wakes on it; bit 4 came from the other Task. */
    REQUIRE(s_trace.find("A B ") == 0);
    REQUIRE(s_trace.find("B-raise") < s_trace.find("A3"));
    REQUIRE(s_trace.find("A4") != std::string::npos);
    REQUIRE(s_trace.find("B-done") != std::string::npos);
    while (Task* exited = executor.tasks())
        REQUIRE_FALSE(executor.reap(*exited).is_error());
}

TEST_CASE("a fiber's error ends run() with it once every fiber finished")
{
    test::Arena arena(1 * MiB);
    std::vector<u8> stacks(128 * KiB);
    s_stacks = stacks;
    auto& executor = Executor::current();
    Task* task = executor.spawn(arena.reticle(), { "failing", failing_fibers_task }).value();
    REQUIRE(executor.run_until_exit(*task).value() == 2);
    while (Task* exited = executor.tasks())
        REQUIRE_FALSE(executor.reap(*exited).is_error());
}

TEST_CASE("spawning fibers refuses bad stacks, exhaustion and a seventeenth fiber")
{
    test::Arena arena(1 * MiB);
    std::vector<u8> stacks(96 * KiB);
    LocalExecutor executor(stacks);
    REQUIRE(executor.spawn(nullptr, nullptr).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(executor.spawn(fails, nullptr, 1024).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(executor.spawn(fails, nullptr, 1 * MiB).error().code() == ErrorCode::OutOfMemory);
    for (usize index = 0; index < LocalExecutor::capacity; ++index)
        REQUIRE_FALSE(executor.spawn(fails, nullptr, 4 * KiB).is_error());
    REQUIRE(executor.spawn(fails, nullptr, 4 * KiB).error().code() == ErrorCode::Full);
}
