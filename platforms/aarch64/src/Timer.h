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

/*
 * Called for each acknowledged timer interrupt. Returns true when the deadline has passed: the
 * timer is then disabled, so it fires once per set_deadline().
 */
[[nodiscard]] bool timer_take_expiry();

}
