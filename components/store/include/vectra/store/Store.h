/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The crash-safe persistent store (docs/adr/0023-persistent-store.md): files in a flat
 * namespace of names (1..255 bytes, no NUL; '/' is an ordinary byte, so a vfsd backend maps
 * paths onto names and lists a "directory" by prefix) on a block::Device, written
 * copy-on-write and committed by `sync`.
 *
 * The promise: after `sync` returns, every file's name, size and bytes as they were at that
 * `sync` survive any power cut; a mount after a cut finds exactly the state of the last `sync`
 * that returned, or of the one the cut interrupted — never a mixture, so a rename is all or
 * nothing and no offset holds bytes of two writes unless neither was synced. Mount reads two
 * sectors and the catalog, nothing else: its time is bounded by the catalog's size (the
 * caller's buffer).
 *
 * The cache (optional, `Memory::cache`): blocks read in part or written in part are kept, and a
 * block written since the last commit stays in the cache (dirty) until the cache needs its slot
 * or the next `sync`, which writes every dirty block, in runs of neighbouring blocks, before its
 * catalog and its first flush. A read of one block that misses also reads the blocks after it
 * that the present state uses (up to `read_ahead_blocks`), in the same request. Whole-block
 * writes and reads of more than `cached_whole_blocks` go straight between the device and the
 * caller's bytes.
 *
 * What it is not: not a directory tree (no directories, no per-directory atomicity beyond the
 * whole-store commit), not thread-safe (one Task holds a Store), and no times in stat yet. After a failed `sync` (a device error, a cut) every change is refused until the
 * store is mounted again.
 */

#pragma once

#include <string_view>
#include <vectra/block/Device.h>
#include <vectra/store/Layout.h>
#include <vectra/store/StoreError.h>

namespace vectra::store {

/* An open file: a node and the incarnation it had; stale once that file is removed or replaced. */
struct File {
    u32 node;
    u32 incarnation;
};

struct Status {
    u64 size;
    u64 blocks; /* blocks stored (holes take none) */
};

/* A listed file; the name points into the store's memory and is valid until the next change. */
struct Listing {
    std::string_view name;
    u64 size;
};

struct Report {
    u64 generation { 0 }; /* of the last commit */
    u64 catalog_bytes { 0 };
    u64 free_blocks { 0 };
    u64 block_count { 0 };
    bool fell_back { false }; /* mount found the newer superblock's catalog bad and took the older */
    u64 extents { 0 }; /* runs of file blocks in the present state, of the memory's `extents` */
    u64 commits { 0 }; /* syncs since mount that wrote a new catalog (a sync with nothing changed only flushes) */
    u64 catalog_blocks_written { 0 }; /* by those commits: the whole catalog, rounded up to blocks, each time */
    /* Device requests since mount (format and mount's own reads not counted). */
    u64 device_reads { 0 };
    u64 device_writes { 0 }; /* write requests, the superblock's included */
    u64 blocks_read { 0 };
    u64 blocks_written { 0 };
    u64 flushes { 0 };
    u64 cache_hits { 0 }; /* blocks found in the cache instead of read */
    u64 single_flush_commits { 0 }; /* of `commits`: those whose added blocks mount verifies (one flush) */
};

/* A miss reads at most this many blocks ahead; whole-block requests up to this many go through the cache. */
inline constexpr u64 read_ahead_blocks = 32;
inline constexpr u64 cached_whole_blocks = 4;

class Store {
public:
    /* Writes an empty store over the whole device (both superblocks replaced). */
    [[nodiscard]] static ErrorOr<void> format(block::Device&, Memory const&);
    /* Reads the newest valid commit; everything it names is checked before it is used. */
    [[nodiscard]] static ErrorOr<Store> mount(block::Device&, Memory const&);

    [[nodiscard]] ErrorOr<File> create(std::string_view name);
    [[nodiscard]] ErrorOr<File> open(std::string_view name);
    [[nodiscard]] ErrorOr<usize> read(File, u64 offset, std::span<u8> into);
    [[nodiscard]] ErrorOr<void> write(File, u64 offset, std::span<u8 const> from);
    [[nodiscard]] ErrorOr<void> truncate(File, u64 size);
    [[nodiscard]] ErrorOr<Status> stat(File) const;
    /* Renames `from` to `to`, replacing a file named `to` (as POSIX rename does). */
    [[nodiscard]] ErrorOr<void> rename(std::string_view from, std::string_view to);
    [[nodiscard]] ErrorOr<void> remove(std::string_view name);
    /* Fills `page` with files whose names start with `prefix`, from `cursor` on; 0 at the end. */
    [[nodiscard]] usize list(std::string_view prefix, usize& cursor, std::span<Listing> page) const;
    /* Commits every change: data flushed, the catalog written and flushed, the other superblock written and flushed. */
    [[nodiscard]] ErrorOr<void> sync();

    [[nodiscard]] Report report() const;

private:
    Store(block::Device&, Memory const&, u64 block_count);

    struct Run {
        u64 first;
        u64 count;
    };

    [[nodiscard]] ErrorOr<void> load(Superblock const&);
    [[nodiscard]] ErrorOr<u32> lookup(std::string_view name) const;
    [[nodiscard]] ErrorOr<Node*> node_of(File) const;
    [[nodiscard]] ErrorOr<void> writable() const;
    void index_insert(u32 node);
    void index_erase(u32 node);
    void index_tidy();
    void index_rebuild();
    void forget(u32 node);

    /* Extents (Data.cpp). */
    [[nodiscard]] usize first_extent(u32 node, u64 file_block) const;
    [[nodiscard]] ErrorOr<void> unmap(u32 node, u64 from_block, u64 to_block);
    [[nodiscard]] ErrorOr<void> map(u32 node, u64 file_block, u64 disk_block, u64 count);
    [[nodiscard]] ErrorOr<void> write_block(u32 node, u64 file_block, u32 at, std::span<u8 const> bytes);
    [[nodiscard]] ErrorOr<void> write_whole(u32 node, u64 file_block, std::span<u8 const> bytes);
    [[nodiscard]] ErrorOr<Run> allocate(u64 wanted, bool exact);
    [[nodiscard]] ErrorOr<Run> allocate_block_after(u32 node, u64 file_block);
    void set_used(Run, bool);
    [[nodiscard]] bool is_taken(u64 block) const;
    [[nodiscard]] ErrorOr<void> read_blocks(u64 disk_block, std::span<u8> into);
    [[nodiscard]] ErrorOr<void> write_blocks(u64 disk_block, std::span<u8 const> from);

    /* The cache (Cache.cpp). */
    [[nodiscard]] ErrorOr<void> load_block(u64 disk_block, std::span<u8> into);
    [[nodiscard]] ErrorOr<void> store_block(u64 disk_block, std::span<u8 const> from);
    [[nodiscard]] ErrorOr<void> write_back();
    [[nodiscard]] ErrorOr<CacheSlot*> free_slot();
    [[nodiscard]] CacheSlot* cached(u64 disk_block);
    void take_slot(CacheSlot&, u64 disk_block, bool dirty);
    void forget_cached(Run);
    void overlay_dirty(u64 disk_block, std::span<u8> into);
    [[nodiscard]] usize reusable_slots() const;
    [[nodiscard]] ErrorOr<void> device_read(u64 disk_block, std::span<u8> into);
    [[nodiscard]] ErrorOr<void> device_write(u64 disk_block, std::span<u8 const> from);
    [[nodiscard]] ErrorOr<void> device_flush();

    /* The catalog. */
    [[nodiscard]] ErrorOr<usize> encode_catalog(bool& verified);
    [[nodiscard]] bool added_blocks_cached();
    [[nodiscard]] ErrorOr<void> verify_added(std::span<u8 const> catalog, Catalog const&);

    block::Device* m_device;
    Memory m_memory;
    std::span<u8> m_catalog_area;
    std::span<u8> m_scratch;
    std::span<u64> m_used;
    std::span<u64> m_committed;
    std::span<u32> m_index;
    u64 m_block_count;
    u32 m_sectors_per_block;
    usize m_node_limit { 0 };
    usize m_node_free_hint { 0 };
    usize m_extent_count { 0 };
    usize m_index_tombstones { 0 };
    u64 m_allocation_cursor { first_data_block };
    Superblock m_super {};
    bool m_dirty { false };
    bool m_failed { false };
    bool m_fell_back { false };
    u64 m_commits { 0 };
    u64 m_catalog_blocks_written { 0 };
    u64 m_cache_clock { 0 };
    Report m_counts {};
};

}
