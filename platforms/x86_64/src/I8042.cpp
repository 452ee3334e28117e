/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The i8042 keyboard controller's two ports and its line (vectra/platform/I8042.h): ISA IRQ 1
 * arrives through I/O APIC input 1 as line 33 (Interrupts.cpp's numbering).
 */

#include <vectra/Panic.h>
#include <vectra/platform/I8042.h>
#include <vectra/x86_64/Cpu.h>

namespace vectra::platform {

namespace {

constexpr u32 first_isa_line = 32;
constexpr u32 keyboard_irq = 1;

[[nodiscard]] bool is_i8042_port(u16 port) { return port == i8042_data_port || port == i8042_status_port; }

}

bool i8042_present() { return x86_64::in8(i8042_status_port) != 0xff; }

u8 i8042_read(u16 port)
{
    VERIFY(is_i8042_port(port));
    return x86_64::in8(port);
}

void i8042_write(u16 port, u8 value)
{
    VERIFY(is_i8042_port(port));
    x86_64::out8(port, value);
}

u32 i8042_line() { return first_isa_line + keyboard_irq; }

}
