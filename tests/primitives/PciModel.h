/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A software model of PCI configuration space for host tests and fuzz targets: functions at
 * (bus, device, function), absent ones reading all-ones, BAR registers keeping only the address
 * bits their size allows (so sizing by writing all-ones works as on hardware).
 */

#pragma once

#include <array>
#include <cstring>
#include <map>
#include <tuple>
#include <vectra/kernel/Pci.h>

namespace vectra::test {

/* One function's configuration space; BAR registers keep only the bits their size lets them. */
struct ModelFunction {
    std::array<u8, 4096> bytes {};
    std::array<u64, 6> bar_masks {}; /* writable address bits, per register */
    std::array<u32, 6> bar_flags {}; /* read-only low bits, per register (none in a 64-bit BAR's upper half) */

    u32 get(u16 offset, u8 width) const
    {
        u32 value = 0;
        std::memcpy(&value, &bytes[offset], width);
        return value;
    }
    void put(u16 offset, u8 width, u32 value) { std::memcpy(&bytes[offset], &value, width); }
};

class ConfigModel final : public kernel::pci::ConfigAccess {
public:
    ModelFunction& add(u8 bus, u8 device, u8 function, u16 vendor, u16 device_id, u8 class_code, u8 subclass)
    {
        auto& added = m_functions[{ bus, device, function }];
        added.put(0x00, 2, vendor);
        added.put(0x02, 2, device_id);
        added.put(0x08, 4, (u32(class_code) << 24) | (u32(subclass) << 16) | 0x01);
        return added;
    }
    /* A BAR of `size` bytes: I/O (flags 1), 32-bit memory (0), 64-bit prefetchable memory (0xc). */
    static void bar(ModelFunction& function, usize index, u64 size, u32 flags, u64 address = 0)
    {
        u16 offset = static_cast<u16>(0x10 + index * 4);
        u64 mask = ~(size - 1);
        function.bar_masks[index] = static_cast<u32>(mask) & ~u32(flags & 1 ? 3 : 0xf);
        function.bar_flags[index] = flags;
        function.put(offset, 4, static_cast<u32>(address) | flags);
        if ((flags & 6) == 4) {
            function.bar_masks[index + 1] = static_cast<u32>(mask >> 32);
            function.put(static_cast<u16>(offset + 4), 4, static_cast<u32>(address >> 32));
        }
    }

    u32 read(kernel::pci::Address address, u16 offset, u8 width) override
    {
        auto found = m_functions.find({ address.bus, address.device, address.function });
        if (found == m_functions.end())
            return width == 4 ? 0xffff'ffff : (1u << (width * 8)) - 1;
        return found->second.get(offset, width);
    }
    void write(kernel::pci::Address address, u16 offset, u8 width, u32 value) override
    {
        ++writes;
        auto found = m_functions.find({ address.bus, address.device, address.function });
        if (found == m_functions.end())
            return;
        auto& function = found->second;
        if (offset >= 0x10 && offset < 0x28 && width == 4) {
            usize index = (offset - 0x10) / 4;
            if (function.bar_masks[index] == 0)
                return; /* unimplemented: reads as zero */
            u32 kept = static_cast<u32>(function.bar_masks[index]);
            function.put(offset, 4, (value & kept) | function.bar_flags[index]);
            return;
        }
        function.put(offset, width, value);
    }

    ModelFunction& at(u8 bus, u8 device, u8 function) { return m_functions.at({ bus, device, function }); }
    usize writes { 0 };

private:
    std::map<std::tuple<u8, u8, u8>, ModelFunction> m_functions;
};

/*
 * q35-like: a host bridge, a virtio device with I/O, 32-bit and 64-bit BARs, MSI-X (four
 * entries, table and PBA in BAR 1) and INTA, a multi-function device whose first function's
 * INTD shares that wire, whose second has no pin and whose third claims an impossible one. With `msix_table` (4 KiB, aligned to
 * 4 KiB) the MSI-X table and PBA lie instead in a 64-bit BAR 2 at that host memory, so the
 * kernel can write entries there (ADR 0016; tests/primitives/TestPciInterrupts.cpp).
 */
inline void populate(ConfigModel& model, bool firmware_addresses, void* msix_table = nullptr)
{
    model.add(0, 0, 0, 0x8086, 0x29c0, 0x06, 0x00);
    auto& virtio = model.add(0, 2, 0, 0x1af4, 0x1005, 0x00, 0xff);
    ConfigModel::bar(virtio, 0, 32, 1, firmware_addresses ? 0xc000 : 0);
    if (msix_table)
        ConfigModel::bar(virtio, 2, 4096, 0x4, reinterpret_cast<uptr>(msix_table));
    else
        ConfigModel::bar(virtio, 1, 4096, 0, firmware_addresses ? 0xfebd'1000 : 0);
    ConfigModel::bar(virtio, 4, 16 * KiB, 0xc, firmware_addresses ? 0xfe00'0000 : 0);
    virtio.put(0x06, 2, kernel::pci::status_capabilities);
    virtio.put(0x34, 1, 0x40);
    virtio.put(0x40, 2, 0x5009); /* vendor-specific, next 0x50 */
    virtio.put(0x50, 2, 0x0011); /* MSI-X, last */
    virtio.put(0x52, 2, 0x0003); /* four entries */
    u32 table_bar = msix_table ? 2 : 1;
    virtio.put(0x54, 4, table_bar);          /* table: BAR + 0 */
    virtio.put(0x58, 4, 0x800 | table_bar); /* PBA: BAR + 0x800 */
    virtio.put(0x3d, 1, 1); /* Interrupt Pin: INTA */
    auto& first = model.add(0, 3, 0, 0x1b36, 0x0001, 0x02, 0x00);
    first.put(0x0e, 1, 0x80); /* multi-function */
    first.put(0x3d, 1, 4);    /* INTD: swizzled onto the wire of 0:2.0's INTA (ADR 0021) */
    model.add(0, 3, 1, 0x1b36, 0x0002, 0x02, 0x00); /* no Interrupt Pin */
    auto& last = model.add(0, 3, 5, 0x1b36, 0x0003, 0x02, 0x00); /* functions need not be contiguous */
    last.put(0x3d, 1, 7); /* a pin no function can have */
}

}
