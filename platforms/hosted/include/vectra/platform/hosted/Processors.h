/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted platform's CPUs (vectra/platform/Platform.h, ADR 0020): how many threads
 * start_processors() runs, set before boot from the process's --cpus=N argument (Main.cpp) or by
 * a host test; CONFIG_HOSTED_CPUS otherwise. CONFIG_CPUS_MAX bounds it.
 */

#pragma once

#include <signal.h>
#include <vectra/Types.h>

namespace vectra::platform::hosted {

void request_processors(u32 count);

/* How long an idle CPU other than the boot CPU polls its wake-up word before it sleeps in the
   host kernel (CONFIG_HOSTED_IDLE_POLL_MICROSECONDS; 0: never polls). Host tests set it. */
void set_idle_poll_nanoseconds(u64 nanoseconds);

/* How a CPU's idles ended so far: woken while polling, or gone to sleep in the host kernel; and
   how many of the wake-ups sent to it had to call the host (it said it slept; for the boot CPU,
   every wake-up: a signal to its thread). */
struct IdleCounts {
    u64 polled_wakeups;
    u64 sleeps;
    u64 futex_wakes;
};
[[nodiscard]] IdleCounts idle_counts(u32 index);

/* The signal that wakes the boot CPU's thread out of its idle ppoll (wake_processor(0)). */
inline constexpr int boot_wakeup_signal = SIGUSR2;
/* Sends it from a thread that is no CPU (the window's, the host sockets' watcher): nothing before
   the boot thread is known (start_processors(), or its first idle: know_boot_thread()). */
void wake_boot_thread();
/* On the boot CPU's thread, idling (host tests and benchmarks start no CPUs): the thread the wake-up
   signal goes to, blocked outside the idle's ppoll and handled, as start_processors() sets it up. */
void know_boot_thread();
/* idle_processor() for a CPU other than the boot CPU, returning by `deadline` (monotonic ns;
   0: none) at the latest: the executor's idle on that CPU (wait_for_interrupt). */
void idle_processor_until(u64 deadline);

}
