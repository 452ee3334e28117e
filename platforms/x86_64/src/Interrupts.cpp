/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Interrupt lines. Line 0 is the deadline timer (local APIC timer). Other lines need I/O APIC
 * routing, which is not written yet.
 */

#include "Descriptors.h"
#include "Time.h"
#include <vectra/Panic.h>
#include <vectra/platform/Platform.h>

/* Called by the interrupt stubs in vectors.S, on the interrupt stack, with interrupts masked. */
extern "C" void platform_x86_64_interrupt(vectra::u32 vector)
{
    if (vector == vectra::x86_64::timer_vector) {
        vectra::x86_64::handle_timer_interrupt();
        return;
    }
    PANIC("x86_64: interrupt on a vector without a handler");
}

namespace vectra::platform {

void unmask_interrupt(u32 line)
{
    if (line != timer_interrupt_line())
        PANIC("x86_64: interrupt lines other than the timer (I/O APIC routing) are not supported yet");
    x86_64::set_timer_interrupt_masked(false);
}

void mask_interrupt(u32 line)
{
    if (line != timer_interrupt_line())
        PANIC("x86_64: interrupt lines other than the timer (I/O APIC routing) are not supported yet");
    x86_64::set_timer_interrupt_masked(true);
}

void wait_for_interrupt()
{
    /* STI holds interrupts off for one more instruction, so nothing can slip in between STI and
       HLT: an interrupt already pending wakes HLT at once. Its handler runs, then CLI masks
       interrupts again, as the executor expects. */
    asm volatile("sti; hlt; cli" : : : "memory");
}

}
