/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Protection domains on x86_64 (CONFIG_DOMAINS). A domain's address space is its own PML4, one
 * page-directory-pointer table and four page directories covering the same [0, 4 GiB) identity
 * map as the kernel's, copied with the user bit clear everywhere: the kernel stays mapped, but
 * privileged-only. A 2 MiB region that holds a user page gets a page table of the domain's own
 * (a copy of the kernel's view, then user bits on the pages the domain may touch). User bits are
 * set on every upper level, so the last level alone decides.
 *
 * Kernel code never runs on a domain's tables beyond the entry stubs (domain_entry.S,
 * vectors.S), which switch CR3 first; so SMEP and SMAP, enabled when the CPU has them, never
 * see a user page in kernel mode except by mistake — which they then stop. Every CR3 write
 * flushes the TLB (no PCIDs, no global pages), so changing a domain's tables needs no shootdown.
 */

#include "Descriptors.h"
#include "Paging.h"
#include <vectra/Panic.h>
#include <vectra/config.h>
#include <vectra/platform/Domain.h>
#include <vectra/platform/PageTablePool.h>
#include <vectra/platform/UserPages.h>
#include <vectra/x86_64/Cpu.h>

extern "C" {
extern vectra::u64 platform_x86_64_page_directories[];
extern vectra::u64 platform_x86_64_page_map_level4[];
extern vectra::u64 platform_x86_64_trap_stack;
void platform_x86_64_syscall_entry();
[[noreturn]] void platform_x86_64_enter_user(vectra::u64 instruction, vectra::u64 stack, vectra::u64 argument0,
    vectra::u64 argument1, vectra::u64 root);
}

namespace vectra::platform {

struct AddressSpace {
    u64* root { nullptr };
    u64* pointers { nullptr };
    u64* directories[4] {};
};

}

namespace vectra::x86_64 {

namespace {

using namespace paging;

constexpr usize directory_count = 4;
constexpr usize maximum_spaces = 16;
constexpr usize pool_capacity = CONFIG_DOMAIN_PAGE_TABLES;

constexpr u32 msr_efer = 0xc000'0080;
constexpr u32 msr_star = 0xc000'0081;
constexpr u32 msr_lstar = 0xc000'0082;
constexpr u32 msr_sfmask = 0xc000'0084;
constexpr u64 efer_system_call_enable = 1ull << 0;
/* TF, IF, DF, IOPL, NT, AC: cleared on SYSCALL, so the kernel starts in its usual state. */
constexpr u64 system_call_flag_mask = 0x0004'7700;
constexpr u64 cr4_user_mode_instruction_prevention = 1ull << 11;
constexpr u64 cr4_supervisor_execution_prevention = 1ull << 20;
constexpr u64 cr4_supervisor_access_prevention = 1ull << 21;

platform::PageTablePool<pool_capacity> s_pool;
platform::AddressSpace s_spaces[maximum_spaces];

u64 address_of(void const* pointer) { return reinterpret_cast<u64>(pointer); }

/* A page table from the domain pool: the domain's own (the kernel's guard-page tables are not). */
bool is_domain_table(u64 entry)
{
    return !(entry & entry_large) && s_pool.owns(entry & table_address_mask);
}

u64& directory_entry(platform::AddressSpace& space, u64 address)
{
    u64 region = address / large_page_size;
    return space.directories[region / entries_per_table][region % entries_per_table];
}

/* The kernel's own entry for the 4 KiB page at `page`: what a page no user may touch maps to. */
u64 kernel_entry_for(u64 page)
{
    u64 directory = platform_x86_64_page_directories[page / large_page_size];
    if (directory & entry_large)
        return split_entry(directory, page);
    return reinterpret_cast<u64*>(directory & table_address_mask)[(page % large_page_size) / small_page_size];
}

/* The domain's page-table entry for `page`, splitting its 2 MiB region first (`may_split`). */
u64* page_entry(platform::AddressSpace& space, u64 page, bool may_split)
{
    u64& directory = directory_entry(space, page);
    if (!is_domain_table(directory)) {
        if (!may_split)
            return nullptr;
        u64* table = s_pool.allocate();
        if (!table)
            return nullptr;
        u64 region = page & ~(large_page_size - 1);
        for (usize index = 0; index < entries_per_table; ++index)
            table[index] = kernel_entry_for(region + index * small_page_size);
        directory = address_of(table) | entry_present | entry_writable | entry_user;
    }
    return &reinterpret_cast<u64*>(directory & table_address_mask)[(page % large_page_size) / small_page_size];
}

/* How many page tables mapping [start, end) would still need. */
usize tables_needed(platform::AddressSpace& space, u64 start, u64 end)
{
    usize needed = 0;
    for (u64 region = start & ~(large_page_size - 1); region < end; region += large_page_size)
        needed += is_domain_table(directory_entry(space, region)) ? 0 : 1;
    return needed;
}

u64 user_entry_for(u64 page, platform::UserAccess access)
{
    switch (access) {
    case platform::UserAccess::Read:
        return page | entry_present | entry_user | entry_no_execute;
    case platform::UserAccess::ReadWrite:
        return page | entry_present | entry_writable | entry_user | entry_no_execute;
    case platform::UserAccess::ReadExecute:
        return page | entry_present | entry_user;
    case platform::UserAccess::None:
        break;
    }
    return kernel_entry_for(page);
}

}

/* Called once at boot (Start.cpp): SYSCALL/SYSRET, the user segments' STAR, and SMEP/SMAP/UMIP. */
void initialize_user_mode()
{
    write_model_specific_register(msr_star,
        (u64(user_base_selector | 3) << 48) | (u64(kernel_code_selector) << 32));
    write_model_specific_register(msr_lstar, address_of(reinterpret_cast<void const*>(&platform_x86_64_syscall_entry)));
    write_model_specific_register(msr_sfmask, system_call_flag_mask);
    write_model_specific_register(msr_efer, read_model_specific_register(msr_efer) | efer_system_call_enable);
    auto features = cpuid(7, 0);
    u64 cr4;
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    if (features.ebx & (1u << 7))
        cr4 |= cr4_supervisor_execution_prevention;
    if (features.ebx & (1u << 20))
        cr4 |= cr4_supervisor_access_prevention;
    if (features.ecx & (1u << 2))
        cr4 |= cr4_user_mode_instruction_prevention; /* no SGDT/SIDT/SLDT/SMSW/STR in user mode */
    asm volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
}

/* A domain's tables copy boot.S's four page directories: RAM above 4 GiB is not offered (ADR 0027). */
u64 usable_memory_end() { return mapped_end; }

}

extern "C" void platform_x86_64_user_trap(vectra::u64 frame_address)
{
    vectra::kernel::user_trap(frame_address);
}

namespace vectra::platform {

using namespace x86_64;

AddressSpace* create_address_space()
{
    AddressSpace* space = nullptr;
    for (auto& candidate : s_spaces) {
        if (!candidate.root) {
            space = &candidate;
            break;
        }
    }
    if (!space || s_pool.available() < 2 + directory_count)
        return nullptr;
    space->root = s_pool.allocate();
    space->pointers = s_pool.allocate();
    space->root[0] = address_of(space->pointers) | entry_present | entry_writable | entry_user;
    for (usize index = 0; index < directory_count; ++index) {
        space->directories[index] = s_pool.allocate();
        for (usize entry = 0; entry < entries_per_table; ++entry)
            space->directories[index][entry] = platform_x86_64_page_directories[index * entries_per_table + entry];
        space->pointers[index] = address_of(space->directories[index]) | entry_present | entry_writable | entry_user;
    }
    return space;
}

void destroy_address_space(AddressSpace& space)
{
    for (auto* directory : space.directories) {
        for (usize entry = 0; entry < entries_per_table; ++entry) {
            if (is_domain_table(directory[entry]))
                s_pool.free(reinterpret_cast<u64*>(directory[entry] & table_address_mask));
        }
        s_pool.free(directory);
    }
    s_pool.free(space.pointers);
    s_pool.free(space.root);
    space = {};
}

bool map_user(AddressSpace& space, uptr base, usize size, UserAccess access)
{
    return map_user_frames(space, base, size, base, access);
}

bool map_user_frames(AddressSpace& space, uptr base, usize size, uptr frames, UserAccess access)
{
    if (base % small_page_size != 0 || size % small_page_size != 0 || base >= mapped_end || size > mapped_end - base
        || frames % small_page_size != 0 || frames >= mapped_end || size > mapped_end - frames)
        return false;
    u64 end = base + size;
    /* Taking access away never needs a table: a region without one of its own maps nothing for user mode. */
    if (access != UserAccess::None && tables_needed(space, base, end) > s_pool.available())
        return false;
    set_page_entries(base, end, small_page_size,
        [&](u64 page) { return page_entry(space, page, access != UserAccess::None); },
        [&](u64 page) { return user_entry_for(access == UserAccess::None ? page : page - base + frames, access); });
    return true;
}

bool user_may_access(AddressSpace const& space, uptr base, usize size, bool writable)
{
    if (size == 0)
        return true;
    if (base >= mapped_end || size > mapped_end - base)
        return false;
    auto& mutable_space = const_cast<AddressSpace&>(space);
    return every_page_allows(base, size, small_page_size, [&](u64 page) { return page_entry(mutable_space, page, false); },
        [&](u64 entry) { return (entry & entry_present) && (entry & entry_user) && (!writable || (entry & entry_writable)); });
}

void activate_domain(AddressSpace* space, uptr kernel_stack_top)
{
    /* Domains run on CPU 0 only (ADR 0026): the trap stack and the TSS.RSP0 written here are
       CPU 0's, so a switch on another CPU (always to a Task without a domain) leaves them alone. */
    if (current_processor() != 0) {
        VERIFY(!space);
        return;
    }
    platform_x86_64_trap_stack = space ? kernel_stack_top : 0;
    set_privileged_stack(kernel_stack_top);
}

void enter_user(AddressSpace& space, uptr instruction, uptr stack_top, uptr argument0, uptr argument1)
{
    /* As if called: the entry finds a (null) return address on a 16-byte-aligned stack. */
    u64 stack = (stack_top & ~u64(15)) - 8;
    *reinterpret_cast<u64*>(stack) = 0;
    platform_x86_64_enter_user(instruction, stack, argument0, argument1, address_of(space.root));
}

}
