/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The Tasks a reader (vsh's ps, vctl) shows: one row per Task from the kernel's debug snapshot (ADR 0011's table, read
 * through the snapshot capability of ADR 0045). parse_snapshot() checks a copy of the table —
 * magic, version, record size, counts within the bytes, every name, state and band — and refuses
 * a copy whose header and trailer generations differ (Busy: a torn copy, read again) or that was
 * never written (Empty).
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/FixedString.h>

namespace vectra::tasks {

struct TaskRow {
    FixedString<32> name;
    u32 id { 0 };
    u8 state { 0 }; /* 0 runnable, 1 waiting, 2 exited */
    u8 band { 0 };  /* 0 person, 1 network */
    u8 cpu { 0 };
    u64 time_nanoseconds { 0 };
    u64 reticle_used { 0 };
    u64 reticle_size { 0 };
    u32 capabilities { 0 };
    u16 by_class[16] {}; /* capabilities by class number (vectra/CapabilityClass.h; 0 unused) */
};

struct TaskTable {
    u64 generation { 0 };
    u64 taken_at { 0 }; /* monotonic ns */
    usize count { 0 };  /* rows filled */
    usize listed { 0 }; /* Tasks the kernel listed (more than recorded when its table was full) */
};

[[nodiscard]] char const* state_name(u8);
[[nodiscard]] char const* band_name(u8);

/* A copy of the snapshot table into `rows` (as many as fit). */
[[nodiscard]] ErrorOr<TaskTable> parse_snapshot(std::span<u8 const> table, std::span<TaskRow> rows);

/* Where a reader gets a fresh table from. */
class TaskList {
public:
    [[nodiscard]] virtual ErrorOr<TaskTable> read(std::span<TaskRow> rows) = 0;

protected:
    ~TaskList() = default;
};

}
