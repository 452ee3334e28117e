/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "Internal.h"
#include <string.h>

namespace vectra::fat {

namespace {

constexpr u8 zeros[512] {};

}

ErrorOr<ShortEntry> Volume::live_entry(File& file)
{
    auto entry = TRY(entry_at(file.entry));
    if (entry.name != file.short_name || entry.name[0] == entry_free || entry.name[0] == entry_end
        || (entry.attributes & 0x3F) == attribute_long_name)
        return Error(FatError::Stale, "the file was removed or renamed");
    if (entry.is_directory())
        return Error(FatError::IsDirectory, "entry is a directory");
    if (entry.first_cluster != file.first_cluster || file.generation != m_generation) {
        file.first_cluster = entry.first_cluster;
        file.position_cluster = 0;
        file.position_index = 0;
        file.contiguous_clusters = 0;
        file.generation = m_generation;
    }
    return entry;
}

ErrorOr<u32> Volume::cluster_at(File& file, u32 first_cluster, u32 index, bool allocate)
{
    bool known_start = first_cluster == file.first_cluster && file.contiguous_clusters > 0;
    if (known_start && index < file.contiguous_clusters)
        return first_cluster + index;
    u32 current_index = 0;
    u32 current = first_cluster;
    if (file.position_cluster != 0 && file.position_index <= index) {
        current_index = file.position_index;
        current = file.position_cluster;
    }
    if (known_start && current_index < file.contiguous_clusters - 1) {
        current_index = file.contiguous_clusters - 1;
        current = first_cluster + current_index;
    }
    if (!m_geometry.is_data_cluster(current))
        return Error(FatError::Corrupt, "file chain starts outside the data region");
    while (current_index < index) {
        u32 next = TRY(next_cluster(current));
        if (next == 0) {
            if (!allocate)
                return Error(FatError::Corrupt, "the file's cluster chain is shorter than its size");
            next = TRY(allocate_cluster(current));
        }
        current = next;
        ++current_index;
    }
    file.position_index = current_index;
    file.position_cluster = current;
    return current;
}

/*
 * How many bytes from `within` the cluster at `index` can be moved in one device request: the
 * cluster's rest, extended over the clusters that follow it on the disk (a fresh volume
 * allocates them in order), at most `remaining`.
 */
ErrorOr<u64> Volume::contiguous_run(
    File& file, u32 first_cluster, u32 index, u32 cluster, u32 within, u64 remaining, bool allocate)
{
    u32 cluster_bytes = m_geometry.cluster_bytes();
    u64 run = cluster_bytes - within;
    u32 last = cluster;
    if (run < remaining && first_cluster == file.first_cluster && index + 1 < file.contiguous_clusters) {
        /* Within the contiguous start, as many clusters as are needed at once. */
        u64 wanted = (remaining - run + cluster_bytes - 1) / cluster_bytes;
        u32 step = u32(wanted < file.contiguous_clusters - 1 - index ? wanted : file.contiguous_clusters - 1 - index);
        run += u64(step) * cluster_bytes;
        index += step;
        last += step;
    }
    while (run < remaining) {
        /* A failure here (a full volume) only ends the run: the caller's next step meets it itself. */
        auto next = cluster_at(file, first_cluster, ++index, allocate);
        if (next.is_error() || next.value() != last + 1) {
            file.position_index = index - 1;
            file.position_cluster = last;
            break;
        }
        last = next.value();
        run += cluster_bytes;
    }
    return run < remaining ? run : remaining;
}

ErrorOr<void> Volume::data_io(u32 cluster, u32 offset, std::span<u8> read_into, std::span<u8 const> write_from)
{
    bool writing = !write_from.empty();
    usize total = writing ? write_from.size() : read_into.size();
    u32 sector_size = m_geometry.bytes_per_sector;
    u64 base = m_geometry.cluster_sector(cluster);
    usize done = 0;
    while (done < total) {
        u64 position = offset + done;
        u64 sector = base + position / sector_size;
        u32 within = u32(position % sector_size);
        if (within == 0 && total - done >= sector_size) {
            usize length = (total - done) / sector_size * sector_size;
            if (writing) {
                auto bytes = write_from.subspan(done, length);
                TRY(m_device->write_sectors(sector, bytes));
                m_cache.note_written(sector, bytes);
            } else {
                auto bytes = read_into.subspan(done, length);
                TRY(m_device->read_sectors(sector, bytes));
                m_cache.overlay_cached(sector, bytes);
            }
            done += length;
            continue;
        }
        usize length = sector_size - within < total - done ? sector_size - within : total - done;
        if (writing) {
            auto* bytes = TRY(m_cache.modify(sector));
            memcpy(bytes + within, write_from.data() + done, length);
        } else {
            auto const* bytes = TRY(m_cache.read(sector));
            memcpy(read_into.data() + done, bytes + within, length);
        }
        done += length;
    }
    return {};
}

ErrorOr<usize> Volume::read(File& file, u64 offset, std::span<u8> into)
{
    auto entry = TRY(live_entry(file));
    if (offset >= entry.size)
        return 0u;
    u64 length = entry.size - offset < into.size() ? entry.size - offset : into.size();
    u32 cluster_bytes = m_geometry.cluster_bytes();
    u64 done = 0;
    while (done < length) {
        u64 position = offset + done;
        u32 within = u32(position % cluster_bytes);
        u32 index = u32(position / cluster_bytes);
        u32 cluster = TRY(cluster_at(file, entry.first_cluster, index, false));
        u64 chunk = TRY(contiguous_run(file, entry.first_cluster, index, cluster, within, length - done, false));
        TRY(data_io(cluster, within, into.subspan(done, chunk), {}));
        done += chunk;
    }
    return usize(length);
}

ErrorOr<void> Volume::write_range(File& file, ShortEntry& entry, u64 offset, std::span<u8 const> from)
{
    if (from.empty())
        return {};
    if (entry.first_cluster == 0) {
        entry.first_cluster = TRY(allocate_cluster(0));
        file.first_cluster = entry.first_cluster;
        file.position_cluster = 0;
        file.position_index = 0;
        file.contiguous_clusters = 0;
        TRY(store_entry(file.entry, entry));
    }
    u32 cluster_bytes = m_geometry.cluster_bytes();
    u64 done = 0;
    while (done < from.size()) {
        u64 position = offset + done;
        u32 within = u32(position % cluster_bytes);
        u32 index = u32(position / cluster_bytes);
        u32 cluster = TRY(cluster_at(file, entry.first_cluster, index, true));
        u64 chunk = TRY(contiguous_run(file, entry.first_cluster, index, cluster, within, from.size() - done, true));
        TRY(data_io(cluster, within, {}, from.subspan(done, chunk)));
        done += chunk;
        /* The size follows the bytes written, so a write stopped by a full volume leaves a consistent file. */
        if (offset + done > entry.size)
            entry.size = u32(offset + done);
    }
    return {};
}

ErrorOr<void> Volume::fill_zeros(File& file, ShortEntry& entry, u64 end)
{
    for (u64 position = entry.size; position < end;) {
        u64 chunk = end - position < sizeof(zeros) ? end - position : sizeof(zeros);
        TRY(write_range(file, entry, position, std::span<u8 const>(zeros, chunk)));
        position += chunk;
    }
    return {};
}

ErrorOr<void> Volume::write(File& file, u64 offset, std::span<u8 const> from)
{
    auto entry = TRY(live_entry(file));
    if (offset + from.size() > maximum_file_size || offset > maximum_file_size)
        return Error(FatError::TooLarge, "FAT32 files end below 4 GiB");
    if (from.empty())
        return {};
    auto written = [&]() -> ErrorOr<void> {
        TRY(fill_zeros(file, entry, offset));
        return write_range(file, entry, offset, from);
    }();
    stamp(entry, false);
    TRY(store_entry(file.entry, entry));
    return written;
}

ErrorOr<void> Volume::truncate(File& file, u64 size)
{
    auto entry = TRY(live_entry(file));
    if (size > maximum_file_size)
        return Error(FatError::TooLarge, "FAT32 files end below 4 GiB");
    if (size > entry.size) {
        auto filled = fill_zeros(file, entry, size);
        if (filled.is_error()) {
            stamp(entry, false);
            TRY(store_entry(file.entry, entry));
            return filled;
        }
    } else if (size < entry.size && entry.first_cluster != 0) {
        u32 cluster_bytes = m_geometry.cluster_bytes();
        u32 keep = u32((size + cluster_bytes - 1) / cluster_bytes);
        if (keep == 0) {
            TRY(free_chain(entry.first_cluster));
            entry.first_cluster = 0;
        } else {
            u32 last = TRY(cluster_at(file, entry.first_cluster, keep - 1, false));
            u32 next = TRY(fat_entry(last));
            TRY(set_fat_entry(last, end_of_chain));
            if (!is_end_of_chain(next))
                TRY(free_chain(next));
        }
        ++m_generation;
    }
    entry.size = u32(size);
    stamp(entry, false);
    TRY(store_entry(file.entry, entry));
    file.first_cluster = entry.first_cluster;
    file.position_cluster = 0;
    file.position_index = 0;
    file.contiguous_clusters = 0;
    file.generation = m_generation;
    return {};
}

ErrorOr<Status> Volume::stat(File& file) { return status_of(TRY(live_entry(file))); }

}
