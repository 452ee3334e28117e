/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A hosted process on aarch64: Linux does not let user space read the PMU, so this reads the
 * generic timer's virtual count CNTVCT_EL0 (which it does allow) and reports ticks.
 */

#include <benchtasks/CycleCounter.h>

namespace vectra::benchtasks {

namespace {

u64 read_timer_ticks()
{
    u64 value = 0;
    asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(value)::"memory");
    return value;
}

}

CycleCounter start_cycle_counter() { return { "cntvct_el0", "ticks", read_timer_ticks }; }

}
