/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Guard pages (Paging.cpp implements platform::page_size and platform::set_page_guard).
 */

#pragma once

#include <vectra/platform/Platform.h>

namespace vectra::x86_64 {

/* The identity map boot.S builds, and the bits of its entries (Paging.cpp, Domains.cpp). */
namespace paging {

inline constexpr u64 small_page_size = 4 * KiB;
inline constexpr u64 large_page_size = 2 * MiB;
inline constexpr u64 mapped_end = 4 * GiB; /* what boot.S maps; Paging.cpp may add more above */
inline constexpr u64 maximum_mapped_end = 512 * GiB; /* boot.S's one page-directory-pointer table */
inline constexpr u64 directory_span = 1 * GiB;
inline constexpr usize entries_per_table = 512;

inline constexpr u64 entry_present = 1ull << 0;
inline constexpr u64 entry_writable = 1ull << 1;
inline constexpr u64 entry_user = 1ull << 2;
/* PWT and PCD select PAT entry 3, uncached (UC), in the PAT the CPU resets to and the kernel keeps. */
inline constexpr u64 entry_write_through = 1ull << 3;
inline constexpr u64 entry_cache_disable = 1ull << 4;
inline constexpr u64 entry_large = 1ull << 7;
/* The page-attribute-table bit sits at bit 12 in a 2 MiB entry and at bit 7 in a 4 KiB one. */
inline constexpr u64 large_entry_attribute_table = 1ull << 12;
inline constexpr u64 small_entry_attribute_table = 1ull << 7;
inline constexpr u64 entry_no_execute = 1ull << 63;
inline constexpr u64 low_flag_bits = 0xfff;
inline constexpr u64 table_address_mask = 0x000f'ffff'ffff'f000;
inline constexpr u64 large_address_mask = 0x000f'ffff'ffe0'0000;

struct alignas(4096) PageTable {
    u64 entries[entries_per_table];
};

/* The 4 KiB entry equivalent to the 2 MiB entry `directory_entry` for the page at `page`. */
[[nodiscard]] constexpr u64 split_entry(u64 directory_entry, u64 page)
{
    u64 flags = (directory_entry & low_flag_bits & ~entry_large) | (directory_entry & entry_no_execute);
    if (directory_entry & large_entry_attribute_table)
        flags |= small_entry_attribute_table;
    return (page & ~(small_page_size - 1)) | flags;
}

}

/*
 * Makes [base, base + size) uncached (PCD|PWT) in the identity map, for device registers: whole
 * 2 MiB pages where the range covers them, 4 KiB pages (split on demand) at its edges. False,
 * changing nothing, for a range above the identity map or overlapping the image; false too when
 * no page table is left to split with (the pages already done stay uncached).
 */
[[nodiscard]] bool map_uncached(u64 base, u64 size);

/*
 * Extends the identity map above 4 GiB (ADR 0027): every 2 MiB page of `map`'s regions at or
 * above 4 GiB (whole 2 MiB pages below paging::maximum_mapped_end, as align_large_pages_from
 * leaves them) is mapped to itself, writable, cached, in page directories taken from `map`'s
 * memory below 4 GiB (one 4 KiB page per GiB). A gigabyte no page directory could be taken for
 * is removed from `map`. Returns how many page directories it took.
 */
u32 map_memory_above_4_gib(platform::MemoryMap& map);

/* Whether `address` lies in a 2 MiB page of the identity map (below 4 GiB, or mapped above it). */
[[nodiscard]] bool is_identity_mapped(u64 address);

/* Makes the page below the boot stack (which becomes the scheduler's stack) inaccessible. */
void guard_boot_stack();

/* set_page_guard without the checks of what a caller may ask for (the boot stack, the
   shootdown check's page); a guard set is shot down on every other online CPU. */
[[nodiscard]] bool change_page_guard(u64 page_address, bool guarded);

/* Reloads CR3: without CR4.PGE (never set here) every TLB and paging-structure cache entry goes. */
void invalidate_everything();

}
