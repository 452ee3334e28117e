/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Bare-metal aarch64 at EL1: the PMU cycle counter PMCCNTR_EL0, enabled here. If it does not
 * advance (a CPU or emulator without a PMU), the generic timer's virtual count CNTVCT_EL0 is used
 * instead and reported as ticks: a timer, not a cycle count.
 */

#include <benchtasks/CycleCounter.h>

namespace vectra::benchtasks {

namespace {

u64 read_pmu_cycles()
{
    u64 value = 0;
    asm volatile("isb\n\tmrs %0, pmccntr_el0" : "=r"(value)::"memory");
    return value;
}

u64 read_timer_ticks()
{
    u64 value = 0;
    asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(value)::"memory");
    return value;
}

}

CycleCounter start_cycle_counter()
{
    u64 control = 0;
    asm volatile("mrs %0, pmcr_el0" : "=r"(control));
    /* E: enable the counters; LC: the cycle counter overflows at 64 bits, not 32. */
    control |= (1u << 0) | (1u << 6);
    asm volatile("msr pmccfiltr_el0, xzr\n\t" /* count at EL0 and EL1 */
                 "msr pmcr_el0, %0\n\t"
                 "msr pmcntenset_el0, %1\n\t" /* C: the cycle counter */
                 "isb" ::"r"(control),
                 "r"(u64(1) << 31)
                 : "memory");
    u64 first = read_pmu_cycles();
    u64 volatile work = 0;
    for (u32 step = 0; step < 10000; ++step)
        work = work + step;
    if (read_pmu_cycles() == first)
        return { "cntvct_el0", "ticks", read_timer_ticks };
    return { "pmccntr_el0", "cycles", read_pmu_cycles };
}

}
