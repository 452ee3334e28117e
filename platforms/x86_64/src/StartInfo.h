/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The PVH boot protocol's start-of-day structures, as the loader (QEMU's PVH option ROM)
 * leaves them in memory. Layouts follow the public PVH ABI (Xen's arch-x86/hvm/start_info.h).
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::x86_64 {

struct PvhStartInfo {
    static constexpr u32 expected_magic = 0x336ec578;

    u32 magic;
    u32 version;
    u32 flags;
    u32 module_count;
    u64 module_list_address;
    u64 command_line_address;
    u64 acpi_root_pointer_address;
    /* version >= 1 */
    u64 memory_map_address;
    u32 memory_map_entry_count;
    u32 reserved;
};
static_assert(sizeof(PvhStartInfo) == 56);

struct PvhModule {
    u64 address;
    u64 size;
    u64 command_line_address;
    u64 reserved;
};
static_assert(sizeof(PvhModule) == 32);

/* E820 semantics. */
struct PvhMemoryMapEntry {
    static constexpr u32 type_ram = 1;

    u64 address;
    u64 size;
    u32 type;
    u32 reserved;
};
static_assert(sizeof(PvhMemoryMapEntry) == 24);

}
