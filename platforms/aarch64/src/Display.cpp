/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The boot display on aarch64 (CONFIG_DISPLAY): QEMU's ramfb, configured through the fw_cfg
 * MMIO device the device tree names (compatible "qemu,fw-cfg-mmio"): data at +0, selector at
 * +8 (big-endian), DMA address at +16 (big-endian, high half then low half; the low half starts
 * the transfer). The parsing is shared with x86_64 (vectra/platform/FirmwareConfig.h).
 */

#include "MemoryMap.h"
#include <vectra/platform/Display.h>
#include <vectra/platform/FirmwareConfig.h>
#include <vectra/Try.h>

namespace vectra::platform {

namespace {

constexpr uptr data_offset = 0;
constexpr uptr selector_offset = 8;
constexpr uptr dma_offset = 16;

struct MmioTransport {
    uptr base;

    void read_item(u16 key, std::span<u8> into)
    {
        *reinterpret_cast<u16 volatile*>(base + selector_offset) = firmware_config::swap16(key);
        for (auto& byte : into)
            byte = *reinterpret_cast<u8 volatile*>(base + data_offset);
    }

    void dma(firmware_config::DmaAccess& access)
    {
        auto address = static_cast<u64>(reinterpret_cast<uptr>(&access));
        /* The descriptor (Normal memory) is complete before the device (Device memory) is told. */
        asm volatile("dsb sy" ::: "memory");
        *reinterpret_cast<u32 volatile*>(base + dma_offset) = firmware_config::swap32(static_cast<u32>(address >> 32));
        *reinterpret_cast<u32 volatile*>(base + dma_offset + 4) = firmware_config::swap32(static_cast<u32>(address));
        asm volatile("dsb sy" ::: "memory");
    }
};

ErrorOr<MmioTransport> transport()
{
    uptr base = aarch64::firmware_config_base();
    if (base == 0)
        return Error(ErrorCode::NotFound, "ramfb: the device tree names no fw_cfg device (qemu,fw-cfg-mmio)");
    return MmioTransport { base };
}

}

ErrorOr<void> display_probe()
{
    auto device = TRY(transport());
    TRY(firmware_config::find_ramfb(device));
    return {};
}

ErrorOr<void> display_start(u8* framebuffer, DisplayMode const& mode)
{
    auto device = TRY(transport());
    return firmware_config::start_ramfb(device, framebuffer, mode);
}

void display_present(Rectangle const&) { }

}
