/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * initd's back-off timer serves every service backing off, not only the last one to end (on the
 * real kernel, hosted). "quick" (back-off 300 ms) ends at once; "slow" (back-off 3 s) ends 50 ms
 * later, while quick still waits for its restart. initd has one back-off timer: when it armed
 * that timer for the service that ended last, slow's deadline replaced quick's, and quick came
 * back only with slow, 3 s late — slow, earlier in the boot table, restarted first. Armed for
 * the earliest deadline of all, quick is restarted before slow.
 */

#include "InitdBoot.h"
#include <catch2/catch.hpp>
#include <initd/Manifest.h>
#include <initd/Supervisor.h>
#include <string>
#include <vectra/ClockAndEntropy.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>

VECTRA_TASK_ENTRY(test_quick);
VECTRA_TASK_ENTRY(test_slow);
VECTRA_TASK_ENTRY(test_backoff_watch);

using namespace vectra;

namespace {

int g_quick_starts = 0;
int g_slow_starts = 0;
bool g_quick_ended = false;

constexpr u64 millisecond = 1'000'000;

void pause_for(u64 nanoseconds)
{
    u64 deadline = system::monotonic_nanoseconds() + nanoseconds;
    while (system::monotonic_nanoseconds() < deadline)
        (void)system::wait_until(0, deadline, SignalBit(20));
}

[[noreturn]] void serve_forever()
{
    for (;;)
        (void)system::wait(SignalBit(40).mask()); /* nothing raises it: the Task serves until stopped */
}

}

namespace vectra::task_entries {

ErrorOr<i32> test_quick(Bundle& bundle)
{
    TRY(system::raise(TRY(bundle.take<SignalCap>("ready"))));
    if (++g_quick_starts > 1) {
        test::print_line("quick: started again");
        serve_forever();
    }
    g_quick_ended = true;
    return 1;
}

ErrorOr<i32> test_slow(Bundle& bundle)
{
    TRY(system::raise(TRY(bundle.take<SignalCap>("ready"))));
    if (++g_slow_starts > 1) {
        test::print_line("slow: started again");
        serve_forever();
    }
    while (!g_quick_ended)
        system::yield();
    pause_for(50 * millisecond); /* initd has armed the timer for quick by now */
    return 1;
}

ErrorOr<i32> test_backoff_watch(Bundle&)
{
    u64 give_up = system::monotonic_nanoseconds() + 30'000 * millisecond;
    while ((g_quick_starts < 2 || g_slow_starts < 2) && system::monotonic_nanoseconds() < give_up)
        pause_for(10 * millisecond);
    test::print_line("watch: quick started " + std::to_string(g_quick_starts) + " times, slow " + std::to_string(g_slow_starts));
    return 0;
}

}

namespace vectra::initd {

namespace {

constexpr SlotSpec ready_only[] = { { "ready", SlotKind::Ready, 0, RightRaise } };
constexpr RestartPolicy quick_policy { 1, 60'000, 300 };
constexpr RestartPolicy slow_policy { 1, 60'000, 3'000 };
constexpr RestartPolicy none { 0, 0, 0 };

constexpr TaskSpec tasks[] = {
    { "slow", &task_entries::test_slow, TaskKind::Service, Band::Person, 128, 16, ready_only, 1, slow_policy, Expectation::Success, nullptr, supervised_by_initd, 0, 0, processor_boot },
    { "quick", &task_entries::test_quick, TaskKind::Service, Band::Person, 128, 16, ready_only, 1, quick_policy, Expectation::Success, nullptr, supervised_by_initd, 1, 0, processor_boot },
    { "watch", &task_entries::test_backoff_watch, TaskKind::Check, Band::Person, 128, 16, nullptr, 0, none, Expectation::Success, nullptr, supervised_by_initd, 2, 0, processor_boot },
};

}

BootManifest const boot_manifest { "backoff-test", tasks, sizeof(tasks) / sizeof(tasks[0]), nullptr, 0 };

}

TEST_CASE("initd's back-off timer wakes it for the earliest restart, not the last one armed")
{
    auto result = test::run_initd();
    INFO(result.output);
    REQUIRE(result.exited);
    CHECK(test::has_line(result.output, "watch: quick started 2 times, slow 2"));
    auto quick = result.output.find("initd: restarted quick");
    auto slow = result.output.find("initd: restarted slow");
    REQUIRE(quick != std::string::npos);
    REQUIRE(slow != std::string::npos);
    CHECK(quick < slow);
    CHECK(test::has_line(result.output, "initd: status 0"));
}
