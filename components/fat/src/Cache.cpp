/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/Try.h>
#include <vectra/fat/Cache.h>

namespace vectra::fat {

Cache::Cache(BlockDevice& device, std::span<CacheSlot> slots, std::span<u8> bytes)
    : m_device(&device)
    , m_slots(slots)
    , m_bytes(bytes)
    , m_sector_size(device.sector_size())
{
    for (auto& slot : m_slots)
        slot = {};
}

void Cache::set_fat_mirror(u64 first, u64 count, u32 copies)
{
    m_fat_first = first;
    m_fat_count = count;
    m_fat_copies = copies;
}

ErrorOr<void> Cache::write_back(usize index)
{
    auto& slot = m_slots[index];
    if (!slot.valid || !slot.dirty)
        return {};
    std::span<u8 const> bytes(bytes_of(index), m_sector_size);
    if (is_fat_sector(slot.sector)) {
        for (u32 copy = 0; copy < m_fat_copies; ++copy)
            TRY(m_device->write_sectors(slot.sector + copy * m_fat_count, bytes));
    } else {
        TRY(m_device->write_sectors(slot.sector, bytes));
    }
    slot.dirty = false;
    return {};
}

ErrorOr<usize> Cache::slot_for(u64 sector, bool read_from_device)
{
    if (m_slots.empty() || m_bytes.size() < m_slots.size() * m_sector_size)
        return Error(ErrorCode::InvalidArgument, "fat cache has no slots or too few bytes for them");
    ++m_clock;
    if (m_slots[m_last_hit].valid && m_slots[m_last_hit].sector == sector) {
        m_slots[m_last_hit].last_use = m_clock;
        return m_last_hit;
    }
    for (usize index = 0; index < m_slots.size(); ++index) {
        if (m_slots[index].valid && m_slots[index].sector == sector) {
            m_slots[index].last_use = m_clock;
            m_last_hit = index;
            return index;
        }
    }
    usize victim = choose_victim();
    TRY(write_back(victim));
    auto& slot = m_slots[victim];
    slot.valid = false;
    if (read_from_device)
        TRY(m_device->read_sectors(sector, std::span<u8>(bytes_of(victim), m_sector_size)));
    else
        memset(bytes_of(victim), 0, m_sector_size);
    slot = { sector, m_clock, true, false };
    m_last_hit = victim;
    return victim;
}

usize Cache::choose_victim() const
{
    /* An empty slot, else the least recently used clean one, else the least recently used. */
    usize oldest_clean = m_slots.size();
    usize oldest = 0;
    for (usize index = 0; index < m_slots.size(); ++index) {
        auto const& slot = m_slots[index];
        if (!slot.valid)
            return index;
        if (!slot.dirty && (oldest_clean == m_slots.size() || slot.last_use < m_slots[oldest_clean].last_use))
            oldest_clean = index;
        if (slot.last_use < m_slots[oldest].last_use)
            oldest = index;
    }
    return oldest_clean != m_slots.size() ? oldest_clean : oldest;
}

ErrorOr<u8 const*> Cache::read(u64 sector) { return bytes_of(TRY(slot_for(sector, true))); }

ErrorOr<u8*> Cache::modify(u64 sector)
{
    auto index = TRY(slot_for(sector, true));
    m_slots[index].dirty = true;
    return bytes_of(index);
}

ErrorOr<u8*> Cache::overwrite(u64 sector)
{
    auto index = TRY(slot_for(sector, false));
    memset(bytes_of(index), 0, m_sector_size);
    m_slots[index].dirty = true;
    return bytes_of(index);
}

void Cache::overlay_cached(u64 first_sector, std::span<u8> bytes) const
{
    u64 count = bytes.size() / m_sector_size;
    for (usize index = 0; index < m_slots.size(); ++index) {
        auto const& slot = m_slots[index];
        if (slot.valid && slot.sector >= first_sector && slot.sector < first_sector + count)
            memcpy(bytes.data() + (slot.sector - first_sector) * m_sector_size, bytes_of(index), m_sector_size);
    }
}

void Cache::note_written(u64 first_sector, std::span<u8 const> bytes)
{
    u64 count = bytes.size() / m_sector_size;
    for (usize index = 0; index < m_slots.size(); ++index) {
        auto& slot = m_slots[index];
        if (slot.valid && slot.sector >= first_sector && slot.sector < first_sector + count) {
            memcpy(bytes_of(index), bytes.data() + (slot.sector - first_sector) * m_sector_size, m_sector_size);
            slot.dirty = false;
        }
    }
}

ErrorOr<void> Cache::write_back_all()
{
    for (usize index = 0; index < m_slots.size(); ++index)
        if (m_slots[index].valid && is_fat_sector(m_slots[index].sector))
            TRY(write_back(index));
    for (usize index = 0; index < m_slots.size(); ++index)
        TRY(write_back(index));
    return {};
}

void Cache::forget_all()
{
    for (auto& slot : m_slots)
        slot = {};
}

}
