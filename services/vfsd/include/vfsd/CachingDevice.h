/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/block/Device.h>

namespace vectra::vfs {

/*
 * A read cache in front of a block device, in memory its owner gives: direct-mapped chunks of
 * `chunk_sectors` sectors (chunk n lives in slot n mod the slot count), so a file served again
 * and again is read from memory, not the disk. A read fills every chunk it misses in one device
 * request per run of missing chunks; a write goes to the device and drops every chunk it
 * touches first, so nothing read afterwards is older than the device. It assumes it is the
 * device's only writer (vfsd's session owns its partition).
 */
class CachingDevice final : public block::Device {
public:
    static constexpr u32 chunk_sectors = 8;

    [[nodiscard]] static constexpr usize bytes_needed(u32 chunks, u32 sector_size)
    {
        return usize(chunks) * (sizeof(u64) + usize(chunk_sectors) * sector_size);
    }
    /* `memory` (8-aligned) holds bytes_needed(chunks, …); fewer than one chunk caches nothing. */
    CachingDevice(block::Device& inner, std::span<u8> memory);

    [[nodiscard]] u32 sector_size() const override { return m_inner->sector_size(); }
    [[nodiscard]] u64 sector_count() const override { return m_inner->sector_count(); }
    [[nodiscard]] ErrorOr<void> read_sectors(u64 first_sector, std::span<u8> into) override;
    [[nodiscard]] ErrorOr<void> write_sectors(u64 first_sector, std::span<u8 const> from) override;
    [[nodiscard]] ErrorOr<void> flush() override { return m_inner->flush(); }

    [[nodiscard]] usize chunk_count() const { return m_tags.size(); }
    /* Chunks served from memory, and device reads made to fill chunks. */
    [[nodiscard]] u64 hits() const { return m_hits; }
    [[nodiscard]] u64 fills() const { return m_fills; }

private:
    [[nodiscard]] usize slot_of(u64 chunk) const { return usize(chunk % m_tags.size()); }
    [[nodiscard]] u8* bytes_of(usize slot) const { return m_bytes + slot * m_chunk_bytes; }
    [[nodiscard]] bool holds(u64 chunk) const { return m_tags[slot_of(chunk)] == chunk + 1; }
    [[nodiscard]] ErrorOr<void> fill(u64 first_chunk, u64 chunk_count);

    block::Device* m_inner;
    /* A slot's chunk number plus one; 0 is empty. */
    std::span<u64> m_tags;
    u8* m_bytes { nullptr };
    usize m_chunk_bytes { 0 };
    u64 m_hits { 0 };
    u64 m_fills { 0 };
};

}
