/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The x86_64 platform's memory-map builder, compiled for the host: free RAM from a PVH (E820)
 * memory map, with the image and the loader's structures taken out.
 */

#include "MemoryMapBuilder.h"
#include <catch2/catch.hpp>
#include <vector>

using namespace vectra;
using namespace vectra::x86_64;
using namespace vectra::x86_64::memory_map;

namespace {

constexpr u32 ram = PvhMemoryMapEntry::type_ram;
constexpr u32 reserved = 2;

MemoryMap from_entries(std::vector<PvhMemoryMapEntry> const& entries)
{
    MemoryMap map;
    add_pvh_ram(map, entries.data(), static_cast<u32>(entries.size()));
    return map;
}

u64 end_of(MemoryRegion const& region) { return region.base + region.size; }

}

TEST_CASE("QEMU's map: RAM from 1 MiB, reserved entries ignored, whole pages")
{
    auto map = from_entries({
        { 0, 0x9fc00, ram, 0 },            /* below 1 MiB: BIOS land */
        { 0x9fc00, 0x400, reserved, 0 },
        { 0x10'0000, 0x7fe'0000, ram, 0 }, /* 1 MiB .. 128 MiB - 128 KiB */
        { 0xfeff'c000, 0x4000, reserved, 0 },
        { 0x1'0000'0000, 0x4000'0000, ram, 0 }, /* above the identity map: dropped */
    });
    REQUIRE(map.count == 1);
    REQUIRE(map.regions[0].base == lowest_usable_address);
    REQUIRE(end_of(map.regions[0]) == 0x10'0000 + 0x7fe'0000);
}

TEST_CASE("unaligned, overlapping, out-of-order and zero-sized entries become sorted, merged pages")
{
    auto map = from_entries({
        { 0x300'0800, 0x100'0000, ram, 0 }, /* starts mid-page: rounded up */
        { 0x200'0000, 0x100'1000, ram, 0 }, /* touches and overlaps the next */
        { 0x500'0000, 0, ram, 0 },
        { 0xffff'f000, 0x10'0000, ram, 0 }, /* crosses 4 GiB: cut there */
        { 0xffff'ffff'ffff'0000, 0x10'0000, ram, 0 }, /* would wrap */
    });
    REQUIRE(map.count == 2);
    REQUIRE(map.regions[0].base == 0x200'0000);
    REQUIRE(end_of(map.regions[0]) == 0x400'0000);
    REQUIRE(map.regions[1].base == 0xffff'f000);
    REQUIRE(end_of(map.regions[1]) == identity_map_end);
}

TEST_CASE("excluding a span splits a region and widens to pages; a full table keeps the larger regions")
{
    MemoryMap map;
    add_region(map, 0x10'0000, 0x800'0000);
    exclude(map, 0x20'0010, 0x30'0010); /* the image, say */
    exclude_span(map, 0x7ff'f000, 0x2000);
    exclude_span(map, 0x50'0000, 0); /* nothing */
    sort_and_merge(map);
    REQUIRE(map.count == 2);
    REQUIRE(map.regions[0].base == 0x10'0000);
    REQUIRE(end_of(map.regions[0]) == 0x20'0000);
    REQUIRE(map.regions[1].base == 0x30'1000);
    REQUIRE(end_of(map.regions[1]) == 0x7ff'f000);

    MemoryMap full;
    for (u64 index = 0; index < MemoryMap::capacity; ++index)
        add_region(full, index * 0x10'0000, index * 0x10'0000 + 0x1000);
    add_region(full, 0x1'0000'0000, 0x1'1000'0000); /* larger than all: replaces a small one */
    add_region(full, 0x2'0000'0000, 0x2'0000'0800); /* smaller than all: dropped */
    REQUIRE(full.count == MemoryMap::capacity);
    bool has_large = false;
    for (usize index = 0; index < full.count; ++index) {
        has_large |= full.regions[index].base == 0x1'0000'0000;
        REQUIRE(full.regions[index].base != 0x2'0000'0000);
    }
    REQUIRE(has_large);
}

TEST_CASE("the start-up page: free only inside one RAM entry, and not once a loader structure is excluded")
{
    constexpr u64 page = 0x8000;
    std::vector<PvhMemoryMapEntry> qemu { { 0, 0x9fc00, ram, 0 }, { 0x9fc00, 0x400, reserved, 0 },
        { 0xf0000, 0x10000, reserved, 0 }, { 0x100000, 0xfe00000, ram, 0 } };
    auto free = ram_page(qemu.data(), static_cast<u32>(qemu.size()), page);
    REQUIRE(free.count == 1);
    CHECK(free.regions[0].base == page);
    CHECK(free.regions[0].size == 4096);

    /* A start info, or any structure the loader handed over, on the page takes it. */
    exclude_span(free, page + 0x100, 56);
    CHECK(free.count == 0);

    std::vector<PvhMemoryMapEntry> reserved_there { { 0, 0x8000, ram, 0 }, { 0x8000, 0x1000, reserved, 0 },
        { 0x9000, 0x10000, ram, 0 } };
    CHECK(ram_page(reserved_there.data(), 3, page).count == 0);
    std::vector<PvhMemoryMapEntry> split { { 0, 0x8800, ram, 0 }, { 0x8800, 0x10000, ram, 0 } };
    CHECK(ram_page(split.data(), 2, page).count == 0); /* no single entry holds it */
    std::vector<PvhMemoryMapEntry> wraps { { 0x7000, ~0ull, ram, 0 } };
    CHECK(ram_page(wraps.data(), 1, page).count == 1);
    std::vector<PvhMemoryMapEntry> short_entry { { 0x8000, 0xfff, ram, 0 } };
    CHECK(ram_page(short_entry.data(), 1, page).count == 0);
}

TEST_CASE("RAM above 4 GiB (ADR 0027): QEMU q35 -m 6G gives 2 GiB below and 4 GiB above; the limit cuts")
{
    std::vector<PvhMemoryMapEntry> q35 { { 0, 0x9fc00, ram, 0 }, { 0x100000, 0x7ff0'0000, ram, 0 },
        { 0xb000'0000, 0x1000'0000, reserved, 0 }, { 0x1'0000'0000, 0x1'0000'0000, ram, 0 },
        { 0xfd'0000'0000, 0x3'0000'0000, reserved, 0 } };
    MemoryMap map;
    add_pvh_ram(map, q35.data(), static_cast<u32>(q35.size()), maximum_identity_map_end);
    REQUIRE(map.count == 2);
    CHECK(map.regions[1].base == 0x1'0000'0000);
    CHECK(end_of(map.regions[1]) == 0x2'0000'0000);
    MemoryMap low;
    add_pvh_ram(low, q35.data(), static_cast<u32>(q35.size())); /* the default: the 4 GiB identity map */
    REQUIRE(low.count == 1);
    CHECK(end_of(low.regions[0]) == 0x8000'0000);
    MemoryMap past_the_table;
    std::vector<PvhMemoryMapEntry> huge { { 0x7f'0000'0000, 0x10'0000'0000, ram, 0 } }; /* 508 GiB .. 572 GiB */
    add_pvh_ram(past_the_table, huge.data(), 1, maximum_identity_map_end);
    REQUIRE(past_the_table.count == 1);
    CHECK(end_of(past_the_table.regions[0]) == maximum_identity_map_end);
}

TEST_CASE("malformed maps above 4 GiB: overlaps merge, wrap-around stops at the limit, zero lengths are nothing")
{
    std::vector<PvhMemoryMapEntry> hostile {
        { 0x1'0000'0000, 0x8000'0000, ram, 0 },
        { 0x1'4000'0000, 0x8000'0000, ram, 0 }, /* overlaps the previous */
        { 0x1'2000'0000, 0x1000, ram, 0 },      /* inside it */
        { 0x3'0000'0000, 0, ram, 0 },           /* zero length */
        { 0xffff'ffff'ffe0'0000, 0x40'0000, ram, 0 }, /* wraps past 2^64 */
        { 0x5'0000'0000, ~0ull, ram, 0 },       /* would wrap: cut at the limit */
        { 0x4'0000'0000, 0x1000, 7, 0 },        /* not RAM */
        { 0xffff'ffff'ffff'fffa, 0x1'0000'0000, ram, 0 }, /* its base would round up to page 0 */
    };
    MemoryMap map;
    add_pvh_ram(map, hostile.data(), static_cast<u32>(hostile.size()), maximum_identity_map_end);
    REQUIRE(map.count == 2);
    CHECK(map.regions[0].base == 0x1'0000'0000);
    CHECK(end_of(map.regions[0]) == 0x1'c000'0000);
    CHECK(map.regions[1].base == 0x5'0000'0000);
    CHECK(end_of(map.regions[1]) == maximum_identity_map_end);
}

TEST_CASE("above 4 GiB only whole 2 MiB pages stay; below it pages; a region across 4 GiB is split there")
{
    MemoryMap map;
    add_region(map, 0x10'0000, 0x8000'0000);
    add_region(map, 0xf000'0000, 0x1'0030'1000); /* across 4 GiB, ends mid 2 MiB page */
    add_region(map, 0x2'0010'0000, 0x2'0050'0000); /* starts and ends mid 2 MiB page */
    add_region(map, 0x3'0010'0000, 0x3'0020'0000); /* no whole 2 MiB page: gone */
    align_large_pages_from(map, identity_map_end);
    REQUIRE(map.count == 3);
    CHECK(map.regions[0].base == 0x10'0000);
    CHECK(map.regions[1].base == 0xf000'0000);
    CHECK(end_of(map.regions[1]) == 0x1'0020'0000);
    CHECK(map.regions[2].base == 0x2'0020'0000);
    CHECK(end_of(map.regions[2]) == 0x2'0040'0000);
}

TEST_CASE("page directories are taken from the top of the highest RAM below 4 GiB, never above it")
{
    MemoryMap map;
    add_region(map, 0x10'0000, 0x20'0000);
    add_region(map, 0x7000'0000, 0x8000'0000);
    add_region(map, 0x1'0000'0000, 0x2'0000'0000);
    CHECK(take_below(map, 4096, identity_map_end) == 0x7fff'f000);
    CHECK(take_below(map, 4096, identity_map_end) == 0x7fff'e000);
    CHECK(take_below(map, 0x20'0000, 0x7000'1000) == 0); /* nothing that large below there */
    CHECK(take_below(map, 4096, 0x7000'1000) == 0x7000'0000);
    CHECK(take_below(map, 0, identity_map_end) == 0);
    sort_and_merge(map);
    REQUIRE(map.count == 3);
    CHECK(end_of(map.regions[1]) == 0x7fff'e000);
    CHECK(map.regions[1].base == 0x7000'1000);
    CHECK(map.regions[2].base == 0x1'0000'0000);
    MemoryMap empty;
    CHECK(take_below(empty, 4096, identity_map_end) == 0);
}
