/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Interrupt lines:
 *   0        the deadline timer (local APIC timer, vector 0x30);
 *   1        the software line (local APIC self-IPI, vector 0x31);
 *   32 + n   ISA IRQ n through the I/O APIC (vector 0x40 + n), n = 1 and 3-15;
 *   32 + g   PCI INTx on GSI g = 16-23 (PIRQ A-H; vector 0x60 + g - 16), level, active low (ADR 0021);
 *   64 + n   message-signalled interrupt n (vector 0x50 + n), n = 0-15, handed out by
 *            allocate_message_interrupt for the MSI-X entries the kernel binds (ADR 0016).
 * Every line but the timer starts masked. A message line is masked in the device's MSI-X
 * table (the local APIC cannot mask one vector): the kernel does that, not this file.
 */

#include "Descriptors.h"
#include "InterruptControllers.h"
#include "Time.h"
#include "TlbShootdown.h"
#include <vectra/Panic.h>
#include <vectra/platform/Pci.h>
#include <vectra/platform/Platform.h>
#include <vectra/x86_64/Cpu.h>

namespace vectra::x86_64 {

namespace {

constexpr u32 software_line = 1;
constexpr u32 first_isa_line = 32;
constexpr u32 cascade_irq = 2; /* the 8259 cascade: no device behind it */
constexpr u32 first_message_line = 64;
constexpr u64 message_address = 0xfee0'0000; /* the local APIC's MSI window; destination id in bits 12-19 */

/* Which message lines are handed out (bit n: line 64 + n). Only touched with interrupts masked. */
u32 s_message_lines_taken = 0;

[[nodiscard]] bool is_message_line(u32 line)
{
    return line >= first_message_line && line < first_message_line + message_vector_count;
}

/*
 * The local APIC cannot mask one IPI vector, so the software line is masked here: a trigger
 * while masked (or a self-IPI that arrives after masking) is remembered, and unmasking sends
 * it again. Only touched with interrupts masked.
 */
struct SoftwareLine {
    bool masked { true };
    bool pending { false };
};
SoftwareLine s_software_line;

void handle_software_interrupt()
{
    local_apic_end_of_interrupt();
    if (s_software_line.masked) {
        s_software_line.pending = true;
        return;
    }
    kernel::interrupt_arrived(software_line);
}

void set_software_line_masked(bool masked)
{
    InterruptsMasked guard;
    s_software_line.masked = masked;
    if (!masked && s_software_line.pending) {
        s_software_line.pending = false;
        local_apic_send_self_interrupt(software_vector);
    }
}

/* The I/O APIC input behind `line`, or -1 when the line is not an ISA line this platform routes. */
[[nodiscard]] i32 io_apic_input_of(u32 line)
{
    if (line < first_isa_line)
        return -1;
    u32 irq = line - first_isa_line;
    if (irq >= io_apic_vector_count && irq - io_apic_vector_count < io_apic_pci_input_count())
        return static_cast<i32>(irq); /* a PCI INTx wire (GSI 16-23) */
    if (irq == 0 || irq == cascade_irq || irq >= io_apic_input_count())
        return -1;
    return static_cast<i32>(irq);
}

void set_line_masked(u32 line, bool masked)
{
    if (line == platform::timer_interrupt_line()) {
        set_timer_interrupt_masked(masked);
        return;
    }
    if (line == software_line) {
        set_software_line_masked(masked);
        return;
    }
    if (is_message_line(line))
        return; /* masked in the device's MSI-X table by the kernel */
    i32 input = io_apic_input_of(line);
    if (input < 0)
        PANIC("x86_64: no such interrupt line (lines: 0 timer, 1 software, 33 and 35-47 ISA IRQs, 48-55 PCI INTx, 64-79 messages)");
    io_apic_set_masked(static_cast<u32>(input), masked);
}

}

}

/* Called by the interrupt stubs in vectors.S, on the interrupt stack, with interrupts masked. */
extern "C" void platform_x86_64_interrupt(vectra::u32 vector)
{
    using namespace vectra;
    using namespace vectra::x86_64;
    if (vector == timer_vector) {
        handle_timer_interrupt();
        return;
    }
    if (vector == software_vector) {
        handle_software_interrupt();
        return;
    }
    if (vector == wakeup_vector) {
        /* A wake-up between CPUs (ADR 0020): its meaning is in kernel memory; waking was all. */
        local_apic_end_of_interrupt();
        return;
    }
    if (vector >= first_io_apic_vector && vector < first_io_apic_vector + io_apic_vector_count) {
        /* Edge-triggered: the local APIC's EOI is all the I/O APIC needs. */
        kernel::interrupt_arrived(first_isa_line + (vector - first_io_apic_vector));
        local_apic_end_of_interrupt();
        return;
    }
    if (vector >= first_pci_io_apic_vector && vector < first_pci_io_apic_vector + pci_io_apic_vector_count) {
        /* Level-triggered: the kernel masks the input before the EOI clears its Remote IRR, so a
           wire still asserted waits for the acknowledge instead of firing again at once. */
        kernel::interrupt_arrived(first_isa_line + io_apic_vector_count + (vector - first_pci_io_apic_vector));
        local_apic_end_of_interrupt();
        return;
    }
    if (vector >= first_message_vector && vector < first_message_vector + message_vector_count) {
        kernel::interrupt_arrived(first_message_line + (vector - first_message_vector));
        local_apic_end_of_interrupt();
        return;
    }
    PANIC("x86_64: interrupt on a vector without a handler");
}

/* Called by vectors.S after an interrupt from user mode was handled, on the Task's kernel stack. */
extern "C" void platform_x86_64_interrupted_user_mode() { vectra::kernel::interrupted_user_mode(); }

namespace vectra::platform {

void unmask_interrupt(u32 line) { x86_64::set_line_masked(line, false); }

void mask_interrupt(u32 line) { x86_64::set_line_masked(line, true); }

u32 software_interrupt_line() { return x86_64::software_line; }

bool host_lines_raised() { return false; }

void deliver_host_lines() { }

bool allocate_message_interrupt(MessageInterrupt& message)
{
    using namespace x86_64;
    InterruptsMasked guard;
    for (u32 index = 0; index < message_vector_count; ++index) {
        if (s_message_lines_taken & (1u << index))
            continue;
        s_message_lines_taken |= 1u << index;
        message.line = first_message_line + index;
        message.address = message_address | (u64(local_apic_identifier() & 0xff) << 12);
        message.data = first_message_vector + index; /* fixed delivery, edge */
        return true;
    }
    return false;
}

void free_message_interrupt(u32 line)
{
    using namespace x86_64;
    if (!is_message_line(line))
        return;
    InterruptsMasked guard;
    s_message_lines_taken &= ~(1u << (line - first_message_line));
}

void trigger_software_interrupt()
{
    x86_64::InterruptsMasked guard;
    if (x86_64::s_software_line.masked)
        x86_64::s_software_line.pending = true;
    else
        x86_64::local_apic_send_self_interrupt(x86_64::software_vector);
}

void wait_for_interrupt()
{
    /* STI holds interrupts off for one more instruction, so nothing can slip in between STI and
       HLT: an interrupt already pending wakes HLT at once. Its handler runs, then CLI masks
       interrupts again, as the executor expects. */
    x86_64::enter_park();
    asm volatile("sti; hlt; cli" : : : "memory");
    /* Before anything else runs: a shootdown that excused this CPU while it was parked is answered here. */
    x86_64::leave_park();
}

}
