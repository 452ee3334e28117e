/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Time and "interrupts" on the hosted platform: the monotonic clock is CLOCK_MONOTONIC, and the
 * one-shot deadline timer fires by sleeping until the deadline when the executor idles.
 */

#include <errno.h>
#include <time.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform {

namespace {

constexpr u32 timer_line = 0;
constexpr u64 longest_idle_nanoseconds = 100'000'000;

struct TimerState {
    u64 deadline { 0 };
    bool unmasked { false };
};
TimerState s_timer;

u64 now()
{
    timespec time {};
    clock_gettime(CLOCK_MONOTONIC, &time);
    return static_cast<u64>(time.tv_sec) * 1'000'000'000ull + static_cast<u64>(time.tv_nsec);
}

}

u64 monotonic_nanoseconds()
{
    return now();
}

void set_deadline(u64 deadline_nanoseconds)
{
    s_timer.deadline = deadline_nanoseconds == 0 ? 1 : deadline_nanoseconds;
}

void cancel_deadline()
{
    s_timer.deadline = 0;
}

u32 timer_interrupt_line()
{
    return timer_line;
}

void unmask_interrupt(u32 line)
{
    if (line == timer_line)
        s_timer.unmasked = true;
}

void mask_interrupt(u32 line)
{
    if (line == timer_line)
        s_timer.unmasked = false;
}

void wait_for_interrupt()
{
    u64 start = now();
    u64 until = s_timer.deadline != 0 ? s_timer.deadline : start + longest_idle_nanoseconds;
    if (until > start + longest_idle_nanoseconds)
        until = start + longest_idle_nanoseconds;
    timespec wake { static_cast<time_t>(until / 1'000'000'000ull), static_cast<long>(until % 1'000'000'000ull) };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, nullptr) == EINTR) {
    }
    if (s_timer.deadline != 0 && now() >= s_timer.deadline && s_timer.unmasked) {
        s_timer.deadline = 0;
        kernel::interrupt_arrived(timer_line);
    }
}

}
