/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/fat/Volume.h>
#include <vfsd/Backend.h>
#include <vfsd/Server.h>

namespace vectra::vfs {

/*
 * The `fat` backend (ADR 0022): a FAT32 volume (components/fat, ADR 0015) behind vfsd's Backend
 * interface, over any fat::BlockDevice (in vfsd: a storaged partition session). The FAT
 * library's errors become the protocol's (FatError::Stale — an open file renamed or removed —
 * is not-found; Corrupt is io-error). sync(token) syncs the whole volume: the library has no
 * narrower durability point, and a wider one keeps the promise. Timestamps are read as UTC
 * with unknown confidence; files vfsd creates get the library's clock-less 1980-01-01.
 * Names longer than a Path component (63 bytes) cannot be named by a client: a listing leaves
 * them out (they stay on the volume, untouched).
 */
class FatBackend final : public Backend {
public:
    /* One open file per session slot: every session may hold its quota at once. */
    static constexpr usize open_file_capacity = session_limits.sessions * open_files_per_session;

    [[nodiscard]] static constexpr usize bytes_needed(u32 cache_sectors, u32 sector_size = 512);
    /* Mounts the volume on `device`, placing the backend and its cache at the start of `memory` (64-byte aligned). */
    [[nodiscard]] static ErrorOr<FatBackend*> try_create(std::span<u8> memory, fat::BlockDevice&, u32 cache_sectors);

    [[nodiscard]] std::string_view kind_name() const override { return "fat"; }
    [[nodiscard]] bool read_only() const override { return false; }

    [[nodiscard]] ErrorOr<NodeStatus> stat(Path const&) override;
    [[nodiscard]] ErrorOr<void> create_directory(Path const&) override;
    [[nodiscard]] ErrorOr<void> remove(Path const&) override;
    [[nodiscard]] ErrorOr<void> rename(Path const& from, Path const& to) override;
    /* The cursor is the FAT library's directory-entry index (at most 2^32 - 1; beyond lists nothing). */
    [[nodiscard]] ErrorOr<BackendPage> list(Path const& directory, u64 cursor, std::span<BackendEntry> into) override;
    [[nodiscard]] ErrorOr<u64> write(Path const&, u64 offset, std::span<u8 const>) override;

    [[nodiscard]] ErrorOr<FileToken> open(Path const&, bool create) override;
    void close(FileToken) override;
    [[nodiscard]] ErrorOr<usize> read(FileToken, u64 offset, std::span<u8> into) override;
    [[nodiscard]] ErrorOr<u64> write(FileToken, u64 offset, std::span<u8 const>) override;
    [[nodiscard]] ErrorOr<u64> truncate(FileToken, u64 size) override;
    [[nodiscard]] ErrorOr<NodeStatus> stat(FileToken) override;
    [[nodiscard]] ErrorOr<void> sync(FileToken) override;
    [[nodiscard]] ErrorOr<void> sync_all() override;

    [[nodiscard]] fat::Volume& volume() { return m_volume; }

private:
    struct OpenFile {
        bool used { false };
        u32 generation { 0 };
        fat::File file;
    };
    explicit FatBackend(fat::Volume volume)
        : m_volume(std::move(volume))
    {
    }
    [[nodiscard]] ErrorOr<OpenFile*> file(FileToken);
    [[nodiscard]] ErrorOr<u64> write_file(fat::File&, u64 offset, std::span<u8 const>);

    fat::Volume m_volume;
    OpenFile m_files[open_file_capacity];
    u32 m_generation { 0 };
    /* A listing's scratch page (a FAT entry holds a 768-byte name: too large for vfsd's stack). */
    fat::DirectoryEntry m_page[maximum_list_entries];
};

constexpr usize FatBackend::bytes_needed(u32 cache_sectors, u32 sector_size)
{
    auto aligned = [](usize bytes) { return (bytes + 63) & ~usize(63); };
    return aligned(sizeof(FatBackend)) + aligned(sizeof(fat::CacheSlot) * cache_sectors) + aligned(usize(sector_size) * cache_sectors);
}

/* The protocol's error for one of the FAT library's (errors of other domains pass unchanged). */
[[nodiscard]] Error error_of_fat(Error const&);

}
