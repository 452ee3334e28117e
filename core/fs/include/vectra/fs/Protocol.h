/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd's Ring schema, version 1. The canonical description below is the schema: its hash is
 * the schema id both ends must bind with. Change a message, bump the version, and the id changes.
 */

#pragma once

#include <string_view>
#include <vectra/Error.h>
#include <vectra/Ring.h>
#include <vectra/Types.h>

namespace vectra::vfs {

inline constexpr std::string_view canonical_description =
    "schema vectra.vfs version 1\n"
    "request  header: u16 type, u16 version, u32 request_id\n"
    "reply    header: u16 type|0x8000, u16 version, u32 request_id, u16 error\n"
    "path: u8 count, count * (u8 length, bytes)\n"
    "1 create-directory: path -> ()\n"
    "2 write: path, u64 offset, u16 length, bytes -> u64 size\n"
    "3 read: path, u64 offset, u16 maximum -> u16 length, bytes\n"
    "4 list: path, u32 first -> u16 count, u8 more, count * (u8 kind, u8 length, bytes)\n"
    "5 stat: path -> u8 kind, u64 size\n"
    "6 remove: path -> ()\n";

inline constexpr u64 schema_id = schema_id_of(canonical_description);
inline constexpr u16 protocol_version = 1;

enum class MessageType : u16 {
    CreateDirectory = 1,
    Write = 2,
    Read = 3,
    List = 4,
    Stat = 5,
    Remove = 6,
};

inline constexpr u16 reply_flag = 0x8000;

enum class NodeKind : u8 {
    File = 1,
    Directory = 2,
};

/* Bytes a request header and a reply header occupy. */
inline constexpr usize request_header_size = 8;
inline constexpr usize reply_header_size = 10;

/*
 * Ring geometry of every vfs connection: the single source of truth. footprint.json names
 * these constants, so initd creates the Rings with them; everything below is derived.
 */
inline constexpr u32 ring_slot_count = 8;
inline constexpr u32 ring_slot_size = 512;

/* Bytes one message (request or reply) may occupy: a slot less the Ring's slot header. */
inline constexpr usize message_capacity = ring_slot_size - ring_slot_header_bytes;

/*
 * The most file bytes one read reply carries. A read asking for more gets a short read; the
 * reply (header, u16 length, bytes) then fills the slot exactly.
 */
inline constexpr usize maximum_read_length = message_capacity - reply_header_size - sizeof(u16);

/* Bytes of a list reply before its entries: u16 count, u8 more (vfsd checks one longest entry fits). */
inline constexpr usize list_reply_fixed_size = reply_header_size + sizeof(u16) + sizeof(u8);

/* The largest reply of each fixed-size message type fits one slot. */
static_assert(reply_header_size + sizeof(u64) <= message_capacity, "a write reply must fit a Ring slot");
static_assert(reply_header_size + sizeof(u16) + maximum_read_length <= message_capacity, "a read reply must fit a Ring slot");
static_assert(reply_header_size + sizeof(u8) + sizeof(u64) <= message_capacity, "a stat reply must fit a Ring slot");
static_assert(maximum_read_length <= 0xffff, "a read reply's length field is a u16");

}
