/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The kernel's CPUs (primitives/kernel/src/Processors.cpp, ADR 0020) on the hosted platform's
 * threads: start_processors wakes each CPU once and prints its answer; wake_processor_and_wait
 * reaches an idle CPU every time and refuses the CPUs it cannot wake. Each case runs in a child
 * process: started CPUs never stop.
 */

#include "../platforms/ChildProcess.h"
#include <catch2/catch.hpp>
#include <vectra/kernel/Kernel.h>
#include <vectra/platform/Platform.h>
#include <vectra/platform/hosted/Processors.h>

using namespace vectra;

namespace {

constexpr u64 one_second = 1'000'000'000;

template<typename Check>
test::ChildResult run_checked(Check check)
{
    return test::run_in_child([&] { _exit(check()); });
}

}

TEST_CASE("One CPU: start_processors prints nothing and nothing can be woken", "[kernel][processors]")
{
    auto result = run_checked([] {
        if (kernel::start_processors().is_error() || kernel::processors_online() != 1)
            return 1;
        auto refused = kernel::wake_processor_and_wait(1, one_second);
        return refused.is_error() && refused.error().code() == ErrorCode::InvalidArgument ? 0 : 2;
    });
    INFO(result.output);
    REQUIRE(result.exited);
    REQUIRE(result.exit_status == 0);
    CHECK(result.output.empty());
}

TEST_CASE("Four CPUs: each answers its boot wake-up, then 10000 more, none lost", "[kernel][processors]")
{
    auto result = run_checked([] {
        platform::hosted::request_processors(4);
        if (kernel::start_processors().is_error() || kernel::processors_online() != 4)
            return 1;
        for (u32 round = 0; round < 10000; ++round) {
            u32 index = 1 + round % 3;
            if (kernel::wake_processor_and_wait(index, one_second).is_error())
                return 2;
        }
        /* Not the boot CPU (the caller), not past the CPUs online. */
        if (!kernel::wake_processor_and_wait(0, one_second).is_error())
            return 3;
        if (!kernel::wake_processor_and_wait(4, one_second).is_error())
            return 4;
        return 0;
    });
    INFO(result.output);
    REQUIRE(result.exited);
    REQUIRE(result.exit_status == 0);
    for (char const* line : { "vectra: cpu 1 online, answered a wake-up in ", "vectra: cpu 2 online",
             "vectra: cpu 3 online", "vectra: 4 CPUs online; Tasks run on cpus 0-3\n" })
        CHECK(result.output.find(line) != std::string::npos);
}

namespace {

/* Two CPUs: wakes cpu 1 `rounds` times, each answered within a second; how its idles ended. One
   CPU thread besides the waker, so a poll does not take a host CPU the waker needs. */
int wake_repeatedly(u32 rounds, platform::hosted::IdleCounts& counts)
{
    platform::hosted::request_processors(2);
    if (kernel::start_processors().is_error() || kernel::processors_online() != 2)
        return 1;
    for (u32 round = 0; round < rounds; ++round) {
        if (kernel::wake_processor_and_wait(1, one_second).is_error())
            return 2;
    }
    counts = platform::hosted::idle_counts(1);
    return 0;
}

}

TEST_CASE("Poll before park: with no poll every idle sleeps in the host, and no wake-up is lost", "[kernel][processors]")
{
    auto result = run_checked([] {
        platform::hosted::set_idle_poll_nanoseconds(0);
        platform::hosted::IdleCounts total {};
        if (int failed = wake_repeatedly(1000, total))
            return failed;
        /* Never polled; each answered wake-up ended a sleep (or found the word bumped before it). */
        if (total.polled_wakeups != 0)
            return 3;
        if (total.sleeps == 0 || total.futex_wakes == 0)
            return 4;
        return 0;
    });
    INFO(result.output);
    REQUIRE(result.exited);
    REQUIRE(result.exit_status == 0);
}

TEST_CASE("Poll before park: a wake-up that lands in the poll needs no host call, and none is lost", "[kernel][processors]")
{
    auto result = run_checked([] {
        /* A poll far longer than the gap between two wake-ups: they land in it. */
        platform::hosted::set_idle_poll_nanoseconds(one_second);
        constexpr u32 rounds = 1000;
        platform::hosted::IdleCounts total {};
        if (int failed = wake_repeatedly(rounds, total))
            return failed;
        if (total.polled_wakeups == 0)
            return 3;
        /* The waker calls the host only for a CPU that said it sleeps: with every CPU polling,
           (almost) never — a CPU thread the host descheduled for a whole second may sleep once. */
        if (total.futex_wakes > rounds / 10)
            return 4;
        return 0;
    });
    INFO(result.output);
    REQUIRE(result.exited);
    REQUIRE(result.exit_status == 0);
}
