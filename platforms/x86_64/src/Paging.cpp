/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Guard pages. boot.S identity-maps [0, 4 GiB) with 2 MiB pages (map_memory_above_4_gib adds
 * RAM above it the same way, ADR 0027). The first time a page inside
 * one of them is guarded, its 2 MiB page is split into a page table of 512 4 KiB pages that map
 * the same addresses with the same attributes; the table comes from a fixed pool in .bss. A
 * guarded page is a 4 KiB entry with the present bit clear, so any access to it is a page fault
 * with CR2 inside the page. A split is never undone: unguarding sets the present bit again.
 */

#include "Paging.h"
#include "TlbShootdown.h"
#include "MemoryMapBuilder.h"
#include <vectra/Panic.h>
#include <vectra/platform/Platform.h>
#include <vectra/x86_64/Cpu.h>

extern "C" {
/* boot.S: the top-level table, whose entry 0 names the page-directory-pointer table. */
extern vectra::u64 platform_x86_64_page_map_level4[];
/* boot.S: the page below the boot stack. */
extern char platform_x86_64_boot_stack_guard[];
/* linker.ld: everything the image occupies, page-aligned. */
extern char __image_start[];
extern char __image_end[];
}

namespace vectra::x86_64 {

namespace {

using namespace paging;

/* At most this many 2 MiB pages can hold guard pages: 64 tables, 256 KiB of .bss. */
constexpr usize page_table_pool_capacity = 64;

PageTable s_page_table_pool[page_table_pool_capacity];
usize s_page_tables_used = 0;

[[nodiscard]] u64 address_of(void const* pointer) { return reinterpret_cast<uptr>(pointer); }

/* The image's own pages (code, page tables, descriptor tables, stacks) are never the kernel's to guard. */
[[nodiscard]] bool inside_image(u64 page)
{
    return page < address_of(__image_end) && page + small_page_size > address_of(__image_start);
}

void invalidate_page(u64 address) { asm volatile("invlpg (%0)" : : "r"(address) : "memory"); }

/* boot.S's page-directory-pointer table: entry n maps [n GiB, n + 1 GiB). */
[[nodiscard]] u64* directory_pointers()
{
    return reinterpret_cast<u64*>(platform_x86_64_page_map_level4[0] & table_address_mask);
}

/* The page-directory entry for `address`, which must lie below maximum_mapped_end in a mapped gigabyte. */
[[nodiscard]] u64& directory_entry_of(u64 address)
{
    auto* directory = reinterpret_cast<u64*>(directory_pointers()[address / directory_span] & table_address_mask);
    return directory[(address / large_page_size) % entries_per_table];
}

}

void invalidate_everything()
{
    u64 root;
    asm volatile("mov %%cr3, %0" : "=r"(root));
    asm volatile("mov %0, %%cr3" : : "r"(root) : "memory");
}

namespace {

/* The 4 KiB entry mapping `address`, splitting its 2 MiB page first; nullptr when the pool is empty. */
u64* small_page_entry(u64 address)
{
    u64& directory_entry = directory_entry_of(address);
    usize index = (address % large_page_size) / small_page_size;
    if (!(directory_entry & entry_present))
        return nullptr;
    if (!(directory_entry & entry_large))
        return &reinterpret_cast<u64*>(directory_entry & table_address_mask)[index];
    if (s_page_tables_used == page_table_pool_capacity)
        return nullptr;

    PageTable& table = s_page_table_pool[s_page_tables_used++];
    u64 base = directory_entry & large_address_mask;
    for (usize entry = 0; entry < entries_per_table; ++entry)
        table.entries[entry] = split_entry(directory_entry, base + entry * small_page_size);
    /* The new table maps exactly what the 2 MiB page did, so the switch is seamless once the
       table is complete: the barrier keeps the compiler from publishing it any earlier. */
    asm volatile("" : : : "memory");
    directory_entry = address_of(&table) | (directory_entry & (entry_present | entry_writable | entry_user));
    invalidate_everything();
    return &table.entries[index];
}

}

bool change_page_guard(u64 page_address, bool guarded)
{
    InterruptsMasked masked;
    u64 directory_entry = directory_entry_of(page_address);
    if (!guarded && (directory_entry & entry_large))
        return true; /* never split, so nothing in it is guarded */
    u64* entry = small_page_entry(page_address);
    if (!entry)
        return false;
    if (guarded)
        *entry &= ~entry_present;
    else
        *entry |= entry_present;
    invalidate_page(page_address);
    /* Taking access away must reach every CPU's TLB before it counts (ADR 0033). Giving it back
       needs nothing: x86 caches no translation for a page that is not present. */
    if (guarded)
        shoot_down_translations();
    return true;
}

bool map_uncached(u64 base, u64 size)
{
    constexpr u64 uncached = entry_cache_disable | entry_write_through;
    if (size == 0 || base >= mapped_end || size > mapped_end - base)
        return false;
    u64 first = base & ~(small_page_size - 1);
    u64 end = (base + size + small_page_size - 1) & ~(small_page_size - 1);
    for (u64 page = first; page < end; page += small_page_size) {
        if (inside_image(page))
            return false;
    }
    InterruptsMasked masked;
    for (u64 page = first; page < end;) {
        u64& directory_entry = directory_entry_of(page);
        bool whole_large_page = page % large_page_size == 0 && end - page >= large_page_size;
        if (whole_large_page && (directory_entry & entry_large)) {
            directory_entry |= uncached;
            page += large_page_size;
            continue;
        }
        u64* entry = small_page_entry(page);
        if (!entry)
            return false;
        *entry |= uncached;
        page += small_page_size;
    }
    invalidate_everything();
    return true;
}

bool is_identity_mapped(u64 address)
{
    if (address >= maximum_mapped_end || !(directory_pointers()[address / directory_span] & entry_present))
        return false;
    return directory_entry_of(address) & entry_present;
}

u32 map_memory_above_4_gib(platform::MemoryMap& map)
{
    platform::MemoryMap above;
    for (usize index = 0; index < map.count; ++index) {
        u64 base = map.regions[index].base;
        u64 end = base + map.regions[index].size;
        if (end > mapped_end)
            memory_map::add_region(above, base > mapped_end ? base : mapped_end, end);
    }
    u32 directories = 0;
    u64* pointers = directory_pointers();
    for (usize index = 0; index < above.count; ++index) {
        u64 end = above.regions[index].base + above.regions[index].size;
        VERIFY(above.regions[index].base % large_page_size == 0 && end % large_page_size == 0 && end <= maximum_mapped_end);
        for (u64 page = above.regions[index].base; page < end; page += large_page_size) {
            u64& pointer = pointers[page / directory_span];
            if (!(pointer & entry_present)) {
                u64 directory = memory_map::take_below(map, sizeof(PageTable), mapped_end);
                if (directory == 0) {
                    u64 gigabyte = align_down(page, directory_span);
                    memory_map::exclude(map, gigabyte, gigabyte + directory_span);
                    page = gigabyte + directory_span - large_page_size;
                    continue;
                }
                *reinterpret_cast<PageTable*>(directory) = PageTable {};
                asm volatile("" : : : "memory"); /* the directory is empty before the CPU can walk it */
                pointer = directory | entry_present | entry_writable;
                ++directories;
            }
            directory_entry_of(page) = page | entry_present | entry_writable | entry_large;
        }
    }
    invalidate_everything();
    return directories;
}

void guard_boot_stack()
{
    if (!change_page_guard(address_of(platform_x86_64_boot_stack_guard), true))
        PANIC("x86_64: cannot guard the boot stack");
}

}

namespace vectra::platform {

usize page_size() { return x86_64::paging::small_page_size; }

bool set_page_guard(uptr page_address, bool guarded)
{
    using namespace x86_64;
    using namespace x86_64::paging;
    if (page_address % small_page_size != 0 || !is_identity_mapped(page_address) || inside_image(page_address))
        return false;
    return change_page_guard(page_address, guarded);
}

}
