/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The pure half of the memory map: free regions from a PVH memory map, with ranges taken out.
 * No hardware and no image symbols, so host tests compile it (tests/platforms/x86_64.cmake).
 */

#pragma once

#include "StartInfo.h"
#include <vectra/platform/Platform.h>

namespace vectra::x86_64::memory_map {

using platform::MemoryMap;
using platform::MemoryRegion;

constexpr u64 page_size = 4 * KiB;
constexpr u64 lowest_usable_address = 1 * MiB; /* below: real-mode IVT, BIOS data, VGA, ROMs */
constexpr u64 identity_map_end = 4 * GiB;      /* what boot.S maps */
/* How far Paging.cpp can extend the identity map (ADR 0027): boot.S's one page-directory-pointer
   table, 512 entries of 1 GiB. */
constexpr u64 maximum_identity_map_end = 512 * GiB;
constexpr u64 large_page_size = 2 * MiB;

/* Adds [base, end) when there is room; a full table keeps its larger regions. */
void add_region(MemoryMap&, u64 base, u64 end);
/* Removes [base, end), widened to whole pages, from every free region. */
void exclude(MemoryMap&, u64 base, u64 end);
void exclude_span(MemoryMap&, u64 address, u64 size);
/* Sorts by base and merges regions that touch or overlap. */
void sort_and_merge(MemoryMap&);
/* The RAM entries of a PVH (E820) map: from 1 MiB, below `end`, whole pages, sorted, merged. */
void add_pvh_ram(MemoryMap&, PvhMemoryMapEntry const* entries, u32 count, u64 end = identity_map_end);
/* Shrinks every region's part at or above `from` to whole 2 MiB pages (what the map above 4 GiB is made of). */
void align_large_pages_from(MemoryMap&, u64 from);
/* Takes `size` bytes (whole pages) from the top of the highest free memory below `below`; returns
   their base, or 0 (nothing taken) when no region has that much there. */
[[nodiscard]] u64 take_below(MemoryMap&, u64 size, u64 below);
/* `page` as a one-region map when one RAM entry of the PVH map holds the whole page (at any
   address, below 1 MiB too), else an empty map: the start-up trampoline's page (ADR 0020)
   before the loader's structures are excluded from it. */
[[nodiscard]] MemoryMap ram_page(PvhMemoryMapEntry const* entries, u32 count, u64 page);

}
