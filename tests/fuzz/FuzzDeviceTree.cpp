/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as the aarch64 platform's device tree. The reader must refuse or
 * walk it to the end without reading outside the bytes given (ASan), and every property it
 * yields must lie inside them. The /cpus reader (ADR 0020) walks it too: it refuses or lists
 * each MPIDR affinity once, within its capacity. The virtio-mmio slot walk (ADR 0025) then reads
 * the same bytes: it refuses or returns at most its capacity, each slot a window of 256 bytes to
 * 4 KiB that does not wrap, an SPI INTID, and no two windows overlapping. The GIC node reader
 * (ADR 0027) refuses or describes a GICv2 or GICv3 whose windows are 64 KiB aligned, do not wrap,
 * do not overlap, and whose redistributor regions and stride are within their bounds.
 */

#include "GicDescription.h"
#include "MemoryMapBuilder.h"
#include "VirtioMmioSlots.h"
#include <vectra/Panic.h>
#include <vectra/platform/aarch64/DeviceTree.h>

using namespace vectra;
using platform::aarch64::DeviceTree;

namespace {

void check_gic_window(platform::aarch64::GicWindow const& window)
{
    VERIFY(window.size != 0 && window.base + window.size > window.base);
    VERIFY(window.base % platform::aarch64::GicDescription::frame_size == 0);
}

void check_gic_description(DeviceTree const& tree)
{
    using platform::aarch64::GicDescription;
    GicDescription gic;
    auto found = platform::aarch64::read_gic_description(tree, gic);
    if (found.is_error() || !found.value())
        return;
    VERIFY(gic.version == 2 || gic.version == 3);
    check_gic_window(gic.distributor);
    VERIFY(gic.distributor.size >= GicDescription::frame_size);
    if (gic.version == 2) {
        check_gic_window(gic.cpu_interface);
        VERIFY(gic.redistributor_region_count == 0);
        return;
    }
    VERIFY(gic.redistributor_region_count >= 1 && gic.redistributor_region_count <= GicDescription::redistributor_region_capacity);
    VERIFY(gic.redistributor_stride == 0
        || (gic.redistributor_stride % GicDescription::frame_size == 0
            && gic.redistributor_stride >= GicDescription::minimum_redistributor_size));
    for (u32 index = 0; index < gic.redistributor_region_count; ++index) {
        auto const& region = gic.redistributor_regions[index];
        check_gic_window(region);
        VERIFY(region.size >= GicDescription::minimum_redistributor_size);
        VERIFY(region.base >= gic.distributor.base + gic.distributor.size
            || gic.distributor.base >= region.base + region.size);
    }
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    auto tree = DeviceTree::from_memory(data, size);
    if (tree.is_error())
        return 0;
    VERIFY(tree.value().total_size() <= size);
    auto cursor = tree.value().structure();
    for (usize tokens = 0;; ++tokens) {
        VERIFY(tokens <= size); /* every token consumes at least four bytes */
        auto token = cursor.next();
        if (token.is_error() || token.value().kind == DeviceTree::Token::Kind::End)
            break;
        auto const& value = token.value();
        if (value.kind == DeviceTree::Token::Kind::Property) {
            VERIFY(value.value >= data && value.value + value.value_length <= data + size);
            (void)DeviceTree::read_cells(value, 0, 2);
            (void)DeviceTree::value_equals(value, "memory");
        }
    }
    platform::aarch64::memory_map::ProcessorFacts processors;
    if (!platform::aarch64::memory_map::read_processors(tree.value(), processors).is_error()) {
        VERIFY(processors.count <= processors.capacity);
        for (usize first = 0; first < processors.count; ++first) {
            for (usize second = first + 1; second < processors.count; ++second)
                VERIFY(processors.affinities[first] != processors.affinities[second]);
        }
    }
    auto reservations = tree.value().reservations();
    platform::MemoryRegion region;
    for (usize entries = 0; entries <= size / 16 + 1; ++entries) {
        auto more = reservations.next(region);
        if (more.is_error() || !more.value())
            break;
    }
    check_gic_description(tree.value());
    platform::aarch64::VirtioMmioSlot slots[8];
    auto count = platform::aarch64::read_virtio_mmio_slots(tree.value(), slots);
    if (count.is_error())
        return 0;
    VERIFY(count.value() <= 8);
    for (usize index = 0; index < count.value(); ++index) {
        auto const& slot = slots[index];
        VERIFY(slot.size >= platform::aarch64::VirtioMmioSlot::minimum_size);
        VERIFY(slot.size <= platform::aarch64::VirtioMmioSlot::maximum_size);
        VERIFY(slot.base + slot.size > slot.base && slot.base % 4 == 0);
        VERIFY(slot.intid >= 32 && slot.intid <= 1019);
        for (usize other = 0; other < index; ++other)
            VERIFY(slots[other].base >= slot.base + slot.size || slot.base >= slots[other].base + slots[other].size);
    }
    return 0;
}
