/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/Try.h>
#include <vfsd/CachingDevice.h>

namespace vectra::vfs {

CachingDevice::CachingDevice(block::Device& inner, std::span<u8> memory)
    : m_inner(&inner)
    , m_chunk_bytes(usize(chunk_sectors) * inner.sector_size())
{
    usize chunks = memory.size() / bytes_needed(1, inner.sector_size());
    if (chunks == 0 || reinterpret_cast<uptr>(memory.data()) % alignof(u64) != 0)
        return;
    m_tags = std::span<u64>(reinterpret_cast<u64*>(memory.data()), chunks);
    for (auto& tag : m_tags)
        tag = 0;
    m_bytes = memory.data() + chunks * sizeof(u64);
}

/* Reads chunks [first_chunk, first_chunk + chunk_count) into their slots: one device request per run of adjacent slots. */
ErrorOr<void> CachingDevice::fill(u64 first_chunk, u64 chunk_count)
{
    for (u64 chunk = first_chunk; chunk < first_chunk + chunk_count;) {
        usize slot = slot_of(chunk);
        u64 run = first_chunk + chunk_count - chunk;
        if (run > m_tags.size() - slot)
            run = m_tags.size() - slot;
        for (u64 index = 0; index < run; ++index)
            m_tags[slot + index] = 0;
        TRY(m_inner->read_sectors(chunk * chunk_sectors, std::span<u8>(bytes_of(slot), usize(run) * m_chunk_bytes)));
        for (u64 index = 0; index < run; ++index)
            m_tags[slot + index] = chunk + index + 1;
        ++m_fills;
        chunk += run;
    }
    return {};
}

ErrorOr<void> CachingDevice::read_sectors(u64 first_sector, std::span<u8> into)
{
    u32 size = sector_size();
    if (m_tags.empty() || into.size() % size != 0)
        return m_inner->read_sectors(first_sector, into);
    u64 end = first_sector + into.size() / size;
    /* Only whole chunks are cached: the device's last partial chunk is read around the cache. */
    u64 cached_chunks = sector_count() / chunk_sectors;
    for (u64 sector = first_sector; sector < end;) {
        u64 chunk = sector / chunk_sectors;
        u64 stop = (chunk + 1) * chunk_sectors < end ? (chunk + 1) * chunk_sectors : end;
        u8* to = into.data() + (sector - first_sector) * size;
        if (chunk >= cached_chunks) {
            TRY(m_inner->read_sectors(sector, std::span<u8>(to, usize(stop - sector) * size)));
            sector = stop;
            continue;
        }
        if (!holds(chunk)) {
            /* This chunk and the missing ones after it that the read needs, at most a cache's worth. */
            u64 missing = 1;
            while (missing < m_tags.size() && chunk + missing < cached_chunks && (chunk + missing) * chunk_sectors < end
                && !holds(chunk + missing))
                ++missing;
            TRY(fill(chunk, missing));
        } else {
            ++m_hits;
        }
        memcpy(to, bytes_of(slot_of(chunk)) + (sector - chunk * chunk_sectors) * size, usize(stop - sector) * size);
        sector = stop;
    }
    return {};
}

ErrorOr<void> CachingDevice::write_sectors(u64 first_sector, std::span<u8 const> from)
{
    u32 size = sector_size();
    if (!m_tags.empty() && !from.empty()) {
        /* Dropped before the device changes: a write that fails part-way leaves nothing stale here. */
        u64 last_sector = first_sector + (from.size() + size - 1) / size - 1;
        u64 first_chunk = first_sector / chunk_sectors;
        u64 last_chunk = last_sector / chunk_sectors;
        if (last_chunk - first_chunk >= m_tags.size()) {
            for (auto& tag : m_tags)
                tag = 0;
        } else {
            for (u64 chunk = first_chunk; chunk <= last_chunk; ++chunk)
                if (holds(chunk))
                    m_tags[slot_of(chunk)] = 0;
        }
    }
    return m_inner->write_sectors(first_sector, from);
}

}
