/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The store's on-disk structures (docs/adr/0023-persistent-store.md). A store is an array of
 * `block_size` blocks on a block::Device. Blocks 0 and 1 each begin with a superblock (one
 * 512-byte sector, CRC-32 over it); the valid one with the higher generation names the
 * catalog: a run of blocks holding every file's name, size and extents, checked by a CRC-32 in
 * the superblock. Every other block is file data or free. Nothing committed is ever written
 * over: a change goes to free blocks, and a new catalog and the other superblock make it
 * visible (copy-on-write). All integers little-endian.
 *
 * Catalog: "VSCT", node count (u32), extent count (u32), verified run count (u32); then per file:
 * name length (u16, 1..255), the name's bytes, size (u64), its extent count (u32), and its extents
 * in file order: file block (u64), disk block (u64), block count (u32); then the verified runs:
 * disk block (u64), block count (u32), CRC-32 of those blocks' bytes (u32) — the blocks a
 * single-flush commit added (at most `maximum_verified_blocks`), which mount reads and checks
 * before it trusts the commit (version 2; version 1 had no runs and is refused).
 */

#pragma once

#include <span>
#include <vectra/Error.h>

namespace vectra::store {

inline constexpr u32 block_size = 4096;
inline constexpr u32 superblock_bytes = 512;
inline constexpr u64 first_data_block = 2;
inline constexpr u32 maximum_name = 255;
inline constexpr u32 catalog_header_bytes = 16;
inline constexpr u32 catalog_extent_bytes = 20;
inline constexpr u32 catalog_file_bytes = 2 + 8 + 4; /* plus the name */
inline constexpr u32 store_version = 2;
inline constexpr u32 catalog_verified_bytes = 16;
/* A commit adding at most this many blocks, all of them in the cache, commits with one flush (Store.cpp). */
inline constexpr u64 maximum_verified_blocks = 256;

struct Superblock {
    u64 block_count { 0 };
    u64 generation { 0 };
    u64 catalog_block { 0 };
    u64 catalog_bytes { 0 };
    u32 catalog_crc { 0 };
};

void encode_superblock(Superblock const&, std::span<u8, superblock_bytes>);
/* Refused unless the magic, version, block size and CRC hold and the catalog lies inside `device_blocks`. */
[[nodiscard]] ErrorOr<Superblock> decode_superblock(std::span<u8 const, superblock_bytes>, u64 device_blocks);

/* One file's extent: `count` blocks of the file from `file_block` on stored from `disk_block` on. */
struct Extent {
    u32 node;
    u32 count;
    u64 file_block;
    u64 disk_block;
};

/* One file: its name and size; its extents are the store's, sorted by (node, file_block). */
struct Node {
    u64 size;
    u32 hash;
    u32 incarnation;
    u16 name_length;
    bool used;
    char name[maximum_name];
};

/*
 * One block of the store's cache (Cache.cpp): a data block's bytes, either clean (the disk holds
 * the same) or dirty (written since the last commit and not on the disk yet; only a block no
 * commit names is ever dirty, and every dirty block is written before the next commit's catalog).
 */
struct CacheSlot {
    alignas(64) u8 bytes[block_size];
    u64 disk_block;
    u64 last_use;
    bool held;
    bool dirty;
};

/*
 * What a store needs in memory, all the caller's (no heap): a node per file, the extents of every
 * file, a name index (a power of two of slots, at least twice the nodes), two allocation bitmaps
 * of a bit per block (in use now; in use by the last commit), a buffer that holds the whole
 * catalog (so the largest catalog a store may have) and one block, and optionally a cache of
 * blocks (none: every read and write goes to the device, as before the cache existed).
 */
struct Memory {
    std::span<Node> nodes;
    std::span<Extent> extents;
    std::span<u32> index;
    std::span<u64> bitmaps;
    std::span<u8> buffer;
    std::span<CacheSlot> cache {};

    [[nodiscard]] static constexpr usize bitmap_words(u64 blocks) { return 2 * ((blocks + 63) / 64); }
    /* Refused unless the parts fit each other and `blocks`. */
    [[nodiscard]] ErrorOr<void> check(u64 blocks) const;
};

/*
 * The catalog parser, as mount uses it: fills `nodes` and `extents` (sorted) from `bytes` and
 * marks every extent's blocks in `in_use` (a bit per block, the catalog's own blocks already
 * marked). Refused: a bad header or length, more files or extents than memory holds, an empty,
 * over-long or repeated name, an extent empty, out of order, overlapping another, past the file's
 * size or outside [first_data_block, block_count), or on a block already in use; a verified run
 * empty, on a block no extent names, or more than maximum_verified_blocks in all.
 */
struct Catalog {
    usize node_count;
    usize extent_count;
    usize verified_at { 0 }; /* the offset of the verified runs in the catalog's bytes */
    usize verified_count { 0 };
};
[[nodiscard]] ErrorOr<Catalog> parse_catalog(
    std::span<u8 const> bytes, u64 block_count, Memory const&, std::span<u64> in_use);

[[nodiscard]] u32 name_hash(std::span<char const>);

}
