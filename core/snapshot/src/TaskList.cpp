/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The debug snapshot's table parsed (TaskList.h; layout in vectra/kernel/Snapshot.h).
 */

#include <vectra/snapshot/TaskList.h>

namespace vectra::tasks {

namespace {

constexpr char magic[8] = { 'V', 'S', 'N', 'A', 'P', 'S', 'H', '1' };
constexpr u32 version = 2;
constexpr usize header_bytes = 64;
constexpr usize record_bytes = 496;
constexpr usize trailer_bytes = 8;
constexpr usize class_slots = 16;

u16 u16_at(std::span<u8 const> bytes, usize at) { return u16(bytes[at] | (u16(bytes[at + 1]) << 8)); }
u32 u32_at(std::span<u8 const> bytes, usize at) { return u32(u16_at(bytes, at)) | (u32(u16_at(bytes, at + 2)) << 16); }
u64 u64_at(std::span<u8 const> bytes, usize at) { return u64(u32_at(bytes, at)) | (u64(u32_at(bytes, at + 4)) << 32); }

}

char const* state_name(u8 state)
{
    switch (state) {
    case 0:
        return "runnable";
    case 1:
        return "waiting";
    case 2:
        return "exited";
    }
    return "?";
}

char const* band_name(u8 band) { return band == 0 ? "person" : band == 1 ? "network" : "?"; }

ErrorOr<TaskTable> parse_snapshot(std::span<u8 const> table, std::span<TaskRow> rows)
{
    if (table.size() < header_bytes + trailer_bytes)
        return Error(ErrorCode::MalformedMessage, "the snapshot is shorter than its header");
    for (usize index = 0; index < 8; ++index) {
        if (table[8 + index] != u8(magic[index]))
            return Error(ErrorCode::MalformedMessage, "the snapshot's magic is wrong");
    }
    if (u32_at(table, 16) != version)
        return Error(ErrorCode::Unsupported, "the snapshot's version is not 2");
    if (u32_at(table, 20) != record_bytes || u32_at(table, 60) != class_slots)
        return Error(ErrorCode::MalformedMessage, "the snapshot's record layout is not this reader's");
    u64 generation = u64_at(table, 0);
    u32 recorded = u32_at(table, 40);
    u32 capacity = u32_at(table, 44);
    if (recorded > capacity || (table.size() - header_bytes - trailer_bytes) / record_bytes < capacity)
        return Error(ErrorCode::MalformedMessage, "the snapshot's counts exceed its bytes");
    u64 trailer = u64_at(table, header_bytes + usize(capacity) * record_bytes);
    if (generation == 0 && trailer == 0)
        return Error(ErrorCode::Empty, "the kernel has not written the snapshot yet");
    if (generation != trailer)
        return Error(ErrorCode::Busy, "the copy is torn: the kernel rewrote the table meanwhile");

    TaskTable result;
    result.generation = generation;
    result.taken_at = u64_at(table, 24);
    result.listed = u32_at(table, 48);
    for (usize index = 0; index < recorded && result.count < rows.size(); ++index) {
        auto record = table.subspan(header_bytes + index * record_bytes, record_bytes);
        auto& row = rows[result.count];
        row = TaskRow();
        usize name_length = 0;
        while (name_length < 32 && record[name_length] != 0)
            ++name_length;
        for (usize at = 0; at < name_length; ++at) {
            if (record[at] < 0x20 || record[at] > 0x7e)
                return Error(ErrorCode::MalformedMessage, "a Task's name in the snapshot is not printable");
        }
        row.name.append({ reinterpret_cast<char const*>(record.data()), name_length });
        row.id = u32_at(record, 32);
        row.state = record[36];
        row.band = record[37];
        row.cpu = record[38];
        if (row.state > 2 || row.band > 1)
            return Error(ErrorCode::MalformedMessage, "a Task's state or band in the snapshot is unknown");
        row.time_nanoseconds = u64_at(record, 40);
        row.reticle_used = u64_at(record, 56);
        row.reticle_size = u64_at(record, 64);
        row.capabilities = u32_at(record, 72);
        for (usize slot = 0; slot < class_slots; ++slot)
            row.by_class[slot] = u16_at(record, 76 + slot * 2);
        ++result.count;
    }
    return result;
}

}
