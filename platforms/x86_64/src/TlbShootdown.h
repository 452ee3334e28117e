/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * TLB shootdown between CPUs (ADR 0033): after a page-table change that takes access away (a
 * guard page set), every other online CPU drops its cached translations before the change counts.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::x86_64 {

/* Asks every other online CPU to flush its TLB and waits until each has. Interrupts masked; the
   caller has already changed the entry and invalidated it on this CPU. */
void shoot_down_translations();

/* Shootdowns this CPU asked for since boot (for the boot check's report). */
[[nodiscard]] u64 shootdowns_sent();

/*
 * Around the park in wait_for_interrupt(): a parked CPU is not sent the shootdown NMI; it flushes
 * its TLB in leave_park() if a shootdown asked it to meanwhile, before it returns to the caller.
 */
void enter_park();
void leave_park();
[[nodiscard]] bool is_parked(u32 index);

/* Checks, while CPU `index` has just started and spins in its start-up path, that a guard set
   from the boot CPU faults there (Processors.cpp calls the two halves). */
void check_shootdown_from_boot_processor(u32 index);
void check_shootdown_as_target();

}
