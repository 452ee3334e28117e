/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Guard pages in the RAM window. boot.S maps RAM with 1 GiB blocks (level 1) and 2 MiB blocks
 * (level 2); the first time a page inside a block is guarded, the block is split into a table
 * that maps the same addresses with the same attributes (a 1 GiB block takes two tables: 2 MiB
 * blocks, then 4 KiB pages). Tables come from a fixed pool in .bss. A guarded page is a level-3
 * descriptor with its valid bit clear, so any access to it is a translation fault (data or
 * instruction abort) with FAR inside the page. Splits are never undone.
 */

#include "Machine.h"
#include "Processors.h"
#include "Registers.h"
#include <vectra/platform/Platform.h>

extern "C" {
/* boot.S: the level-1 table (followed by the device, RAM and stack tables). */
extern vectra::u64 vectra_aarch64_level1_table[];
}

namespace vectra::platform::aarch64 {

namespace {

constexpr usize entries_per_table = 512;
/* At most this many blocks can be split: 64 tables, 256 KiB of .bss. */
constexpr usize table_pool_capacity = 64;

constexpr u64 level1_block_size = 1 * GiB;
constexpr u64 level2_block_size = 2 * MiB;

constexpr u64 descriptor_valid = 1ull << 0;
/* Bit 1 set: a table (levels 1 and 2) or a page (level 3); clear: a block. */
constexpr u64 descriptor_table_or_page = 1ull << 1;
constexpr u64 descriptor_type_mask = 0b11;
constexpr u64 output_address_mask = 0x0000'ffff'ffff'f000;
/* Lower (AttrIndx, NS, AP, SH, AF, nG) and upper (contiguous, PXN, UXN, software) attributes. */
constexpr u64 attribute_mask = 0xfff0'0000'0000'0ffc;

struct alignas(4096) Table {
    u64 entries[entries_per_table];
};

Table s_table_pool[table_pool_capacity];
usize s_tables_used = 0;

[[nodiscard]] u64 address_of(void const* pointer) { return reinterpret_cast<uptr>(pointer); }

/* RAM the kernel never gets: the device tree, the image (code, page tables, its own stacks). */
[[nodiscard]] bool below_free_memory(u64 page) { return page < address_of(__image_end); }

[[nodiscard]] u64 current_stack_pointer()
{
    u64 value;
    asm volatile("mov %0, sp" : "=r"(value));
    return value;
}

/*
 * Invalidate the translations for one page on every CPU of the inner-shareable domain (ADR 0034).
 * No IPI: a TLBI ...IS is broadcast by the hardware to every PE in the inner-shareable domain, and
 * the DSB ISH after it completes only once every PE has dropped the entry. The first DSB makes
 * the descriptor store visible to every PE's table walker before the invalidation; the ISB
 * refetches this CPU's own instructions. The other CPUs need no barrier: their next access to
 * the page misses in the TLB and walks the tables, which hold the new descriptor (a translation
 * fault is never cached, so a page made accessible again needs nothing more either).
 */
void invalidate_page(u64 address)
{
    asm volatile("dsb ishst\n"
                 "tlbi vaae1is, %0\n"
                 "dsb ish\n"
                 "isb" ::"r"(address >> 12)
                 : "memory");
}

/*
 * Replace the block descriptor at `entry`, which maps [base, base + size), with a table that
 * maps the same addresses. ARMv8.0 asks for break-before-make: write an invalid descriptor,
 * invalidate, then write the new one. That is done whenever nothing the CPU needs meanwhile
 * (this code, the page tables, the current stack) lies in the block and no other CPU is online
 * (ADR 0034: another CPU may run a Task whose stack or Rings lie in the block, and would fault in
 * the break). Otherwise the descriptor is replaced in place: both map the same addresses with
 * the same attributes, which QEMU accepts and which at worst costs a TLB conflict abort on a
 * core that detects one.
 */
void replace_block(u64* entry, u64 table_descriptor, u64 base, u64 size)
{
    u64 stack_pointer = current_stack_pointer();
    bool holds_stack = stack_pointer >= base && stack_pointer - base < size;
    bool holds_image = address_of(__image_start) < base + size && address_of(__image_end) > base;
    bool break_first = !holds_stack && !holds_image && !other_processors_online();
    if (break_first) {
        /* The first dsb also completes the new table's writes before it is published. */
        asm volatile("str xzr, [%0]\n"
                     "dsb ishst\n"
                     "tlbi vmalle1is\n"
                     "dsb ish\n"
                     "str %1, [%0]\n"
                     "dsb ishst\n"
                     "isb" ::"r"(entry),
                     "r"(table_descriptor)
                     : "memory");
        return;
    }
    asm volatile("dsb ishst\n" /* the new table is complete before anything can walk it */
                 "str %1, [%0]\n"
                 "dsb ishst\n"
                 "tlbi vmalle1is\n"
                 "dsb ish\n"
                 "isb" ::"r"(entry),
                 "r"(table_descriptor)
                 : "memory");
}

/*
 * The table a level-1 or level-2 descriptor points to, splitting a block descriptor first.
 * nullptr when the descriptor is invalid or the pool is empty.
 */
u64* next_table(u64* entry, u64 block_size, bool children_are_pages)
{
    u64 descriptor = *entry;
    if (!(descriptor & descriptor_valid))
        return nullptr;
    if (descriptor & descriptor_table_or_page)
        return reinterpret_cast<u64*>(descriptor & output_address_mask);
    if (s_tables_used == table_pool_capacity)
        return nullptr;

    Table& table = s_table_pool[s_tables_used++];
    u64 child_size = block_size / entries_per_table;
    u64 base = descriptor & output_address_mask & ~(block_size - 1);
    u64 child_type = descriptor_valid | (children_are_pages ? descriptor_table_or_page : 0);
    u64 attributes = descriptor & attribute_mask;
    for (usize index = 0; index < entries_per_table; ++index)
        table.entries[index] = (base + index * child_size) | attributes | child_type;
    replace_block(entry, address_of(&table) | descriptor_valid | descriptor_table_or_page, base, block_size);
    return table.entries;
}

/*
 * Device registers outside boot.S's device window: 1 GiB Device-nGnRE blocks (MAIR index 2),
 * never executable, added to the level-1 table (QEMU virt's high ECAM lies at 256 GiB). Only
 * empty level-1 entries above the RAM window and below the 39-bit VA limit are used.
 */
constexpr u64 boot_device_window_start = 128 * MiB;
constexpr u64 boot_device_window_end = 1 * GiB;
constexpr u64 virtual_address_end = 512 * GiB;
constexpr u64 attribute_index_shift = 2;
constexpr u64 device_ngnre_attribute = 2;
constexpr u64 descriptor_access_flag = 1ull << 10;
constexpr u64 descriptor_privileged_never_execute = 1ull << 53;
constexpr u64 descriptor_user_never_execute = 1ull << 54;
constexpr u64 device_block_attributes = (device_ngnre_attribute << attribute_index_shift) | descriptor_access_flag
    | descriptor_privileged_never_execute | descriptor_user_never_execute;

bool map_device_blocks(u64 base, u64 size)
{
    u64 end = base + size;
    if (size == 0 || end < base)
        return false;
    if (base >= boot_device_window_start && end <= boot_device_window_end)
        return true; /* boot.S mapped it Device-nGnRnE, stricter still */
    if (base < ram_window_end || end > virtual_address_end)
        return false;
    u64 first = base / level1_block_size;
    u64 last = (end - 1) / level1_block_size;
    for (u64 index = first; index <= last; ++index) {
        u64 entry = vectra_aarch64_level1_table[index];
        bool ours = (entry & descriptor_type_mask) == descriptor_valid && (entry & attribute_mask) == device_block_attributes;
        if (entry != 0 && !ours)
            return false;
    }
    for (u64 index = first; index <= last; ++index)
        vectra_aarch64_level1_table[index] = (index * level1_block_size) | device_block_attributes | descriptor_valid;
    asm volatile("dsb ishst\n"
                 "tlbi vmalle1is\n"
                 "dsb ish\n"
                 "isb" ::: "memory");
    return true;
}

/* Whether the 4 KiB page at `address` is mapped by a block (so it was never guarded). */
[[nodiscard]] bool mapped_by_block(u64 address)
{
    u64 level1 = vectra_aarch64_level1_table[(address / level1_block_size) % entries_per_table];
    if ((level1 & descriptor_type_mask) == descriptor_valid)
        return true;
    if (!(level1 & descriptor_valid))
        return false;
    auto* level2_table = reinterpret_cast<u64 const*>(level1 & output_address_mask);
    u64 level2 = level2_table[(address / level2_block_size) % entries_per_table];
    return (level2 & descriptor_type_mask) == descriptor_valid;
}

/* The level-3 descriptor for `address`, splitting blocks on the way; nullptr when impossible. */
u64* page_descriptor(u64 address)
{
    u64* level1 = &vectra_aarch64_level1_table[(address / level1_block_size) % entries_per_table];
    u64* level2_table = next_table(level1, level1_block_size, false);
    if (!level2_table)
        return nullptr;
    u64* level3_table
        = next_table(&level2_table[(address / level2_block_size) % entries_per_table], level2_block_size, true);
    if (!level3_table)
        return nullptr;
    return &level3_table[(address / page_size) % entries_per_table];
}

}

}

namespace vectra::platform {

bool map_device_memory(u64 base, u64 size) { return aarch64::map_device_blocks(base, size); }

usize page_size() { return aarch64::page_size; }

bool set_page_guard(uptr page_address, bool guarded)
{
    using namespace aarch64;
    if (page_address % aarch64::page_size != 0 || page_address < ram_base || page_address >= ram_window_end
        || below_free_memory(page_address))
        return false;
    u64 saved_exception_mask = VECTRA_AARCH64_READ_REGISTER(daif);
    asm volatile("msr daifset, #2" ::: "memory");
    bool done = false;
    if (!guarded && mapped_by_block(page_address)) {
        done = true;
    } else if (u64* descriptor = page_descriptor(page_address)) {
        /* A page this code never mapped (an empty descriptor) is not made up here. */
        if (guarded || (*descriptor & output_address_mask) == page_address) {
            *descriptor = guarded ? *descriptor & ~descriptor_valid : *descriptor | descriptor_valid;
            invalidate_page(page_address);
            done = true;
        }
    }
    VECTRA_AARCH64_WRITE_REGISTER(daif, saved_exception_mask);
    return done;
}

}
