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
