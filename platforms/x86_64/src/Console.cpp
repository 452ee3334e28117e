/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The console: a 16550 UART at COM1, written by polling the transmitter-empty bit.
 */

#include "Console.h"
#include <vectra/platform/Platform.h>
#include <vectra/x86_64/Cpu.h>

namespace vectra::x86_64 {

namespace {

constexpr u16 com1 = 0x3f8;
constexpr u16 data_register = com1 + 0;
constexpr u16 interrupt_enable_register = com1 + 1;
constexpr u16 divisor_low_register = com1 + 0;
constexpr u16 divisor_high_register = com1 + 1;
constexpr u16 fifo_control_register = com1 + 2;
constexpr u16 line_control_register = com1 + 3;
constexpr u16 modem_control_register = com1 + 4;
constexpr u16 line_status_register = com1 + 5;

constexpr u8 line_status_transmitter_empty = 1 << 5;
/* A UART that never drains (absent, or wedged) must not hang the image: give up waiting. */
constexpr u32 transmit_wait_limit = 1'000'000;

void put_byte(u8 byte)
{
    for (u32 attempt = 0; attempt < transmit_wait_limit; ++attempt) {
        if (in8(line_status_register) & line_status_transmitter_empty)
            break;
        asm volatile("pause");
    }
    out8(data_register, byte);
}

}

void initialize_console()
{
    out8(interrupt_enable_register, 0x00);
    out8(line_control_register, 0x80); /* divisor latch access */
    out8(divisor_low_register, 0x01); /* 115200 baud */
    out8(divisor_high_register, 0x00);
    out8(line_control_register, 0x03); /* 8 data bits, no parity, one stop bit */
    out8(fifo_control_register, 0xc7); /* enable and clear FIFOs, 14-byte threshold */
    out8(modem_control_register, 0x03); /* DTR, RTS */
}

}

namespace vectra::platform {

void console_write(char const* bytes, usize length)
{
    for (usize index = 0; index < length; ++index) {
        if (bytes[index] == '\n')
            x86_64::put_byte('\r');
        x86_64::put_byte(static_cast<u8>(bytes[index]));
    }
}

}
