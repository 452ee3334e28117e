/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The frequencies the x86_64 platform measured at boot, for benchmarks that count cycles and
 * for the boot log. Both are 0 until calibration has run (before kernel::boot).
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::x86_64 {

/* Ticks per second of the time-stamp counter that monotonic_nanoseconds() is built on. */
[[nodiscard]] u64 time_stamp_counter_frequency();

/* Counts per second of the local APIC timer (divide-by-1) that set_deadline() programs. */
[[nodiscard]] u64 local_apic_timer_frequency();

}
