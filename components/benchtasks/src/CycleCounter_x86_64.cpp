/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * x86_64: the time-stamp counter, in ring 0 (images) and ring 3 (hosted) alike. It counts
 * reference cycles at a constant rate, not core clock cycles; under QEMU TCG it is the host's TSC.
 */

#include <benchtasks/CycleCounter.h>

namespace vectra::benchtasks {

namespace {

u64 read_time_stamp_counter()
{
    u32 low = 0;
    u32 high = 0;
    /* lfence: earlier instructions complete before the counter is read. */
    asm volatile("lfence\n\trdtsc" : "=a"(low), "=d"(high)::"memory");
    return (u64(high) << 32) | low;
}

}

CycleCounter start_cycle_counter() { return { "rdtsc", "cycles", read_time_stamp_counter }; }

}
