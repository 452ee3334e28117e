/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "MemoryMapBuilder.h"

namespace vectra::x86_64::memory_map {

namespace {

u64 end_of(MemoryRegion const& region) { return region.base + region.size; }

void remove_region(MemoryMap& map, usize index)
{
    for (usize next = index + 1; next < map.count; ++next)
        map.regions[next - 1] = map.regions[next];
    --map.count;
}

}

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

void add_pvh_ram(MemoryMap& map, PvhMemoryMapEntry const* entries, u32 count, u64 limit)
{
    for (u32 index = 0; index < count; ++index) {
        auto const& entry = entries[index];
        if (entry.type != PvhMemoryMapEntry::type_ram || entry.size == 0)
            continue;
        u64 base = entry.address < lowest_usable_address ? lowest_usable_address : entry.address;
        u64 end = entry.size > ~0ull - entry.address ? ~0ull : entry.address + entry.size;
        if (end > limit)
            end = limit;
        /* An entry in the last page below 2^64 would round up to page 0 (found by fuzz.x86_64_memory_map). */
        if (base >= end || align_up(base, page_size) < base)
            continue;
        add_region(map, align_up(base, page_size), align_down(end, page_size));
    }
    sort_and_merge(map);
}

MemoryMap ram_page(PvhMemoryMapEntry const* entries, u32 count, u64 page)
{
    MemoryMap map;
    for (u32 index = 0; index < count; ++index) {
        auto const& entry = entries[index];
        if (entry.type == PvhMemoryMapEntry::type_ram && entry.address <= page && entry.size >= page_size
            && page - entry.address <= entry.size - page_size) {
            map.regions[0] = { page, page_size };
            map.count = 1;
        }
    }
    return map;
}

void align_large_pages_from(MemoryMap& map, u64 from)
{
    MemoryMap aligned;
    for (usize index = 0; index < map.count; ++index) {
        u64 base = map.regions[index].base;
        u64 end = end_of(map.regions[index]);
        if (base < from) {
            add_region(aligned, base, end < from ? end : from);
            base = from;
        }
        u64 first = align_up(base, large_page_size);
        if (end > base && first >= base) /* a base within 2 MiB of 2^64 has no whole page above it */
            add_region(aligned, first, align_down(end, large_page_size));
    }
    sort_and_merge(aligned);
    map = aligned;
}

u64 take_below(MemoryMap& map, u64 size, u64 below)
{
    size = align_up(size, page_size);
    usize chosen = map.count;
    u64 chosen_end = 0;
    for (usize index = 0; index < map.count; ++index) {
        u64 end = end_of(map.regions[index]) < below ? end_of(map.regions[index]) : align_down(below, page_size);
        if (end > map.regions[index].base && end - map.regions[index].base >= size && end > chosen_end) {
            chosen = index;
            chosen_end = end;
        }
    }
    if (chosen == map.count || size == 0)
        return 0;
    exclude(map, chosen_end - size, chosen_end);
    sort_and_merge(map);
    return chosen_end - size;
}

}
