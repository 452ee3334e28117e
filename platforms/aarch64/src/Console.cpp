/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The console: QEMU virt's PL011 UART, polled. Needs no set-up, so it works from the first
 * instruction of C++ and inside exception handlers.
 */

#include "Machine.h"
#include "Mmio.h"
#include <vectra/platform/Platform.h>

namespace vectra::platform {

namespace {

constexpr uptr data_register = aarch64::pl011_base + 0x00;
constexpr uptr flag_register = aarch64::pl011_base + 0x18;
constexpr u32 transmit_fifo_full = 1u << 5;

void write_byte(u8 byte)
{
    while (aarch64::mmio_read32(flag_register) & transmit_fifo_full) { }
    aarch64::mmio_write32(data_register, byte);
}

}

void console_write(char const* bytes, usize length)
{
    for (usize index = 0; index < length; ++index) {
        auto byte = static_cast<u8>(bytes[index]);
        if (byte == '\n')
            write_byte('\r');
        write_byte(byte);
    }
}

}
