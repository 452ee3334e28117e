/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::benchtasks {

/* The counter the benchmarks read, as the image's first bench line names it. */
struct CycleCounter {
    char const* source; /* "rdtsc", "pmccntr_el0", "cntvct_el0" */
    char const* unit; /* "cycles" for a cycle counter, "ticks" for a timer */
    u64 (*read)(); /* the current count; only differences between two reads mean anything */
};

/*
 * Makes the platform's cycle counter readable and counting (the aarch64 PMU needs enabling) and
 * returns how to read it. Each platform variant (src/CycleCounter_<arch>*.cpp) defines it once.
 */
[[nodiscard]] CycleCounter start_cycle_counter();

}
