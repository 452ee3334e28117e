/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <signal.h>
#include <vectra/Types.h>
#include <vectra/platform/hosted/Faults.h>

namespace vectra::platform::hosted {

/* Architecture-specific reads of a signal's machine context. */
[[nodiscard]] u64 instruction_pointer(void const* ucontext);
[[nodiscard]] u64 stack_pointer(void const* ucontext);

/* The deadline timer (Time.cpp), as seen by wait_for_interrupt (Interrupts.cpp). */
constexpr u32 timer_line = 0;
void set_timer_masked(bool masked);
/* The armed deadline in monotonic nanoseconds, 0 when none. */
[[nodiscard]] u64 armed_deadline();
/* True once, when the deadline has passed and the line is unmasked: the deadline is then disarmed. */
[[nodiscard]] bool take_expired_deadline();

}
