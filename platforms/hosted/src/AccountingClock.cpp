/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted platform's accounting clock (ADR 0026 §9): nanoseconds since the process started,
 * published in one word by a host thread of its own every millisecond, so the executor's two
 * reads per Task switch are loads instead of the host CPU's counter (13 ns each under this
 * project's development hypervisor, a quarter of a switch).
 *
 * The ticker publishes CLOCK_MONOTONIC itself, never a count of its wake-ups: a wake-up the host
 * delays makes the word late, never wrong, and the next one catches up. It sleeps to absolute
 * times, so its own run time does not stretch the period. It blocks every signal (the boot CPU's
 * wake-up signal, the software interrupt and the faults are the CPU threads' to take). A process
 * forked from one that ticks (the host tests' children) starts a ticker of its own, from the same
 * origin, so its clock goes on where the parent's was.
 */

#include <atomic>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <vectra/Panic.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform {

namespace {

constexpr u64 nanoseconds_per_second = 1'000'000'000;
constexpr u64 tick_nanoseconds = 1'000'000;

u64 host_nanoseconds()
{
    timespec time {};
    clock_gettime(CLOCK_MONOTONIC, &time);
    return static_cast<u64>(time.tv_sec) * nanoseconds_per_second + static_cast<u64>(time.tv_nsec);
}

u64 s_origin = 0;
std::atomic<u64> s_published { 0 };

void publish() { s_published.store(host_nanoseconds() - s_origin, std::memory_order_relaxed); }

void* tick(void*)
{
    u64 next = host_nanoseconds();
    for (;;) {
        publish();
        next += tick_nanoseconds;
        u64 now = host_nanoseconds();
        /* Woken later than a whole tick (a loaded host): the next tick is one period from now. */
        if (next <= now)
            next = now + tick_nanoseconds;
        timespec until { static_cast<time_t>(next / nanoseconds_per_second), static_cast<long>(next % nanoseconds_per_second) };
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr) != 0) {
        }
    }
    return nullptr;
}

void start_ticker()
{
    publish();
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    /* The thread inherits the mask it is created with: no signal can land on it. */
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attributes, 64 * 1024);
    pthread_t thread;
    int failed = pthread_create(&thread, &attributes, tick, nullptr);
    pthread_attr_destroy(&attributes);
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    VERIFY(failed == 0);
}

struct Ticker {
    Ticker()
    {
        s_origin = host_nanoseconds();
        start_ticker();
        pthread_atfork(nullptr, nullptr, start_ticker);
    }
};

Ticker s_ticker;

}

u64 accounting_clock() { return s_published.load(std::memory_order_relaxed); }
u64 accounting_clock_to_nanoseconds(u64 counts) { return counts; }
u64 nanoseconds_to_accounting_clock(u64 nanoseconds) { return nanoseconds; }
u64 accounting_clock_resolution_nanoseconds() { return tick_nanoseconds; }

}
