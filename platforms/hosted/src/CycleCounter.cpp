/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The cycle counter on the hosted platform is the host CPU's own, read in user mode without a
 * system call: the time-stamp counter on x86_64 hosts (constant-rate on every x86_64 CPU Linux
 * reports `constant_tsc` for, the same on every CPU), the generic timer's virtual count on
 * aarch64 hosts (Linux lets user mode read it, and its frequency). The time-stamp counter's
 * rate is not architectural: it is measured once, the first time a conversion asks, against
 * CLOCK_MONOTONIC over at least a millisecond (both clocks keep running if the thread is
 * descheduled, so the ratio holds under load).
 */

#include <time.h>
#include <vectra/platform/Platform.h>

#if defined(__x86_64__)
#    include <x86intrin.h>
#endif

namespace vectra::platform {

namespace {

using u128 = unsigned __int128;
constexpr u64 nanoseconds_per_second = 1'000'000'000;

u64 host_nanoseconds()
{
    timespec time {};
    clock_gettime(CLOCK_MONOTONIC, &time);
    return static_cast<u64>(time.tv_sec) * nanoseconds_per_second + static_cast<u64>(time.tv_nsec);
}

#if defined(__x86_64__)
u64 read_counter() { return __rdtsc(); }

u64 measure_frequency()
{
    constexpr u64 interval_nanoseconds = 1'000'000;
    u64 start_nanoseconds = host_nanoseconds();
    u64 start_counter = read_counter();
    u64 elapsed = 0;
    while ((elapsed = host_nanoseconds() - start_nanoseconds) < interval_nanoseconds) {
    }
    u64 counted = read_counter() - start_counter;
    return static_cast<u64>(static_cast<u128>(counted) * nanoseconds_per_second / elapsed);
}
#elif defined(__aarch64__)
u64 read_counter()
{
    u64 value;
    asm volatile("mrs %0, cntvct_el0" : "=r"(value));
    return value;
}

u64 measure_frequency()
{
    u64 value;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(value));
    return value & 0xffff'ffff;
}
#else
#    error "the hosted platform's cycle counter knows x86_64 and aarch64 hosts"
#endif

u64 frequency()
{
    static u64 const s_frequency = measure_frequency();
    return s_frequency;
}

}

u64 cycle_counter() { return read_counter(); }

u64 cycles_to_nanoseconds(u64 cycles)
{
    u64 counts_per_second = frequency();
    return counts_per_second == 0 ? 0 : static_cast<u64>(static_cast<u128>(cycles) * nanoseconds_per_second / counts_per_second);
}

u64 nanoseconds_to_cycles(u64 nanoseconds)
{
    return static_cast<u64>(static_cast<u128>(nanoseconds) * frequency() / nanoseconds_per_second);
}

}
