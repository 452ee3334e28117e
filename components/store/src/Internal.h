/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The store's name index, shared by the catalog parser and the Store: open addressing over a
 * power of two of u32 slots, each 0 (empty), `tombstone` (a removed name) or a node's number + 1.
 */

#pragma once

#include <string.h>
#include <string_view>
#include <vectra/store/Layout.h>

namespace vectra::store::detail {

inline constexpr u32 empty_slot = 0;
inline constexpr u32 tombstone = 0xFFFFFFFFu;

inline bool names_equal(Node const& node, std::string_view name)
{
    return node.name_length == name.size() && memcmp(node.name, name.data(), name.size()) == 0;
}

/* The node named `name`, or -1. */
inline i64 index_find(std::span<u32 const> index, std::span<Node const> nodes, std::string_view name, u32 hash)
{
    usize mask = index.size() - 1;
    for (usize probe = 0, slot = hash & mask; probe < index.size(); ++probe, slot = (slot + 1) & mask) {
        u32 entry = index[slot];
        if (entry == empty_slot)
            return -1;
        if (entry != tombstone && nodes[entry - 1].hash == hash && names_equal(nodes[entry - 1], name))
            return entry - 1;
    }
    return -1;
}

/* Puts `node` in the first empty or removed slot of its probe sequence (the index is never full: it has twice the
 * nodes). */
inline void index_put(std::span<u32> index, u32 node, u32 hash)
{
    usize mask = index.size() - 1;
    for (usize probe = 0, slot = hash & mask; probe < index.size(); ++probe, slot = (slot + 1) & mask) {
        if (index[slot] == empty_slot || index[slot] == tombstone) {
            index[slot] = node + 1;
            return;
        }
    }
}

inline void bit_set(std::span<u64> bits, u64 bit, bool value)
{
    if (value)
        bits[bit / 64] |= u64(1) << (bit % 64);
    else
        bits[bit / 64] &= ~(u64(1) << (bit % 64));
}

inline bool bit_get(std::span<u64 const> bits, u64 bit) { return (bits[bit / 64] >> (bit % 64)) & 1; }

[[nodiscard]] ErrorOr<void> check_name(std::string_view name);

inline u64 read_u64(u8 const* at)
{
    u64 value = 0;
    for (int index = 7; index >= 0; --index)
        value = value << 8 | at[index];
    return value;
}
inline u32 read_u32(u8 const* at) { return u32(at[0]) | u32(at[1]) << 8 | u32(at[2]) << 16 | u32(at[3]) << 24; }
inline u16 read_u16(u8 const* at) { return u16(at[0] | at[1] << 8); }
inline void write_u64(u8* at, u64 value)
{
    for (int index = 0; index < 8; ++index)
        at[index] = u8(value >> (8 * index));
}
inline void write_u32(u8* at, u32 value)
{
    for (int index = 0; index < 4; ++index)
        at[index] = u8(value >> (8 * index));
}
inline void write_u16(u8* at, u16 value)
{
    at[0] = u8(value);
    at[1] = u8(value >> 8);
}

}
