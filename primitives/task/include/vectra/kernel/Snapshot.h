/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The debug snapshot (CONFIG_DEBUG_SNAPSHOT; docs/adr/0011-debug-snapshots.md): a table in
 * kernel memory that the executor rewrites between Task switches — at most once per
 * CONFIG_DEBUG_SNAPSHOT_INTERVAL_MS while Tasks switch, and whenever the CPU goes idle after a
 * switch — from its own bookkeeping: per Task its name, id, state, band, CPU, time used,
 * Reticle bytes used and granted, capabilities held by class and the depth of every Ring end it
 * has bound. Nothing in the image reads it: `./vectra top` does, from outside, through QEMU's
 * monitor (guest memory) or /proc/<pid>/mem (hosted), finding it by the ELF symbol
 * `vectra_debug_snapshot`.
 *
 * A reader copies the table front to back, with no lock. The writer stores the new generation
 * in the trailer first, then everything between, then the header's generation (its first
 * bytes) last; a copy whose header and trailer generations are equal (and non-zero) is one
 * whole snapshot. The layout (all little-endian, offsets in bytes) is the contract with
 * tools/vectra/snapshot.py:
 *
 *   header (64)  0 u64 generation  8 magic "VSNAPSH1"  16 u32 version  20 u32 task record bytes
 *                24 u64 taken at (monotonic ns)  32 u64 switches  40 u32 tasks recorded
 *                44 u32 task capacity  48 u32 tasks listed  52 u32 CPUs  56 u32 Ring ends per
 *                record  60 u32 capability classes per record (index 0 unused)
 *   record (496) 0 name[32] (NUL-padded)  32 u32 id  36 u8 state  37 u8 band  38 u8 CPU
 *                39 u8 Ring ends  40 u64 time used (ns)  48 u64 switches  56 u64 Reticle used
 *                64 u64 Reticle size  72 u32 capabilities  76 u16[16] capabilities by class
 *                (index = the class's number; 0 unused)  108 4 padding
 *                112 Ring ends[32] of 12: u8 end (1 send, 2 receive), 3 padding, u32 used,
 *                u32 capacity
 *   trailer (8)  u64 generation
 */

#pragma once

#include <vectra/Types.h>
#include <vectra/platform/Platform.h>

namespace vectra {

class Executor;

namespace snapshot {

inline constexpr char magic[8] = { 'V', 'S', 'N', 'A', 'P', 'S', 'H', '1' };
inline constexpr u32 version = 2;
inline constexpr usize header_bytes = 64;
inline constexpr usize record_bytes = 496;
inline constexpr usize name_bytes = 32;
inline constexpr usize ring_ends_per_record = 32;
inline constexpr usize class_slots = 16;
inline constexpr usize ring_ends_offset = 112;

/* Rewrite the table now (tests call it directly). */
void write(Executor&, u64 now);
/* When the next rewrite is due (platform::cycle_counter()): never without CONFIG_DEBUG_SNAPSHOT. */
extern u64 next_due;
/* The executor switched to a Task at `now_cycles`: rewrite the table if it is due (one comparison). */
inline void note_switch(Executor& executor, u64 now_cycles)
{
    if (now_cycles >= next_due) [[unlikely]]
        write(executor, platform::monotonic_nanoseconds());
}
/* The CPU is about to idle: rewrite the table if anything switched since the last time. */
void note_idle(Executor&, u64 now);
/* The table's bytes (empty without CONFIG_DEBUG_SNAPSHOT). */
[[nodiscard]] u8 const* table();
[[nodiscard]] usize table_bytes();

}

}
