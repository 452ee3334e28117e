/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Power off: QEMU's isa-debug-exit device first (the only way to hand an exit status to the
 * harness: QEMU exits with (status << 1) | 1), then ACPI soft-off (S5) through the PM1a control
 * register of whichever chipset is present, then a halted CPU. Reset: the keyboard controller,
 * the chipset reset register, then a triple fault.
 */

#include <vectra/platform/Platform.h>
#include <vectra/x86_64/Cpu.h>

namespace vectra::x86_64 {

namespace {

constexpr u16 debug_exit_port = 0xf4;
constexpr u16 pci_address_port = 0xcf8;
constexpr u16 pci_data_port = 0xcfc;
constexpr u16 default_power_management_base = 0x600; /* where SeaBIOS puts it on q35 and pc */
constexpr u16 pm1a_control_offset = 4;
constexpr u16 pm1_control_sleep_enable = 1 << 13; /* with SLP_TYP 0: QEMU's S5 */
constexpr u16 keyboard_controller_status_port = 0x64;
constexpr u8 keyboard_controller_input_full = 1 << 1;
constexpr u8 keyboard_controller_pulse_reset = 0xfe;
constexpr u16 reset_control_port = 0xcf9;

u32 read_pci_configuration(u8 device, u8 function, u8 offset)
{
    out32(pci_address_port, 0x8000'0000u | (device << 11) | (function << 8) | (offset & 0xfc));
    return in32(pci_data_port);
}

/* The ACPI PM I/O base as the firmware programmed it: ICH9 LPC (q35) at 00:1f.0 or PIIX4 PM
   (pc) at 00:01.3, both at configuration offset 0x40. */
u16 power_management_base()
{
    constexpr u32 ich9_lpc = 0x2918'8086;
    constexpr u32 piix4_power_management = 0x7113'8086;
    if (read_pci_configuration(0x1f, 0, 0) == ich9_lpc) {
        u16 base = read_pci_configuration(0x1f, 0, 0x40) & 0xff80;
        if (base != 0)
            return base;
    }
    if (read_pci_configuration(0x01, 3, 0) == piix4_power_management) {
        u16 base = read_pci_configuration(0x01, 3, 0x40) & 0xffc0;
        if (base != 0)
            return base;
    }
    return default_power_management_base;
}

}

}

namespace vectra::platform {

void power_off(ExitStatus status)
{
    x86_64::disable_interrupts();
    x86_64::out32(x86_64::debug_exit_port, static_cast<u32>(status));
    x86_64::out16(x86_64::power_management_base() + x86_64::pm1a_control_offset, x86_64::pm1_control_sleep_enable);
    x86_64::halt_forever();
}

void reset()
{
    x86_64::disable_interrupts();
    for (u32 attempt = 0; attempt < 100'000; ++attempt) {
        if (!(x86_64::in8(x86_64::keyboard_controller_status_port) & x86_64::keyboard_controller_input_full))
            break;
    }
    x86_64::out8(x86_64::keyboard_controller_status_port, x86_64::keyboard_controller_pulse_reset);
    x86_64::out8(x86_64::reset_control_port, 0x02);
    x86_64::out8(x86_64::reset_control_port, 0x06); /* full reset through the chipset */

    /* A triple fault: no IDT at all, then an exception. */
    struct [[gnu::packed]] {
        u16 limit;
        u64 base;
    } empty_table { 0, 0 };
    asm volatile("lidt %0; int3" : : "m"(empty_table) : "memory");
    x86_64::halt_forever();
}

}
