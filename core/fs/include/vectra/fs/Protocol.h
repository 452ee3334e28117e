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

/* Ring geometry the manifest uses for vfs connections. */
inline constexpr u32 ring_slot_count = 8;
inline constexpr u32 ring_slot_size = 512;

}
