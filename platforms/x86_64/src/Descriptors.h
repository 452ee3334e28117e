/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The 64-bit GDT (code, data, TSS), the TSS with its interrupt stacks, and the IDT.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::x86_64 {

/* Interrupt vectors. vectors.S generates the stubs for exactly these numbers. */
constexpr u8 first_legacy_pic_vector = 0x20;
constexpr u8 timer_vector = 0x30;
constexpr u8 software_vector = 0x31;
constexpr u8 wakeup_vector = 0x32; /* the wake-up IPI between CPUs (ADR 0020); 0x33, 0x34 reserved */
constexpr u8 first_io_apic_vector = 0x40; /* I/O APIC input n (ISA IRQ n) arrives on 0x40 + n */
constexpr u8 io_apic_vector_count = 16;
/* I/O APIC inputs 16-23 (PIRQ A-H, a PCI function's INTx, ADR 0021) arrive on 0x60 + input - 16. */
constexpr u8 first_pci_io_apic_vector = 0x60;
constexpr u8 pci_io_apic_vector_count = 8;
constexpr u8 first_message_vector = 0x50; /* MSI-X entries the kernel bound (ADR 0016): 0x50-0x5f */
constexpr u8 message_vector_count = 16;
constexpr u8 spurious_vector = 0xff;

constexpr u16 kernel_code_selector = 0x08;
constexpr u16 kernel_data_selector = 0x10;
constexpr u16 task_state_selector = 0x18;
/*
 * User-mode segments, laid out as SYSRET needs them: STAR names 0x28 and SYSRET loads SS from
 * 0x28 + 8 and CS from 0x28 + 16 (RPL 3). 0x28 itself is unused (the 32-bit user code SYSRET
 * would take for a 32-bit return, which never happens here).
 */
constexpr u16 user_base_selector = 0x28;
constexpr u16 user_data_selector = 0x30 | 3;
constexpr u16 user_code_selector = 0x38 | 3;

/* Loads CPU 0's GDT and TSS, fills and loads the IDT. Interrupts stay masked. */
void initialize_descriptor_tables();
/* On CPU `index` (not 0), after initialize_descriptor_tables ran on CPU 0: its own GDT, TSS and
   IST stacks, and the shared IDT. */
void initialize_processor_descriptor_tables(u32 index);

/* The stack the CPU switches to on an interrupt from user mode through a gate without IST (none today). */
void set_privileged_stack(u64 top);

/* SYSCALL/SYSRET and the CPU's user-mode protections (src/Domains.cpp; nothing without CONFIG_DOMAINS). */
void initialize_user_mode();
/* Where the RAM the kernel may be given ends (ADR 0027): 4 GiB with protection domains (each
   domain's tables copy boot.S's four page directories, src/Domains.cpp), else the most the
   identity map can grow to (paging::maximum_mapped_end). */
[[nodiscard]] u64 usable_memory_end();

/* True when `address` lies on one of the stacks exceptions run on (a fault inside a fault). */
[[nodiscard]] bool is_on_exception_stack(u64 address);

}
