/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The boot display on x86_64 (CONFIG_DISPLAY): QEMU's ramfb, configured through fw_cfg — the
 * traditional interface at I/O ports 0x510 (selector) and 0x511 (data) for the signature and
 * feature items, the DMA interface at 0x514 for everything else. The parsing is shared with
 * aarch64 (vectra/platform/FirmwareConfig.h). ramfb scans the framebuffer out by itself.
 */

#include <vectra/platform/Display.h>
#include <vectra/platform/FirmwareConfig.h>
#include <vectra/Try.h>
#include <vectra/x86_64/Cpu.h>

namespace vectra::platform {

namespace {

constexpr u16 selector_port = 0x510;
constexpr u16 data_port = 0x511;
constexpr u16 dma_port_high = 0x514;
constexpr u16 dma_port_low = 0x518;

struct PortTransport {
    void read_item(u16 key, std::span<u8> into)
    {
        x86_64::out16(selector_port, key);
        for (auto& byte : into)
            byte = x86_64::in8(data_port);
    }

    /* The address register is big-endian; writing its low half starts the transfer. */
    void dma(firmware_config::DmaAccess& access)
    {
        auto address = static_cast<u64>(reinterpret_cast<uptr>(&access));
        x86_64::out32(dma_port_high, firmware_config::swap32(static_cast<u32>(address >> 32)));
        x86_64::out32(dma_port_low, firmware_config::swap32(static_cast<u32>(address)));
    }
};

}

ErrorOr<void> display_probe()
{
    PortTransport transport;
    TRY(firmware_config::find_ramfb(transport));
    return {};
}

ErrorOr<void> display_start(u8* framebuffer, DisplayMode const& mode)
{
    PortTransport transport;
    return firmware_config::start_ramfb(transport, framebuffer, mode);
}

void display_present(Rectangle const&) { }

}
