/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The cycle counter on x86_64 is the time-stamp counter (invariant under QEMU and on every CPU
 * this targets, the same clock monotonic_nanoseconds() scales), converted with the frequency
 * measured at boot (Time.cpp).
 */

#include <vectra/platform/Platform.h>
#include <vectra/x86_64/Clock.h>
#include <vectra/x86_64/Cpu.h>

namespace vectra::platform {

namespace {

using u128 = unsigned __int128;
constexpr u64 nanoseconds_per_second = 1'000'000'000;

}

u64 cycle_counter() { return x86_64::read_time_stamp_counter(); }

u64 cycles_to_nanoseconds(u64 cycles)
{
    u64 frequency = x86_64::time_stamp_counter_frequency();
    return frequency == 0 ? 0 : static_cast<u64>(static_cast<u128>(cycles) * nanoseconds_per_second / frequency);
}

u64 nanoseconds_to_cycles(u64 nanoseconds)
{
    return static_cast<u64>(static_cast<u128>(nanoseconds) * x86_64::time_stamp_counter_frequency() / nanoseconds_per_second);
}

}
