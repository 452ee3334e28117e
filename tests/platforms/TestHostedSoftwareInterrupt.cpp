/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The software interrupt line on the hosted platform: SIGUSR1 to the process's own thread,
 * blocked except inside wait_for_interrupt() while the line is unmasked. Each case runs in a
 * child process so that masks and pending signals start afresh.
 */

#include "ChildProcess.h"
#include "HostedKernelStub.h"
#include <catch2/catch.hpp>
#include <signal.h>
#include <vectra/platform/Platform.h>

using namespace vectra;

namespace {

u64 software_interrupts() { return test::interrupts_arrived(platform::software_interrupt_line()); }

/* Idles until the timer line has been delivered once more. */
void wait_for_timer(u64 nanoseconds)
{
    u64 before = test::interrupts_arrived(platform::timer_interrupt_line());
    platform::set_deadline(platform::monotonic_nanoseconds() + nanoseconds);
    while (test::interrupts_arrived(platform::timer_interrupt_line()) == before)
        platform::wait_for_interrupt();
}

bool software_signal_blocked()
{
    sigset_t blocked;
    sigprocmask(SIG_BLOCK, nullptr, &blocked);
    return sigismember(&blocked, SIGUSR1) == 1;
}

/* Runs `check` in a child with the timer line unmasked; the child's exit status is the first failed step. */
template<typename Check>
void require_in_child(Check check)
{
    auto result = test::run_in_child([&] {
        platform::unmask_interrupt(platform::timer_interrupt_line());
        _exit(check());
    });
    INFO(result.output);
    REQUIRE(result.exited);
    REQUIRE(result.exit_status == 0);
}

}

TEST_CASE("The software line is a line of its own", "[platform][hosted]")
{
    REQUIRE(platform::software_interrupt_line() != platform::timer_interrupt_line());
}

TEST_CASE("A trigger is delivered by wait_for_interrupt, to the software line, and not before", "[platform][hosted]")
{
    require_in_child([] {
        u32 line = platform::software_interrupt_line();
        platform::unmask_interrupt(line);
        platform::trigger_software_interrupt();
        if (software_interrupts() != 0)
            return 1;
        if (!software_signal_blocked())
            return 2;
        platform::wait_for_interrupt();
        if (software_interrupts() != 1 || test::last_interrupt_line() != line)
            return 3;
        return software_signal_blocked() ? 0 : 4;
    });
}

TEST_CASE("wait_for_interrupt returns at once for a pending trigger", "[platform][hosted]")
{
    require_in_child([] {
        platform::unmask_interrupt(platform::software_interrupt_line());
        u64 start = platform::monotonic_nanoseconds();
        platform::set_deadline(start + 2'000'000'000);
        platform::trigger_software_interrupt();
        platform::wait_for_interrupt();
        u64 waited = platform::monotonic_nanoseconds() - start;
        if (software_interrupts() != 1)
            return 1;
        return waited < 1'000'000'000 ? 0 : 2;
    });
}

TEST_CASE("A trigger while the line is masked is held until the line is unmasked", "[platform][hosted]")
{
    require_in_child([] {
        u32 line = platform::software_interrupt_line();
        platform::trigger_software_interrupt(); /* masked since start-up */
        wait_for_timer(2'000'000);
        if (software_interrupts() != 0)
            return 1;
        platform::unmask_interrupt(line);
        platform::wait_for_interrupt();
        if (software_interrupts() != 1)
            return 2;
        platform::mask_interrupt(line);
        platform::trigger_software_interrupt();
        wait_for_timer(2'000'000);
        if (software_interrupts() != 1)
            return 3;
        platform::unmask_interrupt(line);
        platform::wait_for_interrupt();
        return software_interrupts() == 2 ? 0 : 4;
    });
}

TEST_CASE("Triggers while one is pending are delivered once", "[platform][hosted]")
{
    require_in_child([] {
        platform::unmask_interrupt(platform::software_interrupt_line());
        platform::trigger_software_interrupt();
        platform::trigger_software_interrupt();
        platform::trigger_software_interrupt();
        platform::wait_for_interrupt();
        wait_for_timer(2'000'000);
        return software_interrupts() == 1 ? 0 : 1;
    });
}

TEST_CASE("The timer line still arrives while the software line is unmasked", "[platform][hosted]")
{
    require_in_child([] {
        platform::unmask_interrupt(platform::software_interrupt_line());
        u64 start = platform::monotonic_nanoseconds();
        wait_for_timer(5'000'000);
        if (platform::monotonic_nanoseconds() - start < 5'000'000)
            return 1;
        return software_interrupts() == 0 ? 0 : 2;
    });
}

TEST_CASE("Masking or unmasking a line that does not exist panics", "[platform][hosted]")
{
    auto unmask = test::run_in_child([] { platform::unmask_interrupt(7); });
    REQUIRE(unmask.exited);
    REQUIRE(unmask.exit_status == static_cast<int>(platform::ExitStatus::Panic));
    REQUIRE(unmask.output.find("PANIC: hosted: no such interrupt line") == 0);
    auto mask = test::run_in_child([] { platform::mask_interrupt(7); });
    REQUIRE(mask.exited);
    REQUIRE(mask.exit_status == static_cast<int>(platform::ExitStatus::Panic));
}
