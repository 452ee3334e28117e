/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::x86_64 {

struct TimerFrequencies {
    u64 time_stamp_counter { 0 }; /* ticks per second */
    u64 local_apic_timer { 0 }; /* counts per second at divide-by-1 */
    u64 time_stamp_at_start { 0 };
};

/*
 * Measures both frequencies over one ~5 ms window of the PIT (channel 0, polled; its
 * interrupt line stays masked), then leaves the PIT quiet. Needs the local APIC initialised.
 */
[[nodiscard]] TimerFrequencies measure_timer_frequencies();

}
