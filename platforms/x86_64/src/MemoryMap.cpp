/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "MemoryMap.h"
#include "StartInfo.h"
#include <vectra/Panic.h>
#include <vectra/x86_64/Firmware.h>

extern "C" char __image_start[];
extern "C" char __image_end[];

namespace vectra::x86_64 {

namespace {

using platform::MemoryMap;
using platform::MemoryRegion;

constexpr u64 page_size = 4 * KiB;
constexpr u64 lowest_usable_address = 1 * MiB; /* below: real-mode IVT, BIOS data, VGA, ROMs */
constexpr u64 identity_map_end = 4 * GiB; /* what boot.S maps */
constexpr usize command_line_limit = 64 * KiB;

u64 s_acpi_root_pointer_address { 0 };
char const* s_command_line { "" };

template<typename T>
T const* physical(u64 address)
{
    return reinterpret_cast<T const*>(static_cast<uptr>(address));
}

u64 end_of(MemoryRegion const& region) { return region.base + region.size; }

void remove_region(MemoryMap& map, usize index)
{
    for (usize next = index + 1; next < map.count; ++next)
        map.regions[next - 1] = map.regions[next];
    --map.count;
}

/* Adds [base, end) when there is room; a full table keeps its larger regions. */
void add_region(MemoryMap& map, u64 base, u64 end)
{
    if (end <= base)
        return;
    MemoryRegion region { base, end - base };
    if (map.count < MemoryMap::capacity) {
        map.regions[map.count++] = region;
        return;
    }
    usize smallest = 0;
    for (usize index = 1; index < map.count; ++index) {
        if (map.regions[index].size < map.regions[smallest].size)
            smallest = index;
    }
    if (map.regions[smallest].size < region.size)
        map.regions[smallest] = region;
}

/* Removes [base, end), widened to whole pages, from every free region. */
void exclude(MemoryMap& map, u64 base, u64 end)
{
    base = align_down(base, page_size);
    end = align_up(end, page_size);
    if (end <= base)
        return;
    for (usize index = 0; index < map.count;) {
        MemoryRegion region = map.regions[index];
        u64 region_end = end_of(region);
        if (end <= region.base || base >= region_end) {
            ++index;
            continue;
        }
        remove_region(map, index);
        add_region(map, region.base, base < region.base ? region.base : base);
        add_region(map, end > region_end ? region_end : end, region_end);
        /* Pieces were appended behind `index`; they cannot overlap [base, end) again. */
    }
}

void exclude_span(MemoryMap& map, u64 address, u64 size)
{
    if (size != 0)
        exclude(map, address, address + size);
}

void sort_and_merge(MemoryMap& map)
{
    for (usize index = 1; index < map.count; ++index) {
        MemoryRegion region = map.regions[index];
        usize position = index;
        for (; position > 0 && map.regions[position - 1].base > region.base; --position)
            map.regions[position] = map.regions[position - 1];
        map.regions[position] = region;
    }
    for (usize index = 1; index < map.count;) {
        MemoryRegion& previous = map.regions[index - 1];
        MemoryRegion const& region = map.regions[index];
        if (region.base <= end_of(previous)) {
            u64 end = end_of(region) > end_of(previous) ? end_of(region) : end_of(previous);
            previous.size = end - previous.base;
            remove_region(map, index);
        } else {
            ++index;
        }
    }
}

usize bounded_string_length(char const* text)
{
    usize length = 0;
    while (length < command_line_limit && text[length] != '\0')
        ++length;
    return length;
}

bool is_addressable(u64 address, u64 size) { return address < identity_map_end && size <= identity_map_end - address; }

}

void read_memory_map(u32 start_info_address, platform::MemoryMap& free_memory)
{
    free_memory = {};
    auto const* start_info = physical<PvhStartInfo>(start_info_address);
    if (start_info_address == 0 || start_info->magic != PvhStartInfo::expected_magic)
        PANIC("x86_64: no PVH start info (boot with qemu-system-x86_64 -kernel)");
    if (start_info->version < 1 || start_info->memory_map_entry_count == 0)
        PANIC("x86_64: the PVH start info carries no memory map (version 0 loaders are not supported)");
    u64 memory_map_size = static_cast<u64>(start_info->memory_map_entry_count) * sizeof(PvhMemoryMapEntry);
    if (!is_addressable(start_info->memory_map_address, memory_map_size))
        PANIC("x86_64: the PVH memory map lies above the 4 GiB identity map");

    auto const* entries = physical<PvhMemoryMapEntry>(start_info->memory_map_address);
    for (u32 index = 0; index < start_info->memory_map_entry_count; ++index) {
        auto const& entry = entries[index];
        if (entry.type != PvhMemoryMapEntry::type_ram || entry.size == 0)
            continue;
        u64 base = entry.address < lowest_usable_address ? lowest_usable_address : entry.address;
        u64 end = entry.size > ~0ull - entry.address ? ~0ull : entry.address + entry.size;
        if (end > identity_map_end)
            end = identity_map_end;
        add_region(free_memory, align_up(base, page_size), align_down(end, page_size));
    }
    sort_and_merge(free_memory);

    exclude(free_memory, reinterpret_cast<uptr>(__image_start), reinterpret_cast<uptr>(__image_end));
    exclude_span(free_memory, start_info_address, sizeof(PvhStartInfo));
    exclude_span(free_memory, start_info->memory_map_address, memory_map_size);

    if (start_info->command_line_address != 0 && is_addressable(start_info->command_line_address, 1)) {
        s_command_line = physical<char>(start_info->command_line_address);
        exclude_span(free_memory, start_info->command_line_address, bounded_string_length(s_command_line) + 1);
    }
    s_acpi_root_pointer_address = start_info->acpi_root_pointer_address;

    u64 module_list_size = static_cast<u64>(start_info->module_count) * sizeof(PvhModule);
    if (start_info->module_count != 0 && is_addressable(start_info->module_list_address, module_list_size)) {
        exclude_span(free_memory, start_info->module_list_address, module_list_size);
        auto const* modules = physical<PvhModule>(start_info->module_list_address);
        for (u32 index = 0; index < start_info->module_count; ++index) {
            exclude_span(free_memory, modules[index].address, modules[index].size);
            u64 module_command_line = modules[index].command_line_address;
            if (module_command_line != 0 && is_addressable(module_command_line, 1))
                exclude_span(
                    free_memory, module_command_line, bounded_string_length(physical<char>(module_command_line)) + 1);
        }
    }
    sort_and_merge(free_memory);
}

u64 acpi_root_pointer_address() { return s_acpi_root_pointer_address; }
char const* command_line() { return s_command_line; }

}
