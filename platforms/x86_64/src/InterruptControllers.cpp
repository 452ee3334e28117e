/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "InterruptControllers.h"
#include "Descriptors.h"
#include "LocalApicEncoding.h"
#include <vectra/Panic.h>
#include <vectra/x86_64/Cpu.h>

namespace vectra::x86_64 {

namespace {

constexpr u16 master_command_port = 0x20;
constexpr u16 master_data_port = 0x21;
constexpr u16 slave_command_port = 0xa0;
constexpr u16 slave_data_port = 0xa1;

using namespace local_apic;

constexpr u64 apic_base_address_mask = 0x000f'ffff'ffff'f000;
constexpr u32 cpuid_features_apic = 1 << 9;

/* Register offsets in the xAPIC MMIO page (LocalApicEncoding.h has the ones both modes name specially). */
constexpr u32 task_priority_register = 0x080;
constexpr u32 end_of_interrupt_register = 0x0b0;
constexpr u32 spurious_vector_register = 0x0f0;
constexpr u32 error_status_register = 0x280;
constexpr u32 lvt_timer_register = 0x320;
constexpr u32 lvt_lint0_register = 0x350;
constexpr u32 lvt_lint1_register = 0x360;
constexpr u32 lvt_error_register = 0x370;
constexpr u32 timer_initial_count_register = 0x380;
constexpr u32 timer_current_count_register = 0x390;
constexpr u32 timer_divide_register = 0x3e0;

constexpr u32 spurious_vector_apic_enable = 1 << 8;
constexpr u32 lvt_masked = 1 << 16;
constexpr u32 lvt_delivery_nmi = 4 << 8;
constexpr u32 timer_divide_by_1 = 0b1011;
/* Interrupt command: fixed delivery, physical, assert, edge; the "self" destination shorthand. */
constexpr u32 command_delivery_pending = 1 << 12;
constexpr u32 command_level_assert = 1 << 14;
constexpr u32 command_shorthand_self = 1 << 18;
constexpr u32 command_delivery_non_maskable = 4 << 8;
constexpr u32 command_delivery_init = 5 << 8;
constexpr u32 command_delivery_startup = 6 << 8;
constexpr u32 command_trigger_level = 1 << 15;

/* The I/O APIC: an index register and a data window. */
constexpr uptr io_apic_base = 0xfec0'0000;
constexpr u32 io_apic_select_offset = 0x00;
constexpr u32 io_apic_window_offset = 0x10;
constexpr u32 io_apic_version_index = 0x01;
constexpr u32 io_apic_redirection_index = 0x10; /* input n: 0x10 + 2n (low), 0x11 + 2n (high) */
constexpr u32 redirection_masked = 1 << 16; /* fixed, physical, active high, edge, masked */
constexpr u32 redirection_level = 1 << 15;
constexpr u32 redirection_active_low = 1 << 13;

volatile u32* s_local_apic = nullptr; /* xAPIC mode: the MMIO page */
bool s_x2apic = false; /* x2APIC mode (ADR 0027), on every CPU once the boot CPU chose it */
u32 s_io_apic_inputs = 0;
u32 s_pci_inputs = 0; /* inputs 16 to 16 + this - 1: PCI INTx wires */
u32 s_boot_cpu_apic_identifier = 0;

u32 read_register(u32 offset)
{
    if (s_x2apic)
        return static_cast<u32>(read_model_specific_register(x2apic_register(offset)));
    return s_local_apic[offset / 4];
}

void write_register(u32 offset, u32 value)
{
    if (s_x2apic)
        write_model_specific_register(x2apic_register(offset), value);
    else
        s_local_apic[offset / 4] = value;
}

u32 read_io_apic(u32 index)
{
    auto* io_apic = reinterpret_cast<volatile u32*>(io_apic_base);
    io_apic[io_apic_select_offset / 4] = index;
    return io_apic[io_apic_window_offset / 4];
}

void write_io_apic(u32 index, u32 value)
{
    auto* io_apic = reinterpret_cast<volatile u32*>(io_apic_base);
    io_apic[io_apic_select_offset / 4] = index;
    io_apic[io_apic_window_offset / 4] = value;
}

/* Input 16-23: a PCI INTx wire (PIRQ A-H), level-triggered and active low (ADR 0021). */
[[nodiscard]] bool is_pci_input(u32 input) { return input >= io_apic_vector_count && input < io_apic_vector_count + pci_io_apic_vector_count; }

void write_redirection(u32 input, bool masked)
{
    u32 low = is_pci_input(input)
        ? (first_pci_io_apic_vector + input - io_apic_vector_count) | redirection_level | redirection_active_low
        : first_io_apic_vector + input;
    low |= masked ? redirection_masked : 0;
    /* Mask first, then aim, then (maybe) unmask: no half-written entry is ever live. */
    write_io_apic(io_apic_redirection_index + 2 * input, redirection_masked | low);
    write_io_apic(io_apic_redirection_index + 2 * input + 1, s_boot_cpu_apic_identifier << 24);
    write_io_apic(io_apic_redirection_index + 2 * input, low);
}

void initialize_io_apic()
{
    /* Reads of a missing device return all ones; a real I/O APIC names at least 16 inputs. */
    u32 version = read_io_apic(io_apic_version_index);
    u32 inputs = ((version >> 16) & 0xff) + 1;
    if (version == 0xffff'ffff || inputs < io_apic_vector_count)
        return;
    for (u32 input = 0; input < inputs; ++input) {
        if (input < io_apic_vector_count || is_pci_input(input))
            write_redirection(input, true);
        else
            write_io_apic(io_apic_redirection_index + 2 * input, redirection_masked | spurious_vector);
    }
    s_io_apic_inputs = io_apic_vector_count;
    s_pci_inputs = inputs > io_apic_vector_count + pci_io_apic_vector_count ? pci_io_apic_vector_count
                                                                            : inputs - io_apic_vector_count;
}

void mask_legacy_pics()
{
    /* ICW1..ICW4: edge-triggered cascade, vectors 0x20-0x2f, 8086 mode; then mask every line,
       so a stray legacy interrupt can never land on an exception vector. */
    out8(master_command_port, 0x11);
    io_delay();
    out8(slave_command_port, 0x11);
    io_delay();
    out8(master_data_port, first_legacy_pic_vector);
    io_delay();
    out8(slave_data_port, first_legacy_pic_vector + 8);
    io_delay();
    out8(master_data_port, 0x04);
    io_delay();
    out8(slave_data_port, 0x02);
    io_delay();
    out8(master_data_port, 0x01);
    io_delay();
    out8(slave_data_port, 0x01);
    io_delay();
    out8(master_data_port, 0xff);
    out8(slave_data_port, 0xff);
}

/* xAPIC only: x2APIC's interrupt command has no delivery-status bit (a write is sent). */
void wait_for_command_delivery()
{
    while (!s_x2apic && (read_register(interrupt_command_low_register) & command_delivery_pending)) { }
}

/* An interrupt command to the CPU whose APIC id is `destination` (xAPIC: 8-bit ids; x2APIC: 32-bit). */
void send_command(u32 destination, u32 command)
{
    InterruptsMasked masked;
    if (s_x2apic) {
        write_model_specific_register(x2apic_register(interrupt_command_low_register), x2apic_command(destination, command));
        return;
    }
    wait_for_command_delivery();
    write_register(interrupt_command_high_register, xapic_command_high(destination));
    write_register(interrupt_command_low_register, command);
    wait_for_command_delivery();
}

}

void initialize_local_apic()
{
    if (!(cpuid(1).edx & cpuid_features_apic))
        PANIC("x86_64: this CPU has no local APIC; the deadline timer needs one");
    u64 apic_base = read_model_specific_register(apic_base_msr);
    /* x2APIC where the CPU has it (or firmware already chose it); the boot CPU decides for all. */
    if (!s_local_apic && !s_x2apic)
        s_x2apic = (apic_base & apic_base_x2apic_enable) || (cpuid(1).ecx & cpuid_features_x2apic);
    if (s_x2apic) {
        if (!(apic_base & apic_base_x2apic_enable))
            write_model_specific_register(apic_base_msr, enabled_base(apic_base, false));
        write_model_specific_register(apic_base_msr, enabled_base(apic_base, true));
    } else {
        u64 address = apic_base & apic_base_address_mask;
        if (address >= 4 * GiB)
            PANIC("x86_64: the local APIC lies above the 4 GiB identity map");
        write_model_specific_register(apic_base_msr, enabled_base(apic_base, false));
        s_local_apic = reinterpret_cast<volatile u32*>(address);
    }

    write_register(spurious_vector_register, spurious_vector_apic_enable | spurious_vector);
    write_register(task_priority_register, 0);
    write_register(lvt_lint0_register, lvt_masked);
    write_register(lvt_lint1_register, lvt_delivery_nmi);
    write_register(lvt_error_register, lvt_masked | spurious_vector);
    write_register(error_status_register, 0);
    write_register(error_status_register, 0);
    local_apic_stop_timer();
    write_register(timer_divide_register, timer_divide_by_1);
    local_apic_end_of_interrupt();
}

void initialize_interrupt_controllers()
{
    mask_legacy_pics();
    initialize_local_apic();
    s_boot_cpu_apic_identifier = local_apic_current_identifier();
    initialize_io_apic();
}

u32 local_apic_current_identifier() { return identifier_from(read_register(identifier_register), s_x2apic); }

bool local_apic_in_x2apic_mode() { return s_x2apic; }

void local_apic_send_interrupt(u32 destination, u8 vector)
{
    send_command(destination, command_level_assert | vector);
}

void local_apic_send_non_maskable(u32 destination)
{
    send_command(destination, command_delivery_non_maskable | command_level_assert);
}

void local_apic_send_init(u32 destination)
{
    send_command(destination, command_delivery_init | command_level_assert | command_trigger_level);
}

void local_apic_send_startup(u32 destination, u8 page)
{
    send_command(destination, command_delivery_startup | command_level_assert | page);
}

void local_apic_end_of_interrupt() { write_register(end_of_interrupt_register, 0); }

u32 local_apic_identifier() { return s_boot_cpu_apic_identifier; }

void local_apic_start_timer(u32 initial_count, bool masked)
{
    write_register(lvt_timer_register, timer_vector | (masked ? lvt_masked : 0)); /* one-shot */
    write_register(timer_initial_count_register, initial_count);
}

void local_apic_stop_timer()
{
    write_register(lvt_timer_register, lvt_masked | timer_vector);
    write_register(timer_initial_count_register, 0);
}

u32 local_apic_timer_current_count() { return read_register(timer_current_count_register); }

void local_apic_send_self_interrupt(u8 vector)
{
    send_command(0, command_shorthand_self | command_level_assert | vector);
}

u32 io_apic_input_count() { return s_io_apic_inputs; }

u32 io_apic_pci_input_count() { return s_pci_inputs; }

u64 io_apic_address() { return io_apic_base; }

void io_apic_set_masked(u32 input, bool masked)
{
    VERIFY(input < s_io_apic_inputs || (is_pci_input(input) && input - io_apic_vector_count < s_pci_inputs));
    InterruptsMasked guard;
    write_redirection(input, masked);
}

}
