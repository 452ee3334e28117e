/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio-mmio slots the kernel hands to driver Tasks (vectra/platform/VirtioMmio.h, ADR
 * 0025): the device tree's `virtio,mmio` nodes (VirtioMmioSlots.cpp), each window mapped as
 * device memory, each SPI configured as the tree says — level slots made level-triggered
 * through the GIC's interface, edge ones left as every shared line starts (Gic.h) — and masked.
 */

#include "Gic.h"
#include "MemoryMap.h"
#include "VirtioMmioSlots.h"
#include <vectra/platform/Pci.h>
#include <vectra/platform/Platform.h>
#include <vectra/platform/VirtioMmio.h>

namespace vectra::platform {

usize virtio_mmio_slots(std::span<MmioSlot> slots)
{
    auto tree = aarch64::device_tree();
    if (tree.is_error())
        return 0;
    aarch64::VirtioMmioSlot found[32];
    auto count = aarch64::read_virtio_mmio_slots(tree.value(), found);
    if (count.is_error())
        return 0;
    usize filled = 0;
    for (usize index = 0; index < count.value() && filled < slots.size(); ++index) {
        auto const& slot = found[index];
        if (slot.intid >= aarch64::gic_line_count() || !map_device_memory(slot.base, slot.size))
            continue;
        if (slot.level)
            aarch64::gic_set_level_triggered(slot.intid);
        mask_interrupt(slot.intid);
        slots[filled++] = { slot.base, slot.size, slot.intid, slot.level };
    }
    return filled;
}

}
