/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "MemoryMap.h"
#include "Descriptors.h"
#include "MemoryMapBuilder.h"
#include "Paging.h"
#include "StartInfo.h"
#include <vectra/Panic.h>
#include <vectra/platform/ConsoleLine.h>
#include <vectra/x86_64/Firmware.h>

extern "C" char __image_start[];
extern "C" char __image_end[];

namespace vectra::x86_64 {

namespace {

using namespace memory_map;

constexpr usize command_line_limit = 64 * KiB;

u64 s_acpi_root_pointer_address { 0 };
bool s_trampoline_page_free { false };
char const* s_command_line { "" };

template<typename T>
T const* physical(u64 address)
{
    return reinterpret_cast<T const*>(static_cast<uptr>(address));
}

usize bounded_string_length(char const* text)
{
    usize length = 0;
    while (length < command_line_limit && text[length] != '\0')
        ++length;
    return length;
}

bool is_addressable(u64 address, u64 size) { return address < identity_map_end && size <= identity_map_end - address; }

/* Every structure the loader handed over, taken out of `map`. */
void exclude_handed_over(platform::MemoryMap& map, u32 start_info_address, PvhStartInfo const& start_info)
{
    u64 memory_map_size = static_cast<u64>(start_info.memory_map_entry_count) * sizeof(PvhMemoryMapEntry);
    exclude_span(map, start_info_address, sizeof(PvhStartInfo));
    exclude_span(map, start_info.memory_map_address, memory_map_size);
    if (start_info.command_line_address != 0 && is_addressable(start_info.command_line_address, 1)) {
        exclude_span(map, start_info.command_line_address,
            bounded_string_length(physical<char>(start_info.command_line_address)) + 1);
    }
    u64 module_list_size = static_cast<u64>(start_info.module_count) * sizeof(PvhModule);
    if (start_info.module_count != 0 && is_addressable(start_info.module_list_address, module_list_size)) {
        exclude_span(map, start_info.module_list_address, module_list_size);
        auto const* modules = physical<PvhModule>(start_info.module_list_address);
        for (u32 index = 0; index < start_info.module_count; ++index) {
            exclude_span(map, modules[index].address, modules[index].size);
            u64 module_command_line = modules[index].command_line_address;
            if (module_command_line != 0 && is_addressable(module_command_line, 1))
                exclude_span(map, module_command_line, bounded_string_length(physical<char>(module_command_line)) + 1);
        }
    }
}

/* RAM above 4 GiB (ADR 0027): mapped and left in `free_memory`, or named as unused. One line either way. */
void map_ram_above_4_gib(platform::MemoryMap& free_memory, PvhMemoryMapEntry const* entries, u32 count)
{
    platform::MemoryMap above;
    add_pvh_ram(above, entries, count, maximum_identity_map_end);
    exclude(above, 0, identity_map_end);
    u64 ram_above = 0;
    for (usize index = 0; index < above.count; ++index)
        ram_above += above.regions[index].size;
    if (ram_above == 0)
        return;
    if (usable_memory_end() <= identity_map_end) {
        platform::console_format("x86_64: {} MiB of RAM above 4 GiB left unused: protection domains reach only the first 4 GiB",
            ram_above / MiB);
        return;
    }
    align_large_pages_from(free_memory, identity_map_end);
    u32 directories = map_memory_above_4_gib(free_memory);
    u64 mapped = 0;
    u64 highest = 0;
    for (usize index = 0; index < free_memory.count; ++index) {
        auto const& region = free_memory.regions[index];
        if (region.base + region.size > identity_map_end) {
            u64 base = region.base > identity_map_end ? region.base : identity_map_end;
            mapped += region.base + region.size - base;
            highest = region.base + region.size;
        }
    }
    platform::console_format("x86_64: {} MiB of RAM above 4 GiB, {} MiB of it mapped (2 MiB pages, {} page directories), up to {:#x}",
        ram_above / MiB, mapped / MiB, directories, highest);
}

}

void read_memory_map(u32 start_info_address, platform::MemoryMap& free_memory)
{
    free_memory = {};
    auto const* start_info = physical<PvhStartInfo>(start_info_address);
    if (start_info_address == 0 || start_info->magic != PvhStartInfo::expected_magic)
        PANIC("x86_64: no PVH start info (boot with qemu-system-x86_64 -kernel)");
    if (start_info->version < 1 || start_info->memory_map_entry_count == 0)
        PANIC("x86_64: the PVH start info carries no memory map (version 0 loaders are not supported)");
    if (!is_addressable(start_info->memory_map_address,
            static_cast<u64>(start_info->memory_map_entry_count) * sizeof(PvhMemoryMapEntry)))
        PANIC("x86_64: the PVH memory map lies above the 4 GiB identity map");

    auto const* entries = physical<PvhMemoryMapEntry>(start_info->memory_map_address);
    add_pvh_ram(free_memory, entries, start_info->memory_map_entry_count, usable_memory_end());

    exclude(free_memory, reinterpret_cast<uptr>(__image_start), reinterpret_cast<uptr>(__image_end));
    exclude_handed_over(free_memory, start_info_address, *start_info);
    s_acpi_root_pointer_address = start_info->acpi_root_pointer_address;
    if (start_info->command_line_address != 0 && is_addressable(start_info->command_line_address, 1))
        s_command_line = physical<char>(start_info->command_line_address);

    /* The start-up trampoline's page (ADR 0020): free when E820 calls it RAM and the loader put
       nothing of what it handed over there. */
    platform::MemoryMap trampoline = ram_page(physical<PvhMemoryMapEntry>(start_info->memory_map_address),
        start_info->memory_map_entry_count, trampoline_page);
    exclude_handed_over(trampoline, start_info_address, *start_info);
    s_trampoline_page_free = trampoline.count == 1 && trampoline.regions[0].size == 4 * KiB;
    sort_and_merge(free_memory);
    map_ram_above_4_gib(free_memory, entries, start_info->memory_map_entry_count);
}

u64 acpi_root_pointer_address() { return s_acpi_root_pointer_address; }
bool trampoline_page_is_free() { return s_trampoline_page_free; }
char const* command_line() { return s_command_line; }

}
