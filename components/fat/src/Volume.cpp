/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "Internal.h"
#include <string.h>

namespace vectra::fat {

Volume::Volume(BlockDevice& device, CacheMemory memory, Clock const* clock)
    : m_device(&device)
    , m_cache(device, memory.slots, memory.bytes)
    , m_clock(clock)
{
}

ErrorOr<Volume> Volume::mount(BlockDevice& device, CacheMemory memory, Clock const* clock)
{
    u32 sector_size = device.sector_size();
    if (sector_size < 512 || sector_size > 4096 || !is_power_of_two(sector_size))
        return Error(FatError::DeviceMismatch, "device sector size is not 512, 1024, 2048 or 4096");
    if (memory.slots.size() < 4 || memory.bytes.size() < memory.slots.size() * sector_size)
        return Error(ErrorCode::InvalidArgument, "fat cache needs at least 4 slots and a sector of bytes for each");
    Volume volume(device, memory, clock);
    auto const* boot = TRY(volume.m_cache.read(0));
    volume.m_geometry
        = TRY(parse_boot_sector(std::span<u8 const>(boot, sector_size), sector_size, device.sector_count()));
    auto const& geometry = volume.m_geometry;
    volume.m_cache.set_fat_mirror(geometry.reserved_sectors, geometry.sectors_per_fat, geometry.fat_count);
    auto const* fsinfo_bytes = TRY(volume.m_cache.read(geometry.fsinfo_sector));
    auto fsinfo = TRY(parse_fsinfo(std::span<u8 const>(fsinfo_bytes, sector_size)));
    for (u32 copy = 0; copy < geometry.fat_count; ++copy) {
        auto const* fat = TRY(volume.m_cache.read(geometry.reserved_sectors + u64(copy) * geometry.sectors_per_fat));
        u32 media_entry = read_u32(fat) & fat_entry_mask;
        if ((media_entry & 0xFF) != geometry.media || (media_entry | 0xFF) != fat_entry_mask)
            return Error(FatError::NotFat32, "a FAT's first entry does not hold the media byte");
    }
    /* Free clusters are counted, not taken from FSInfo: after a power cut its count may be stale. */
    u32 entries_per_sector = geometry.bytes_per_sector / 4;
    u64 last_sector = geometry.fat_sector_of(geometry.cluster_count + 1);
    for (u64 sector = geometry.reserved_sectors; sector <= last_sector; ++sector) {
        auto const* fat = TRY(volume.m_cache.read(sector));
        u64 first_cluster = (sector - geometry.reserved_sectors) * entries_per_sector;
        for (u32 index = 0; index < entries_per_sector; ++index) {
            u64 cluster = first_cluster + index;
            if (cluster >= 2 && cluster < u64(geometry.cluster_count) + 2
                && (read_u32(fat + index * 4) & fat_entry_mask) == 0)
                ++volume.m_free_clusters;
        }
    }
    volume.m_next_free = geometry.is_data_cluster(fsinfo.next_free) ? fsinfo.next_free : 2;
    TRY(volume.walk_chain(geometry.root_cluster));
    return volume;
}

ErrorOr<u32> Volume::fat_entry(u32 cluster)
{
    u64 sector_number = m_geometry.fat_sector_of(cluster);
    auto const* sector = m_cache.recent(sector_number);
    if (sector == nullptr)
        sector = TRY(m_cache.read(sector_number));
    return read_u32(sector + m_geometry.fat_offset_of(cluster)) & fat_entry_mask;
}

ErrorOr<void> Volume::set_fat_entry(u32 cluster, u32 value)
{
    auto* sector = TRY(m_cache.modify(m_geometry.fat_sector_of(cluster)));
    auto* entry = sector + m_geometry.fat_offset_of(cluster);
    write_u32(entry, (read_u32(entry) & ~fat_entry_mask) | (value & fat_entry_mask));
    return {};
}

ErrorOr<u32> Volume::next_cluster(u32 cluster)
{
    u32 next = TRY(fat_entry(cluster));
    if (is_end_of_chain(next))
        return 0u;
    if (!m_geometry.is_data_cluster(next))
        return Error(FatError::Corrupt, "cluster chain reaches a free, bad or out-of-range cluster");
    return next;
}

ErrorOr<Volume::Chain> Volume::walk_chain(u32 first)
{
    if (!m_geometry.is_data_cluster(first))
        return Error(FatError::Corrupt, "chain starts outside the data region");
    LoopDetector loop;
    TRY(loop.step(first));
    Chain chain { 1, 1 };
    bool contiguous = true;
    /* Sector sizes are powers of two: the entries of one FAT sector share the bits above this mask. */
    u32 within_sector = m_geometry.bytes_per_sector / 4 - 1;
    u32 cluster = first;
    for (;;) {
        u64 sector_number = m_geometry.fat_sector_of(cluster);
        auto const* sector = m_cache.recent(sector_number);
        if (sector == nullptr)
            sector = TRY(m_cache.read(sector_number));
        /* Entries in the same sector are read from it directly, without a cache lookup each. */
        u32 sector_clusters = cluster & ~within_sector;
        do {
            u32 next = read_u32(sector + (cluster & within_sector) * 4) & fat_entry_mask;
            if (is_end_of_chain(next))
                return chain;
            if (!m_geometry.is_data_cluster(next))
                return Error(FatError::Corrupt, "cluster chain reaches a free, bad or out-of-range cluster");
            TRY(loop.step(next));
            if (++chain.length > m_geometry.cluster_count)
                return Error(FatError::Corrupt, "cluster chain is longer than the cluster count");
            contiguous = contiguous && next == cluster + 1;
            if (contiguous)
                ++chain.contiguous;
            cluster = next;
        } while ((cluster & ~within_sector) == sector_clusters);
    }
}

ErrorOr<u32> Volume::allocate_cluster(u32 previous)
{
    if (m_free_clusters == 0)
        return Error(FatError::NoSpace, "no free cluster");
    u32 count = m_geometry.cluster_count;
    u32 candidate = m_geometry.is_data_cluster(m_next_free) ? m_next_free : 2;
    for (u32 step = 0; step < count; ++step) {
        if (TRY(fat_entry(candidate)) == 0) {
            TRY(set_fat_entry(candidate, end_of_chain));
            if (previous != 0)
                TRY(set_fat_entry(previous, candidate));
            --m_free_clusters;
            m_next_free = candidate + 1 < count + 2 ? candidate + 1 : 2;
            return candidate;
        }
        candidate = candidate + 1 < count + 2 ? candidate + 1 : 2;
    }
    m_free_clusters = 0;
    return Error(FatError::NoSpace, "no free cluster");
}

ErrorOr<void> Volume::free_chain(u32 first)
{
    ++m_generation;
    u32 cluster = first;
    for (u32 step = 0; step < m_geometry.cluster_count; ++step) {
        if (!m_geometry.is_data_cluster(cluster))
            return Error(FatError::Corrupt, "chain to free reaches a cluster outside the data region");
        u32 next = TRY(fat_entry(cluster));
        if (next == 0)
            return Error(FatError::Corrupt, "chain to free reaches a free cluster");
        TRY(set_fat_entry(cluster, 0));
        ++m_free_clusters;
        if (is_end_of_chain(next))
            return {};
        cluster = next;
    }
    return Error(FatError::Corrupt, "chain to free loops");
}

/*
 * A cluster becoming a directory's is zeroed on the disk at once, before the FAT entry that
 * links it can be written back: a cut never leaves a directory reaching stale bytes.
 */
ErrorOr<void> Volume::zero_cluster(u32 cluster)
{
    static constexpr u8 zero_sector[4096] {};
    u64 first = m_geometry.cluster_sector(cluster);
    std::span<u8 const> zeros(zero_sector, m_geometry.bytes_per_sector);
    for (u32 index = 0; index < m_geometry.sectors_per_cluster; ++index) {
        TRY(m_device->write_sectors(first + index, zeros));
        m_cache.note_written(first + index, zeros);
    }
    return {};
}

ErrorOr<ShortEntry> Volume::entry_at(EntryAddress address)
{
    auto const* sector = TRY(m_cache.read(address.sector));
    return decode_short_entry(std::span<u8 const, directory_entry_size>(sector + address.offset, directory_entry_size));
}

ErrorOr<void> Volume::store_entry(EntryAddress address, ShortEntry const& entry)
{
    auto* sector = TRY(m_cache.modify(address.sector));
    encode_short_entry(std::span<u8, directory_entry_size>(sector + address.offset, directory_entry_size), entry);
    return {};
}

void Volume::stamp(ShortEntry& entry, bool created) const
{
    Timestamp now = m_clock ? m_clock->now() : Timestamp {};
    /* FAT dates run from 1980 to 2107; a clock outside that range is clamped. */
    u32 year = now.year < 1980 ? 0 : now.year > 2107 ? 127 : now.year - 1980;
    u16 date = u16((year << 9) | ((now.month & 15) << 5) | (now.day & 31));
    u16 time = u16(((now.hour & 31) << 11) | ((now.minute & 63) << 5) | ((now.second / 2) & 31));
    if (created) {
        entry.created_date = date;
        entry.created_time = time;
        entry.created_centiseconds = u8((now.second % 2) * 100);
    }
    entry.modified_date = date;
    entry.modified_time = time;
    entry.accessed_date = date;
}

ErrorOr<void> Volume::sync()
{
    auto* fsinfo = TRY(m_cache.modify(m_geometry.fsinfo_sector));
    write_fsinfo(std::span<u8>(fsinfo, m_geometry.bytes_per_sector), { m_free_clusters, m_next_free });
    TRY(m_cache.write_back_all());
    return m_device->flush();
}

}
