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
constexpr u8 first_io_apic_vector = 0x40; /* I/O APIC input n (ISA IRQ n) arrives on 0x40 + n */
constexpr u8 io_apic_vector_count = 16;
constexpr u8 spurious_vector = 0xff;

constexpr u16 kernel_code_selector = 0x08;
constexpr u16 kernel_data_selector = 0x10;
constexpr u16 task_state_selector = 0x18;

/* Loads the GDT and TSS, fills and loads the IDT. Interrupts stay masked. */
void initialize_descriptor_tables();

/* True when `address` lies on one of the stacks exceptions run on (a fault inside a fault). */
[[nodiscard]] bool is_on_exception_stack(u64 address);

}
