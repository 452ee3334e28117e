/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Message-signalled interrupts through the GICv2m MSI frame of QEMU virt (ADR 0016): a device
 * writes an SPI's INTID to the frame's MSI_SETSPI_NS and that SPI becomes pending in the
 * distributor, where it is enabled and disabled like any other line. The frame lies at QEMU
 * virt's fixed address next to the distributor (the device tree names it `v2m@8020000`,
 * compatible "arm,gic-v2m-frame"); which SPIs it owns is read from its MSI_TYPER. A machine
 * without the frame (MSI_TYPER reading zero or all ones) has no message lines, and neither has a
 * GICv3: its MSIs go through the ITS, which this platform does not drive (ADR 0027), so the
 * kernel refuses an MSI-X binding there and drivers take the function's INTx pin.
 */

#include "Gic.h"
#include "Mmio.h"
#include <vectra/platform/Pci.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform::aarch64 {

namespace {

constexpr uptr v2m_frame_base = 0x0802'0000;
constexpr uptr v2m_type = v2m_frame_base + 0x008;
constexpr uptr v2m_set_spi = v2m_frame_base + 0x040;
constexpr u32 first_shared_line = 32;
constexpr u32 line_capacity = 64;

struct Frame {
    bool probed { false };
    u32 first_line { 0 };
    u32 line_count { 0 };
    u64 taken { 0 }; /* bit n: first_line + n is handed out */
};
Frame s_frame;

void probe()
{
    if (s_frame.probed)
        return;
    s_frame.probed = true;
    if (gic_version() != 2)
        return;
    u32 type = mmio_read32(v2m_type);
    u32 first = (type >> 16) & 0x3ff;
    u32 count = type & 0x3ff;
    if (type == 0 || type == 0xffff'ffff || first < first_shared_line || first + count > gic_line_count())
        return;
    s_frame.first_line = first;
    s_frame.line_count = count < line_capacity ? count : line_capacity;
}

}

}

namespace vectra::platform {

using namespace aarch64;

bool allocate_message_interrupt(MessageInterrupt& message)
{
    probe();
    for (u32 index = 0; index < s_frame.line_count; ++index) {
        if (s_frame.taken & (u64(1) << index))
            continue;
        s_frame.taken |= u64(1) << index;
        message.line = s_frame.first_line + index;
        message.address = v2m_set_spi;
        message.data = message.line;
        gic_disable_line(message.line);
        return true;
    }
    return false;
}

void free_message_interrupt(u32 line)
{
    if (line < s_frame.first_line || line >= s_frame.first_line + s_frame.line_count)
        return;
    gic_disable_line(line);
    s_frame.taken &= ~(u64(1) << (line - s_frame.first_line));
}

}
