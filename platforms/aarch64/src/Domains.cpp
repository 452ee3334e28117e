/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Protection domains on aarch64 (CONFIG_DOMAINS). A domain's address space is its own level-1
 * table over the same identity map as the kernel's (TTBR0, 39-bit VA, 4 KiB granule). Kernel
 * mappings are copied unreachable from EL0: blocks get UXN, and the kernel's own lower-level
 * tables are shared under table descriptors with UXNTable and APTable = "no EL0 access" (EL0
 * may otherwise execute what it cannot read). A 1 GiB or 2 MiB region holding a page the domain
 * may touch gets tables of the domain's own, copied from the kernel's view, with EL0 access (AP)
 * on those pages only; every EL0 page is PXN, so EL1 never executes it.
 *
 * Kernel code never runs on a domain's tables beyond the entry and exit in vectors.S (kernel-only
 * pages), which switch TTBR0 first; cortex-a72 (ARMv8.0) has no PAN, so that rule is what keeps
 * the kernel off user pages. No ASIDs: every TTBR0 switch is followed by TLBI VMALLE1.
 */

#include <vectra/Panic.h>
#include <vectra/config.h>
#include <vectra/platform/Domain.h>
#include <vectra/platform/PageTablePool.h>
#include <vectra/platform/UserPages.h>

extern "C" {
extern vectra::u64 vectra_aarch64_level1_table[];
extern vectra::u64 platform_aarch64_trap_stack;
[[noreturn]] void platform_aarch64_enter_user(vectra::u64 instruction, vectra::u64 stack, vectra::u64 argument0,
    vectra::u64 argument1, vectra::u64 root);
}

namespace vectra::platform {

struct AddressSpace {
    u64* level1 { nullptr };
};

}

namespace vectra::aarch64 {

using platform::AddressSpace;
using platform::PageTablePool;
using platform::UserAccess;

namespace {

constexpr usize entries = 512;
constexpr usize maximum_spaces = 16;
constexpr u64 page_size = 4 * KiB;
constexpr u64 level2_size = 2 * MiB;
constexpr u64 level1_size = 1 * GiB;
/* The RAM window boot.S maps: the only memory a domain may be given. */
constexpr u64 ram_start = 1 * GiB;
constexpr u64 ram_end = 5 * GiB;

constexpr u64 type_mask = 0b11;
constexpr u64 type_table_or_page = 0b11;
constexpr u64 type_block = 0b01;
constexpr u64 address_mask = 0x0000'ffff'ffff'f000;
constexpr u64 el0_access = 1ull << 6;  /* AP[1] */
constexpr u64 read_only = 1ull << 7;   /* AP[2] */
constexpr u64 privileged_never = 1ull << 53; /* PXN */
constexpr u64 user_never = 1ull << 54;       /* UXN */
constexpr u64 table_user_never = 1ull << 60;     /* UXNTable */
constexpr u64 table_no_el0_access = 1ull << 61;  /* APTable = 0b01 */
/* Normal write-back memory (MAIR index 1), inner shareable, accessed: boot.S's RAM pages. */
constexpr u64 normal_page = 0b11 | (1ull << 2) | (3ull << 8) | (1ull << 10);

PageTablePool<CONFIG_DOMAIN_PAGE_TABLES> s_pool;
AddressSpace s_spaces[maximum_spaces];

u64 address_of(void const* pointer) { return reinterpret_cast<u64>(pointer); }
u64* table_at(u64 descriptor) { return reinterpret_cast<u64*>(descriptor & address_mask); }
bool is_table(u64 descriptor) { return (descriptor & type_mask) == type_table_or_page; }
bool is_owned(u64 descriptor) { return is_table(descriptor) && s_pool.owns(descriptor & address_mask); }

/* A kernel descriptor as a domain holds it: never reachable from EL0. */
u64 kernel_only(u64 descriptor, bool leaf_level)
{
    if (!(descriptor & 1))
        return 0;
    if (is_table(descriptor) && !leaf_level)
        return descriptor | table_user_never | table_no_el0_access;
    return descriptor | user_never;
}

/* The descriptor the next level down would hold for `address` inside the block `block`. */
u64 split_block(u64 block, u64 base, bool into_pages)
{
    return base | (block & ~address_mask & ~type_mask) | (into_pages ? type_table_or_page : type_block);
}

/* The kernel's own 4 KiB entry for `page`, made unreachable from EL0. */
u64 kernel_entry_for(u64 page)
{
    u64 descriptor = vectra_aarch64_level1_table[page / level1_size];
    if (!(descriptor & 1))
        return 0;
    if (!is_table(descriptor))
        return kernel_only(split_block(descriptor, page & ~(page_size - 1), true), true);
    descriptor = table_at(descriptor)[(page % level1_size) / level2_size];
    if (!(descriptor & 1))
        return 0;
    if (!is_table(descriptor))
        return kernel_only(split_block(descriptor, page & ~(page_size - 1), true), true);
    return kernel_only(table_at(descriptor)[(page % level2_size) / page_size], true);
}

/* The domain's own table under `slot` (covering `region` of `size`), made from the kernel's view if needed. */
u64* own_table(u64& slot, u64 region, u64 size, bool leaf_next)
{
    if (is_owned(slot))
        return table_at(slot);
    u64* table = s_pool.allocate();
    if (!table)
        return nullptr;
    u64 step = size / entries;
    for (usize index = 0; index < entries; ++index) {
        u64 address = region + index * step;
        if (leaf_next) {
            table[index] = kernel_entry_for(address);
        } else {
            u64 kernel = vectra_aarch64_level1_table[region / level1_size];
            table[index] = is_table(kernel) ? kernel_only(table_at(kernel)[index], false)
                                            : kernel_only(split_block(kernel, address, false), false);
        }
    }
    slot = address_of(table) | type_table_or_page;
    return table;
}

/* The domain's level-3 entry for `page`; with `may_split`, its own tables are made on the way. */
u64* page_entry(AddressSpace& space, u64 page, bool may_split)
{
    u64& level1 = space.level1[page / level1_size];
    if (!is_owned(level1) && !may_split)
        return nullptr;
    u64* level2 = own_table(level1, page & ~(level1_size - 1), level1_size, false);
    if (!level2)
        return nullptr;
    u64& level2_slot = level2[(page % level1_size) / level2_size];
    if (!is_owned(level2_slot) && !may_split)
        return nullptr;
    u64* level3 = own_table(level2_slot, page & ~(level2_size - 1), level2_size, true);
    if (!level3)
        return nullptr;
    return &level3[(page % level2_size) / page_size];
}

/* How many tables mapping [start, end) would still need: a level-2 per new gigabyte, a level-3 per new 2 MiB. */
usize tables_needed(AddressSpace& space, u64 start, u64 end)
{
    usize needed = 0;
    u64 counted_gigabyte = ~0ull;
    for (u64 region = start & ~(level2_size - 1); region < end; region += level2_size) {
        u64 level1 = space.level1[region / level1_size];
        if (!is_owned(level1)) {
            needed += region / level1_size != counted_gigabyte ? 2 : 1;
            counted_gigabyte = region / level1_size;
            continue;
        }
        needed += is_owned(table_at(level1)[(region % level1_size) / level2_size]) ? 0 : 1;
    }
    return needed;
}

u64 user_entry_for(u64 page, UserAccess access)
{
    switch (access) {
    case UserAccess::Read:
        return page | normal_page | el0_access | read_only | user_never | privileged_never;
    case UserAccess::ReadWrite:
        return page | normal_page | el0_access | user_never | privileged_never;
    case UserAccess::ReadExecute:
        return page | normal_page | el0_access | read_only | privileged_never;
    case UserAccess::None:
        break;
    }
    return kernel_entry_for(page);
}

}

}

namespace vectra::platform {

using namespace aarch64;

AddressSpace* create_address_space()
{
    for (auto& space : s_spaces) {
        if (space.level1)
            continue;
        space.level1 = s_pool.allocate();
        if (!space.level1)
            return nullptr;
        for (usize index = 0; index < entries; ++index)
            space.level1[index] = kernel_only(vectra_aarch64_level1_table[index], false);
        return &space;
    }
    return nullptr;
}

void destroy_address_space(AddressSpace& space)
{
    for (usize gigabyte = 0; gigabyte < entries; ++gigabyte) {
        if (!is_owned(space.level1[gigabyte]))
            continue;
        u64* level2 = table_at(space.level1[gigabyte]);
        for (usize region = 0; region < entries; ++region) {
            if (is_owned(level2[region]))
                s_pool.free(table_at(level2[region]));
        }
        s_pool.free(level2);
    }
    s_pool.free(space.level1);
    space = {};
}

bool map_user(AddressSpace& space, uptr base, usize size, UserAccess access)
{
    return map_user_frames(space, base, size, base, access);
}

bool map_user_frames(AddressSpace& space, uptr base, usize size, uptr frames, UserAccess access)
{
    if (base % page_size != 0 || size % page_size != 0 || base < ram_start || base >= ram_end || size > ram_end - base
        || frames % page_size != 0 || frames < ram_start || frames >= ram_end || size > ram_end - frames)
        return false;
    u64 end = base + size;
    if (access != UserAccess::None && tables_needed(space, base, end) > s_pool.available())
        return false;
    set_page_entries(base, end, page_size, [&](u64 page) { return page_entry(space, page, access != UserAccess::None); },
        [&](u64 page) { return user_entry_for(access == UserAccess::None ? page : page - base + frames, access); });
    return true;
}

bool user_may_access(AddressSpace const& space, uptr base, usize size, bool writable)
{
    if (size == 0)
        return true;
    if (base < ram_start || base >= ram_end || size > ram_end - base)
        return false;
    auto& mutable_space = const_cast<AddressSpace&>(space);
    return every_page_allows(base, size, page_size, [&](u64 page) { return page_entry(mutable_space, page, false); },
        [&](u64 entry) { return (entry & 1) && (entry & el0_access) && !(writable && (entry & read_only)); });
}

/* Platform.h's; its page_size() would clash with this file's constant. */
u32 current_processor();

void activate_domain(AddressSpace* space, uptr kernel_stack_top)
{
    /* Domains run on CPU 0 only (ADR 0026): the trap stack written here is CPU 0's, so a switch
       on another CPU (always to a Task without a domain) leaves it alone. Before, a kernel-mode
       Task switched in on cpu 1 zeroed it under a domain Task on cpu 0, whose next SVC was then
       reported as a fault (image preempt with its cpu-1 sleeper; ADR 0033 §5 on x86_64). */
    if (current_processor() != 0) {
        VERIFY(!space);
        return;
    }
    platform_aarch64_trap_stack = space ? kernel_stack_top : 0;
}

void enter_user(AddressSpace& space, uptr instruction, uptr stack_top, uptr argument0, uptr argument1)
{
    platform_aarch64_enter_user(instruction, stack_top & ~u64(15), argument0, argument1, address_of(space.level1));
}

}
