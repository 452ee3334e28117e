/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Path.h>
#include <vectra/fat/Cache.h>
#include <vectra/fat/FatError.h>
#include <vectra/fat/Names.h>

namespace vectra::fat {

/* A wall-clock reading as FAT stores it (two-second resolution, 1980-2107). */
struct Timestamp {
    u16 year { 1980 };
    u8 month { 1 };
    u8 day { 1 };
    u8 hour { 0 };
    u8 minute { 0 };
    u8 second { 0 };
    [[nodiscard]] bool operator==(Timestamp const&) const = default;
};

/* Where the volume reads the time for new and changed entries; without one, 1980-01-01 00:00. */
class Clock {
public:
    [[nodiscard]] virtual Timestamp now() const = 0;

protected:
    ~Clock() = default;
};

enum class Kind : u8 {
    File = 1,
    Directory = 2,
};

struct Status {
    Kind kind { Kind::File };
    u64 size { 0 };
    Timestamp created;
    Timestamp modified;
};

struct DirectoryEntry {
    Name name;
    Status status;
};

struct ListPage {
    usize count { 0 };
    u32 next_cursor { 0 };
    bool more { false };
};

/* What mount and listings skipped rather than refused: malformed long-name sequences. */
struct Report {
    u32 broken_long_names { 0 };
};

/* Where a directory entry lives on the disk. */
struct EntryAddress {
    u64 sector { 0 };
    u32 offset { 0 };
};

/*
 * An open file: where its entry is, where the last access ended in its chain (so a sequential
 * read or write does not walk the chain again), and how many clusters from its first lie one
 * after the other on the disk (found when it was opened: an access there reads no FAT entry).
 * Both are forgotten when any chain of the volume is cut or freed (truncate, remove) or the
 * entry's first cluster changed. The volume keeps no table of open files; a File whose entry
 * was removed or reused is refused (Stale).
 */
struct File {
    EntryAddress entry;
    ShortName short_name {};
    u32 first_cluster { 0 };
    u32 position_index { 0 };
    u32 position_cluster { 0 };
    u32 contiguous_clusters { 0 };
    u64 generation { 0 };
};

/* The memory a Volume works in: `slots.size()` sectors of cache. */
struct CacheMemory {
    std::span<CacheSlot> slots;
    std::span<u8> bytes;
};

/*
 * A mounted FAT32 volume on a BlockDevice. Every operation takes typed paths (core/path) and
 * resolves them component by component; names compare without ASCII case. Changes stay in the
 * cache until sync() (or until the cache needs the slot); sync writes both FATs, the
 * directories, FSInfo, and flushes the device. See docs/adr/0015 for what survives a power cut.
 */
class Volume {
public:
    [[nodiscard]] static ErrorOr<Volume> mount(BlockDevice&, CacheMemory, Clock const* = nullptr);

    [[nodiscard]] Geometry const& geometry() const { return m_geometry; }
    [[nodiscard]] u32 free_clusters() const { return m_free_clusters; }
    [[nodiscard]] Report const& report() const { return m_report; }

    [[nodiscard]] ErrorOr<Status> stat(Path const&);
    [[nodiscard]] ErrorOr<void> create_directory(Path const&);
    [[nodiscard]] ErrorOr<File> create_file(Path const&);
    [[nodiscard]] ErrorOr<File> open(Path const&);
    [[nodiscard]] ErrorOr<ListPage> list(Path const&, u32 cursor, std::span<DirectoryEntry> into);
    [[nodiscard]] ErrorOr<void> remove(Path const&);
    /* Moves or renames within the volume; the target must not exist. */
    [[nodiscard]] ErrorOr<void> rename(Path const& from, Path const& to);

    [[nodiscard]] ErrorOr<usize> read(File&, u64 offset, std::span<u8> into);
    [[nodiscard]] ErrorOr<void> write(File&, u64 offset, std::span<u8 const> from);
    [[nodiscard]] ErrorOr<void> truncate(File&, u64 size);
    [[nodiscard]] ErrorOr<Status> stat(File&);

    [[nodiscard]] ErrorOr<void> sync();

private:
    /* A directory entry found: its short entry and the addresses of its run (long entries first). */
    struct Located {
        ShortEntry entry;
        bool is_root { false };
        u32 directory_cluster { 0 };
        EntryAddress run[maximum_long_name_entries + 1] {};
        u32 run_length { 0 };
        [[nodiscard]] EntryAddress short_address() const { return run[run_length - 1]; }
    };

    friend class DirectoryWalk;
    template<typename Visit>
    [[nodiscard]] ErrorOr<void> for_each_entry(u32 directory_cluster, u32 first_index, Visit&&);
    /* A chain's length and how many of its clusters, from the first, are consecutive. */
    struct Chain {
        u32 length { 0 };
        u32 contiguous { 0 };
    };
    [[nodiscard]] ErrorOr<Chain> walk_chain(u32 first);
    [[nodiscard]] ErrorOr<void> fill_zeros(File&, ShortEntry&, u64 end);
    [[nodiscard]] ErrorOr<void> write_range(File&, ShortEntry&, u64 offset, std::span<u8 const>);
    Volume(BlockDevice&, CacheMemory, Clock const*);

    [[nodiscard]] ErrorOr<u32> fat_entry(u32 cluster);
    [[nodiscard]] ErrorOr<void> set_fat_entry(u32 cluster, u32 value);
    [[nodiscard]] ErrorOr<u32> next_cluster(u32 cluster);
    [[nodiscard]] ErrorOr<u32> allocate_cluster(u32 previous);
    [[nodiscard]] ErrorOr<void> free_chain(u32 first);
    [[nodiscard]] ErrorOr<void> zero_cluster(u32 cluster);

    [[nodiscard]] ErrorOr<Located> resolve(Path const&, usize component_count);
    [[nodiscard]] ErrorOr<Located> find_in(u32 directory_cluster, std::string_view name);
    [[nodiscard]] ErrorOr<bool> short_name_taken(u32 directory_cluster, ShortName const&);
    [[nodiscard]] ErrorOr<u32> find_free_run(u32 directory_cluster, u32 count, EntryAddress* addresses);
    [[nodiscard]] ErrorOr<Located> add_entry(u32 directory_cluster, std::string_view name, ShortEntry);
    [[nodiscard]] ErrorOr<void> erase_entry(Located const&);
    [[nodiscard]] ErrorOr<ShortEntry> entry_at(EntryAddress);
    [[nodiscard]] ErrorOr<void> store_entry(EntryAddress, ShortEntry const&);
    [[nodiscard]] ErrorOr<Located> parent_and_name(Path const&, std::string_view& name);
    /* The parent directory of a name to create, refused when the name is taken. */
    [[nodiscard]] ErrorOr<Located> parent_for_new(Path const&, std::string_view& name);
    [[nodiscard]] ErrorOr<ShortEntry> live_entry(File&);
    [[nodiscard]] ErrorOr<u32> cluster_at(File&, u32 first_cluster, u32 index, bool allocate);
    [[nodiscard]] ErrorOr<u64> contiguous_run(
        File&, u32 first_cluster, u32 index, u32 cluster, u32 within, u64 remaining, bool allocate);
    [[nodiscard]] ErrorOr<void> data_io(
        u32 cluster, u32 offset, std::span<u8> read_into, std::span<u8 const> write_from);
    void stamp(ShortEntry&, bool created) const;

    BlockDevice* m_device;
    Cache m_cache;
    Clock const* m_clock;
    Geometry m_geometry;
    u32 m_free_clusters { 0 };
    u32 m_next_free { 2 };
    u64 m_generation { 1 };
    Report m_report;
};

}
