/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The legacy 8259 PICs (remapped, then fully masked) and the local APIC in xAPIC mode, which
 * delivers the timer interrupt.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::x86_64 {

/* Remaps and masks both 8259s, enables the local APIC with the spurious vector, masks LINT0
   and the error LVT, keeps LINT1 as NMI, and leaves the APIC timer stopped and masked. */
void initialize_interrupt_controllers();

void local_apic_end_of_interrupt();

/* The APIC timer in one-shot mode, divide-by-1, on timer_vector. */
void local_apic_start_timer(u32 initial_count, bool masked);
void local_apic_stop_timer();
[[nodiscard]] u32 local_apic_timer_current_count();

}
