/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The monotonic clock (TSC) and the one-shot deadline timer (local APIC timer).
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::x86_64 {

/* Measures the TSC and APIC-timer frequencies against the PIT (or takes the TSC frequency from
   CPUID leaf 0x15 when the CPU states it). Needs the local APIC initialised. */
void calibrate_timers();

/* The timer vector's handler: delivers the deadline once it is reached, re-arms otherwise. */
void handle_timer_interrupt();

/* mask_interrupt / unmask_interrupt for the timer line. Unmasked at boot. */
void set_timer_interrupt_masked(bool masked);

}
