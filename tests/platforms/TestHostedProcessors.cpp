/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted platform's CPUs (ADR 0020): a thread per CPU, each entering processor_started with
 * its own index, and the wake-up — a futex word — reaching an idle CPU every time, including a
 * wake-up sent while the CPU was still busy answering the one before. Each case runs in a child
 * process: started CPUs never stop.
 */

#include "ChildProcess.h"
#include "HostedKernelStub.h"
#include <catch2/catch.hpp>
#include <vectra/config.h>
#include <vectra/platform/Platform.h>
#include <sched.h>
#include <vectra/platform/hosted/Processors.h>

using namespace vectra;

namespace {

constexpr u64 one_second = 1'000'000'000;

template<typename Check>
void require_in_child(Check check)
{
    auto result = test::run_in_child([&] { _exit(check()); });
    INFO(result.output);
    REQUIRE(result.exited);
    REQUIRE(result.exit_status == 0);
}

}

static_assert(CONFIG_CPUS_MAX >= 4, "the host tests need four CPUs (tests/host.defconfig)");

TEST_CASE("Without a request only the boot CPU is online", "[platform][hosted][processors]")
{
    require_in_child([] {
        if (platform::start_processors() != 1)
            return 1;
        return platform::current_processor() == 0 ? 0 : 2;
    });
}

TEST_CASE("Each requested CPU starts on a thread of its own and knows its index", "[platform][hosted][processors]")
{
    require_in_child([] {
        platform::hosted::request_processors(4);
        if (platform::start_processors() != 4)
            return 1;
        if (platform::current_processor() != 0)
            return 2;
        /* A started thread reaches processor_started when the host schedules it: wait for each (bounded). */
        u64 start = platform::monotonic_nanoseconds();
        for (u32 index = 1; index < 4; ++index) {
            while (test::processor_index_seen(index) == 0 && platform::monotonic_nanoseconds() - start < 5 * one_second)
                sched_yield();
            if (test::processor_index_seen(index) != index + 1)
                return 3;
        }
        return 0;
    });
}

TEST_CASE("More CPUs than CONFIG_CPUS_MAX are not started", "[platform][hosted][processors]")
{
    require_in_child([] {
        platform::hosted::request_processors(CONFIG_CPUS_MAX + 1);
        return platform::start_processors() == CONFIG_CPUS_MAX ? 0 : 1;
    });
}

TEST_CASE("Every wake-up reaches its idle CPU: none lost in 20000 round trips", "[platform][hosted][processors]")
{
    require_in_child([] {
        platform::hosted::request_processors(3);
        if (platform::start_processors() != 3)
            return 1;
        /* Alternating targets: each CPU is sometimes parked, sometimes between its check and its
           park, when its wake-up is sent. A lost one is a one-second timeout. */
        for (u32 round = 0; round < 10000; ++round) {
            for (u32 index = 1; index < 3; ++index) {
                if (!test::wake_and_wait(index, one_second))
                    return 2;
            }
        }
        return 0;
    });
}
