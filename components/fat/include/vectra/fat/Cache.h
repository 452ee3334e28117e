/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/fat/BlockDevice.h>

namespace vectra::fat {

struct CacheSlot {
    u64 sector { 0 };
    u64 last_use { 0 };
    bool valid { false };
    bool dirty { false };
};

/*
 * A bounded write-back cache of metadata sectors (FAT, directories, partial data sectors) in
 * memory the caller gives: one CacheSlot and one sector of bytes per slot. The least recently
 * used clean slot is reused first; a dirty one is written back before reuse. Sectors of the
 * first FAT are written to every FAT copy, so the copies stay in step. A pointer it returns is
 * valid until the next call.
 */
class Cache {
public:
    Cache(BlockDevice&, std::span<CacheSlot>, std::span<u8> bytes);

    /* The FAT region mirrored on write-back: `count` sectors from `first`, `copies` of them. */
    void set_fat_mirror(u64 first, u64 count, u32 copies);
    void set_sector_size(u32 sector_size) { m_sector_size = sector_size; }

    [[nodiscard]] ErrorOr<u8 const*> read(u64 sector);
    /*
     * The sector's bytes if the slot used last holds it (a walk along the FAT stays in one sector
     * for many entries), else null; no device access. Its recency is already the newest, so the
     * order of reuse is what read() would leave.
     */
    [[nodiscard]] u8 const* recent(u64 sector) const
    {
        if (m_slots.empty())
            return nullptr;
        auto const& slot = m_slots[m_last_hit];
        return slot.valid && slot.sector == sector ? bytes_of(m_last_hit) : nullptr;
    }
    /* The sector to change: it is marked dirty. */
    [[nodiscard]] ErrorOr<u8*> modify(u64 sector);
    /* The sector to replace entirely (zero-filled, never read). */
    [[nodiscard]] ErrorOr<u8*> overwrite(u64 sector);

    /* Data sectors read or written around the cache keep it coherent through these. */
    void overlay_cached(u64 first_sector, std::span<u8> bytes) const;
    void note_written(u64 first_sector, std::span<u8 const> bytes);

    /* Writes back dirty FAT sectors first, then the rest (not the device flush). */
    [[nodiscard]] ErrorOr<void> write_back_all();
    void forget_all();

private:
    [[nodiscard]] ErrorOr<usize> slot_for(u64 sector, bool read_from_device);
    [[nodiscard]] ErrorOr<void> write_back(usize slot);
    [[nodiscard]] usize choose_victim() const;
    [[nodiscard]] u8* bytes_of(usize slot) const { return m_bytes.data() + slot * m_sector_size; }
    [[nodiscard]] bool is_fat_sector(u64 sector) const
    {
        return sector >= m_fat_first && sector < m_fat_first + m_fat_count;
    }

    BlockDevice* m_device;
    std::span<CacheSlot> m_slots;
    std::span<u8> m_bytes;
    u32 m_sector_size;
    u64 m_clock { 0 };
    usize m_last_hit { 0 };
    u64 m_fat_first { 0 };
    u64 m_fat_count { 0 };
    u32 m_fat_copies { 1 };
};

}
