/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted platform tested on its own. These tests link the platform without the kernel and
 * supply the callbacks the platform makes (kernel::interrupt_arrived, kernel::cpu_fault, panic),
 * so they can watch exactly what the platform delivers. cpu_fault behaves like a containing
 * kernel: a fault inside a fiber run by run_fiber() is recorded and the fiber is left for good
 * with jump_fcontext; a fault anywhere else prints "FAULT: <kind> address=0x..." and ends the
 * process with status 3. A panic prints "PANIC: <message>" and ends it with status 2.
 */

#pragma once

#include <vectra/Types.h>
#include <vectra/platform/Platform.h>

namespace vectra::test {

/* How often interrupt_arrived(line) was called (lines 0-63). */
[[nodiscard]] u64 interrupts_arrived(u32 line);
[[nodiscard]] u32 last_interrupt_line();

/* processor_started(index) idles like the kernel's: current_processor() + 1 as that CPU saw it
   (0 before it started), and a wake-up sent with wake_and_wait answered within the timeout. */
[[nodiscard]] u32 processor_index_seen(u32 index);
[[nodiscard]] bool wake_and_wait(u32 index, u64 timeout_nanoseconds);

/* Runs `body` on the stack [stack_bottom, stack_bottom + stack_size); true when it faulted. */
[[nodiscard]] bool run_fiber(void (*body)(), uptr stack_bottom, usize stack_size);
[[nodiscard]] u32 faults_reported();
[[nodiscard]] platform::FaultReport const& last_fault();

/* The next cpu_fault writes to `address` before anything else (a fault inside fault reporting). */
void fault_inside_next_report(uptr address);

}
