/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Time on the hosted platform: the monotonic clock is CLOCK_MONOTONIC counted from the process's
 * start (its "boot", as the other platforms count from theirs), and the one-shot
 * deadline timer fires when the executor idles (wait_for_interrupt, Interrupts.cpp, sleeps
 * until the deadline).
 */

#include "Hosted.h"
#include <time.h>
#include <vectra/config.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform {

namespace {

/* Each CPU's one-shot deadline (its executor's); the line's mask is one for all. */
struct TimerState {
    u64 deadline[CONFIG_CPUS_MAX] {};
    bool unmasked { false };
};
TimerState s_timer;

u64& own_deadline() { return s_timer.deadline[current_processor()]; }

u64 host_monotonic_nanoseconds()
{
    timespec time {};
    clock_gettime(CLOCK_MONOTONIC, &time);
    return static_cast<u64>(time.tv_sec) * 1'000'000'000ull + static_cast<u64>(time.tv_nsec);
}

/* Taken while the process loads, before main(). */
u64 const s_process_start = host_monotonic_nanoseconds();

}

u64 monotonic_nanoseconds()
{
    return host_monotonic_nanoseconds() - s_process_start;
}

void set_deadline(u64 deadline_nanoseconds) { own_deadline() = deadline_nanoseconds == 0 ? 1 : deadline_nanoseconds; }

void cancel_deadline() { own_deadline() = 0; }

u32 timer_interrupt_line() { return hosted::timer_line; }

void hosted::set_timer_masked(bool masked) { s_timer.unmasked = !masked; }

u64 hosted::armed_deadline() { return own_deadline(); }

bool hosted::take_expired_deadline()
{
    u64& deadline = own_deadline();
    if (deadline == 0 || !s_timer.unmasked || monotonic_nanoseconds() < deadline)
        return false;
    deadline = 0;
    return true;
}

}
