/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "MemoryMap.h"
#include "MemoryMapBuilder.h"
#include "Machine.h"
#include "Power.h"
#include <vectra/Try.h>
#include <vectra/platform/NestedFault.h>
#include <vectra/platform/aarch64/DeviceTree.h>

namespace vectra::platform::aarch64 {

namespace {

using namespace memory_map;

u64 s_firmware_config_base;

/* The largest device tree accepted (QEMU's are well under 1 MiB). */
constexpr u64 maximum_device_tree_size = 2 * MiB;

/* How many bytes from `address` may be read: inside mapped RAM, never into the image. */
ErrorOr<u64> readable_device_tree_bytes(u64 address)
{
    u64 image_start = address_of(__image_start);
    u64 image_end = address_of(__image_end);
    if (address % 8 != 0 || address < ram_base || address >= ram_window_end
        || (address >= image_start && address < image_end))
        return Error(ErrorCode::InvalidArgument, "device tree address is outside usable RAM");
    u64 limit = address < image_start ? image_start - address : ram_window_end - address;
    return limit < maximum_device_tree_size ? limit : maximum_device_tree_size;
}

ErrorOr<void> discover_from_device_tree(u64 address, RangeList& ram, RangeList& reserved)
{
    u64 readable = TRY(readable_device_tree_bytes(address));
    auto tree = TRY(DeviceTree::from_memory(reinterpret_cast<u8 const*>(address), readable));
    static DeviceTreeFacts s_facts;
    s_facts = {};
    TRY(read_facts(tree, s_facts));
    if (s_facts.ram.count == 0)
        return Error(ErrorCode::NotFound, "device tree has no memory node");
    reserved.add_sized(address, tree.total_size());
    for (usize index = 0; index < s_facts.reserved.count; ++index)
        reserved.add(s_facts.reserved.bases[index], s_facts.reserved.ends[index]);
    if (s_facts.reserved.overflowed || reserved.overflowed)
        return Error(ErrorCode::TooLarge, "device tree: too many reserved ranges");
    ram = s_facts.ram;
    if (s_facts.has_psci_conduit)
        set_psci_conduit(s_facts.psci_conduit);
    s_firmware_config_base = s_facts.firmware_config_base;
    return {};
}

}

namespace {

u64 s_device_tree_address = 0;

}

ErrorOr<DeviceTree> device_tree()
{
    if (s_device_tree_address == 0)
        return Error(ErrorCode::NotFound, "no device tree was read at boot");
    u64 readable = TRY(readable_device_tree_bytes(s_device_tree_address));
    return DeviceTree::from_memory(reinterpret_cast<u8 const*>(s_device_tree_address), readable);
}

void discover_machine(u64 device_tree_address, MemoryMap& free_memory)
{
    static RangeList s_ram;
    static RangeList s_reserved;
    /* The image and everything below it (the device tree's usual spot among them). */
    auto reserve_image = [] {
        s_reserved = {};
        s_reserved.add(0, align_up(address_of(__image_end), page_size));
    };
    s_ram = {};
    reserve_image();

    u64 address = device_tree_address != 0 ? device_tree_address : default_device_tree_address;
    auto result = discover_from_device_tree(address, s_ram, s_reserved);
    s_device_tree_address = result.is_error() ? 0 : address;
    if (result.is_error()) {
        write_raw_text("aarch64: ");
        write_raw_text(result.error().message());
        write_raw_text("; assuming 256 MiB of RAM at 0x40000000\n");
        s_ram = {};
        s_ram.add_sized(ram_base, fallback_ram_size);
        reserve_image();
        /* A device tree above the image may still be there, its size unknown. */
        if (address >= address_of(__image_end) && address < ram_window_end)
            s_reserved.add_sized(address, maximum_device_tree_size);
    }

    /* Only RAM inside boot.S's Normal-memory window is usable. */
    subtract(s_ram, 0, ram_base);
    subtract(s_ram, ram_window_end, ~0ull);

    fill_memory_map(s_ram, s_reserved, free_memory);
}

}

namespace vectra::platform::aarch64 {

u64 firmware_config_base() { return s_firmware_config_base; }

}
