/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The legacy 8259 PICs (remapped, then fully masked), the local APIC (x2APIC mode where CPUID
 * offers it, else xAPIC: LocalApicEncoding.h), which
 * delivers the timer interrupt and the software self-IPI, and the I/O APIC, which routes ISA
 * device interrupts to the boot CPU.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::x86_64 {

/* Remaps and masks both 8259s, enables the local APIC with the spurious vector, masks LINT0
   and the error LVT, keeps LINT1 as NMI, and leaves the APIC timer stopped and masked. Masks
   every I/O APIC input and aims each at the boot CPU on first_io_apic_vector + input. */
void initialize_interrupt_controllers();

/* The local APIC part of the above, for each CPU besides the boot CPU (ADR 0020): the local APIC
   is banked per CPU, its MMIO page at the same address on every CPU. */
void initialize_local_apic();

void local_apic_end_of_interrupt();
/* The APIC id of the CPU this runs on. */
[[nodiscard]] u32 local_apic_current_identifier();
/* Whether the local APICs run in x2APIC mode (CPUID offers it; ADR 0027), else xAPIC. */
[[nodiscard]] bool local_apic_in_x2apic_mode();
/* A fixed interrupt on `vector` to the CPU with APIC id `destination`; returns once the local
   APIC has sent it. */
void local_apic_send_interrupt(u32 destination, u8 vector);
/* An NMI to the CPU with APIC id `destination` (TLB shootdown, TlbShootdown.cpp): taken even
   with IF = 0. */
void local_apic_send_non_maskable(u32 destination);
/* The start-up sequence's INIT and STARTUP (at physical page << 12) messages to one CPU. */
void local_apic_send_init(u32 destination);
void local_apic_send_startup(u32 destination, u8 page);
/* The boot CPU's local APIC id: where a message-signalled interrupt is addressed. */
[[nodiscard]] u32 local_apic_identifier();

/* A fixed interrupt on `vector` to this CPU (ICR "self" shorthand). It stays pending in the
   local APIC while interrupts are masked (IF = 0) and is taken as soon as they are not. */
void local_apic_send_self_interrupt(u8 vector);

/* Inputs of the I/O APIC at QEMU's fixed address 0xfec00000 (0 when there is none). Inputs are
   edge-triggered, active high: ISA IRQ n is input n on q35 and pc (except IRQ 0, the PIT, which
   QEMU wires to input 2). */
[[nodiscard]] u32 io_apic_input_count();
/* Inputs 16-23 are PCI INTx wires (PIRQ A-H on q35, ADR 0021): level-triggered, active low, on
   vectors 0x60-0x67, masked until the kernel binds a function's pin. How many there are (0-8). */
[[nodiscard]] u32 io_apic_pci_input_count();
/* Where the I/O APIC's registers are (the MADT must list the same, with GSI base 0). */
[[nodiscard]] u64 io_apic_address();
void io_apic_set_masked(u32 input, bool masked);

/* The APIC timer in one-shot mode, divide-by-1, on timer_vector. */
void local_apic_start_timer(u32 initial_count, bool masked);
void local_apic_stop_timer();
[[nodiscard]] u32 local_apic_timer_current_count();

}
