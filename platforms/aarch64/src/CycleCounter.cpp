/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The cycle counter on aarch64 is the generic timer's virtual count (CNTVCT_EL0, the clock
 * monotonic_nanoseconds() scales) at CNTFRQ_EL0 counts per second. No instruction barrier
 * before the read: a switch's accounting may see the count a few instructions early.
 */

#include "Registers.h"
#include <vectra/platform/Platform.h>

namespace vectra::platform {

namespace {

using u128 = unsigned __int128;
constexpr u64 nanoseconds_per_second = 1'000'000'000;

u64 frequency() { return VECTRA_AARCH64_READ_REGISTER(cntfrq_el0) & 0xffff'ffff; }

}

u64 cycle_counter() { return VECTRA_AARCH64_READ_REGISTER(cntvct_el0); }

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
