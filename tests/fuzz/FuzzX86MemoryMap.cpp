/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a PVH (E820) memory map, read by the x86_64 platform's builder
 * with RAM above 4 GiB allowed (ADR 0027). The free map must come out sorted, disjoint, in whole
 * pages from 1 MiB to the 512 GiB limit; after align_large_pages_from, whole 2 MiB pages above 4
 * GiB; a page taken for a page directory must lie below 4 GiB and leave the free map.
 */

#include "MemoryMapBuilder.h"
#include <cstring>
#include <vectra/Panic.h>

using namespace vectra;
using namespace vectra::x86_64::memory_map;

namespace {

void check_sorted_disjoint(MemoryMap const& map, u64 alignment_above_4_gib)
{
    VERIFY(map.count <= MemoryMap::capacity);
    for (usize index = 0; index < map.count; ++index) {
        auto const& region = map.regions[index];
        u64 end = region.base + region.size;
        VERIFY(region.size != 0 && end > region.base);
        VERIFY(region.base >= lowest_usable_address && end <= maximum_identity_map_end);
        VERIFY(region.base % page_size == 0 && region.size % page_size == 0);
        if (region.base >= identity_map_end)
            VERIFY(region.base % alignment_above_4_gib == 0 && end % alignment_above_4_gib == 0);
        if (index > 0)
            VERIFY(map.regions[index - 1].base + map.regions[index - 1].size < region.base);
    }
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    x86_64::PvhMemoryMapEntry entries[64];
    u32 count = static_cast<u32>(size / sizeof(entries[0]) < 64 ? size / sizeof(entries[0]) : 64);
    std::memcpy(entries, data, count * sizeof(entries[0]));
    MemoryMap map;
    add_pvh_ram(map, entries, count, maximum_identity_map_end);
    check_sorted_disjoint(map, page_size);
    align_large_pages_from(map, identity_map_end);
    check_sorted_disjoint(map, large_page_size);
    u64 before = 0;
    for (usize index = 0; index < map.count; ++index)
        before += map.regions[index].size;
    u64 page = take_below(map, page_size, identity_map_end);
    u64 after = 0;
    for (usize index = 0; index < map.count; ++index) {
        after += map.regions[index].size;
        if (page != 0)
            VERIFY(page + page_size <= map.regions[index].base || page >= map.regions[index].base + map.regions[index].size);
    }
    VERIFY(page == 0 ? after == before : (page < identity_map_end && page % page_size == 0 && after == before - page_size));
    return 0;
}
