/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Time from the generic timer: CNTVCT_EL0 counts at CNTFRQ_EL0; deadlines use the EL1
 * virtual timer (CNTV_CVAL_EL0, CNTV_CTL_EL0), PPI INTID 27.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::platform::aarch64 {

void timer_initialize();
/* On a CPU besides the boot CPU: its virtual timer off and its PPI 27 enabled (ADR 0034). */
void timer_initialize_secondary_cpu();

/*
 * Parks this CPU (IRQs masked) until an interrupt is pending or about `nanoseconds` passed, the
 * virtual timer lending the wake-up; the timer is then left as its executor set it. A spin wait's
 * backoff (spin_pause): under QEMU's multi-threaded TCG only wfi gives the host CPU away.
 */
void timer_nap(u64 nanoseconds);

/*
 * Called for each acknowledged timer interrupt. Returns true when the deadline has passed: the
 * timer is then disabled, so it fires once per set_deadline().
 */
[[nodiscard]] bool timer_take_expiry();

}
