/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/Try.h>
#include <vectra/fat/Volume.h>

namespace vectra::fat {

/*
 * Brent's cycle detection over a cluster chain: a chain that returns to a cluster it passed is
 * found within about twice its length, in constant memory.
 */
class LoopDetector {
public:
    [[nodiscard]] ErrorOr<void> step(u32 cluster)
    {
        if (cluster == m_saved)
            return Error(FatError::Corrupt, "cluster chain loops");
        if (++m_length == m_power) {
            m_saved = cluster;
            m_power *= 2;
            m_length = 0;
        }
        return {};
    }

private:
    u32 m_saved { 0 };
    u64 m_power { 1 };
    u64 m_length { 0 };
};

/* Walks a directory's raw 32-byte entries along its cluster chain, bounded by 65,536 entries. */
class DirectoryWalk {
public:
    DirectoryWalk(Volume& volume, u32 first_cluster)
        : m_volume(volume)
        , m_cluster(first_cluster)
        , m_last_cluster(first_cluster)
    {
    }

    /* The next entry, or false past the end of the chain. */
    [[nodiscard]] ErrorOr<bool> next(EntryAddress& address, u8* raw)
    {
        auto const& geometry = m_volume.m_geometry;
        if (m_cluster == 0)
            return false;
        if (!geometry.is_data_cluster(m_cluster))
            return Error(FatError::Corrupt, "directory starts at a cluster outside the data region");
        if (m_index == 0)
            TRY(m_loop.step(m_cluster));
        if (m_index >= maximum_directory_entries)
            return Error(FatError::Corrupt, "directory is longer than 65,536 entries (or its chain loops)");
        u32 entries_per_cluster = geometry.cluster_bytes() / directory_entry_size;
        if (m_within == entries_per_cluster) {
            u32 next = TRY(m_volume.next_cluster(m_cluster));
            if (next == 0) {
                m_cluster = 0;
                return false;
            }
            TRY(m_loop.step(next));
            m_cluster = next;
            m_last_cluster = next;
            m_within = 0;
        }
        u32 entries_per_sector = geometry.bytes_per_sector / directory_entry_size;
        address.sector = geometry.cluster_sector(m_cluster) + m_within / entries_per_sector;
        address.offset = (m_within % entries_per_sector) * directory_entry_size;
        auto const* bytes = TRY(m_volume.m_cache.read(address.sector));
        memcpy(raw, bytes + address.offset, directory_entry_size);
        m_index_of_last = m_index;
        ++m_within;
        ++m_index;
        return true;
    }

    [[nodiscard]] u32 index() const { return m_index_of_last; }
    [[nodiscard]] u32 count() const { return m_index; }
    [[nodiscard]] u32 last_cluster() const { return m_last_cluster; }

private:
    Volume& m_volume;
    LoopDetector m_loop;
    u32 m_cluster;
    u32 m_last_cluster;
    u32 m_within { 0 };
    u32 m_index { 0 };
    u32 m_index_of_last { 0 };
};

namespace {

Timestamp decode_timestamp(u16 date, u16 time)
{
    return { u16(1980 + (date >> 9)), u8((date >> 5) & 15), u8(date & 31), u8(time >> 11), u8((time >> 5) & 63),
        u8((time & 31) * 2) };
}

Status status_of(ShortEntry const& entry)
{
    Status status;
    status.kind = entry.is_directory() ? Kind::Directory : Kind::File;
    status.size = entry.is_directory() ? 0 : entry.size;
    status.created = decode_timestamp(entry.created_date, entry.created_time);
    status.modified = decode_timestamp(entry.modified_date, entry.modified_time);
    return status;
}

constexpr ShortName dot_name = { '.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ' };
constexpr ShortName dot_dot_name = { '.', '.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ' };

constexpr u8 zeros[512] {};

}

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
    volume.m_geometry = TRY(parse_boot_sector(std::span<u8 const>(boot, sector_size), sector_size, device.sector_count()));
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
            if (cluster >= 2 && cluster < u64(geometry.cluster_count) + 2 && (read_u32(fat + index * 4) & fat_entry_mask) == 0)
                ++volume.m_free_clusters;
        }
    }
    volume.m_next_free = geometry.is_data_cluster(fsinfo.next_free) ? fsinfo.next_free : 2;
    TRY(volume.chain_length(geometry.root_cluster));
    return volume;
}

ErrorOr<u32> Volume::fat_entry(u32 cluster)
{
    auto const* sector = TRY(m_cache.read(m_geometry.fat_sector_of(cluster)));
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

ErrorOr<u32> Volume::chain_length(u32 first)
{
    if (!m_geometry.is_data_cluster(first))
        return Error(FatError::Corrupt, "chain starts outside the data region");
    LoopDetector loop;
    TRY(loop.step(first));
    u32 length = 1;
    for (u32 cluster = TRY(next_cluster(first)); cluster != 0; cluster = TRY(next_cluster(cluster))) {
        TRY(loop.step(cluster));
        if (++length > m_geometry.cluster_count)
            return Error(FatError::Corrupt, "cluster chain is longer than the cluster count");
    }
    return length;
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
    u16 date = u16(((now.year - 1980) << 9) | (now.month << 5) | now.day);
    u16 time = u16((now.hour << 11) | (now.minute << 5) | (now.second / 2));
    if (created) {
        entry.created_date = date;
        entry.created_time = time;
        entry.created_centiseconds = u8((now.second % 2) * 100);
    }
    entry.modified_date = date;
    entry.modified_time = time;
    entry.accessed_date = date;
}

/*
 * Visits each live entry of a directory from raw index `first_index`, assembling long names:
 * a sequence that is out of order, has a bad checksum or undecodable units is counted in the
 * report and the entry goes by its short name. "." and "..", volume labels and free entries
 * are skipped. `visit(located, name, index)` returns true to stop.
 */
template<typename Visit>
ErrorOr<void> Volume::for_each_entry(u32 directory_cluster, u32 first_index, Visit&& visit)
{
    DirectoryWalk walk(*this, directory_cluster);
    u16 units[maximum_long_name_entries * long_name_units_per_entry];
    Located located;
    located.directory_cluster = directory_cluster;
    bool in_sequence = false;
    u32 expected = 0;
    u32 sequence_length = 0;
    u8 checksum = 0;
    u8 raw[directory_entry_size];
    EntryAddress address;
    auto broken = [&] {
        if (in_sequence)
            ++m_report.broken_long_names;
        in_sequence = false;
        located.run_length = 0;
    };
    while (TRY(walk.next(address, raw))) {
        if (walk.index() < first_index)
            continue;
        if (raw[0] == entry_end)
            break;
        if (raw[0] == entry_free) {
            broken();
            continue;
        }
        std::span<u8 const, directory_entry_size> bytes(raw, directory_entry_size);
        if ((raw[11] & 0x3F) == attribute_long_name) {
            auto entry = decode_long_entry(bytes);
            u32 number = entry.sequence & ~u32(long_name_last);
            if (!entry.well_formed) {
                broken();
                ++m_report.broken_long_names;
                continue;
            }
            if (entry.sequence & long_name_last) {
                broken();
                in_sequence = true;
                sequence_length = number;
                checksum = entry.checksum;
            } else if (!in_sequence || number != expected || entry.checksum != checksum) {
                broken();
                ++m_report.broken_long_names;
                continue;
            }
            memcpy(units + (number - 1) * long_name_units_per_entry, entry.units, sizeof(entry.units));
            located.run[located.run_length++] = address;
            expected = number - 1;
            continue;
        }
        if ((raw[11] & attribute_volume_label) && !(raw[11] & attribute_directory)) {
            broken();
            continue;
        }
        located.entry = decode_short_entry(bytes);
        if (located.entry.name == dot_name || located.entry.name == dot_dot_name) {
            broken();
            continue;
        }
        Name name;
        bool long_name = in_sequence && expected == 0 && checksum == short_name_checksum(located.entry.name);
        if (long_name) {
            u32 length = 0;
            while (length < sequence_length * long_name_units_per_entry && length < maximum_long_name_units
                && units[length] != 0)
                ++length;
            long_name = length > 0 && utf8_from_units(std::span<u16 const>(units, length), name);
        }
        if (!long_name) {
            broken();
            short_name_text(located.entry.name, located.entry.case_flags, name);
        }
        located.run[located.run_length++] = address;
        if (TRY(visit(static_cast<Located const&>(located), static_cast<Name const&>(name), walk.index())))
            return {};
        in_sequence = false;
        located.run_length = 0;
    }
    return {};
}

ErrorOr<Volume::Located> Volume::find_in(u32 directory_cluster, std::string_view name)
{
    Located found;
    bool have = false;
    TRY(for_each_entry(directory_cluster, 0, [&](Located const& located, Name const& entry_name, u32) -> ErrorOr<bool> {
        Name short_text;
        short_name_text(located.entry.name, located.entry.case_flags, short_text);
        if (names_equal(entry_name.view(), name) || names_equal(short_text.view(), name)) {
            found = located;
            have = true;
            return true;
        }
        return false;
    }));
    if (!have)
        return Error(FatError::NotFound, "no such file or directory");
    return found;
}

ErrorOr<Volume::Located> Volume::resolve(Path const& path, usize component_count)
{
    Located current;
    current.is_root = true;
    current.entry.attributes = attribute_directory;
    current.entry.first_cluster = m_geometry.root_cluster;
    for (usize index = 0; index < component_count; ++index) {
        if (!current.entry.is_directory())
            return Error(FatError::NotDirectory, "a path component is a file");
        current = TRY(find_in(current.entry.first_cluster, path.component(index)));
    }
    return current;
}

ErrorOr<Volume::Located> Volume::parent_and_name(Path const& path, std::string_view& name)
{
    if (path.is_root())
        return Error(FatError::InvalidName, "the root has no name");
    name = path.last();
    auto parent = TRY(resolve(path, path.component_count() - 1));
    if (!parent.entry.is_directory())
        return Error(FatError::NotDirectory, "the parent is a file");
    return parent;
}

ErrorOr<Volume::Located> Volume::parent_for_new(Path const& path, std::string_view& name)
{
    auto parent = TRY(parent_and_name(path, name));
    auto existing = find_in(parent.entry.first_cluster, name);
    if (!existing.is_error())
        return Error(FatError::Exists, "a file or directory of that name exists");
    if (!existing.error().is(FatError::NotFound))
        return existing.release_error();
    return parent;
}

ErrorOr<bool> Volume::short_name_taken(u32 directory_cluster, ShortName const& short_name)
{
    bool taken = false;
    TRY(for_each_entry(directory_cluster, 0, [&](Located const& located, Name const&, u32) -> ErrorOr<bool> {
        taken = located.entry.name == short_name;
        return taken;
    }));
    return taken;
}

ErrorOr<u32> Volume::find_free_run(u32 directory_cluster, u32 count, EntryAddress* addresses)
{
    DirectoryWalk walk(*this, directory_cluster);
    u8 raw[directory_entry_size];
    EntryAddress address;
    u32 run = 0;
    bool ended = false;
    while (TRY(walk.next(address, raw))) {
        if (raw[0] == entry_end)
            ended = true;
        if (ended || raw[0] == entry_free) {
            addresses[run++] = address;
            if (run == count)
                return count;
        } else {
            run = 0;
        }
    }
    /* The directory grows by zeroed clusters until the run fits. */
    u32 entries = walk.count();
    u32 entries_per_cluster = m_geometry.cluster_bytes() / directory_entry_size;
    u32 entries_per_sector = m_geometry.bytes_per_sector / directory_entry_size;
    u32 last = walk.last_cluster();
    while (run < count) {
        if (entries + entries_per_cluster > maximum_directory_entries)
            return Error(FatError::NoSpace, "directory is full (65,536 entries)");
        last = TRY(allocate_cluster(last));
        TRY(zero_cluster(last));
        for (u32 within = 0; within < entries_per_cluster && run < count; ++within)
            addresses[run++] = { m_geometry.cluster_sector(last) + within / entries_per_sector,
                (within % entries_per_sector) * directory_entry_size };
        entries += entries_per_cluster;
    }
    return count;
}

ErrorOr<Volume::Located> Volume::add_entry(u32 directory_cluster, std::string_view name, ShortEntry entry)
{
    auto long_name = TRY(long_name_from_utf8(name));
    auto basis = basis_name(name);
    entry.name = basis.name;
    entry.case_flags = basis.case_flags;
    bool needs_long_name = basis.needs_long_name;
    if (basis.lossy || TRY(short_name_taken(directory_cluster, basis.name))) {
        needs_long_name = true;
        entry.case_flags = 0;
        bool found = false;
        for (u32 number = 1; number <= 999999 && !found; ++number) {
            entry.name = with_tail(basis.name, number);
            found = !TRY(short_name_taken(directory_cluster, entry.name));
        }
        if (!found)
            return Error(FatError::Exists, "every short name ~1 to ~999999 is taken");
    }
    Located located;
    located.entry = entry;
    located.directory_cluster = directory_cluster;
    located.run_length = needs_long_name ? long_name.entry_count() + 1 : 1;
    TRY(find_free_run(directory_cluster, located.run_length, located.run));
    u8 checksum = short_name_checksum(entry.name);
    u32 long_entries = located.run_length - 1;
    for (u32 position = 0; position < long_entries; ++position) {
        LongEntry long_entry;
        u32 number = long_entries - position;
        long_entry.sequence = u8(number | (position == 0 ? long_name_last : 0));
        long_entry.checksum = checksum;
        for (u32 index = 0; index < long_name_units_per_entry; ++index) {
            u32 unit = (number - 1) * long_name_units_per_entry + index;
            long_entry.units[index] = unit < long_name.length ? long_name.units[unit] : unit == long_name.length ? 0 : 0xFFFF;
        }
        auto* sector = TRY(m_cache.modify(located.run[position].sector));
        encode_long_entry(std::span<u8, directory_entry_size>(sector + located.run[position].offset, directory_entry_size),
            long_entry);
    }
    TRY(store_entry(located.short_address(), entry));
    return located;
}

ErrorOr<void> Volume::erase_entry(Located const& located)
{
    for (u32 index = 0; index < located.run_length; ++index) {
        auto* sector = TRY(m_cache.modify(located.run[index].sector));
        sector[located.run[index].offset] = entry_free;
    }
    return {};
}

ErrorOr<Status> Volume::stat(Path const& path)
{
    auto located = TRY(resolve(path, path.component_count()));
    if (located.is_root)
        return Status { Kind::Directory, 0, {}, {} };
    return status_of(located.entry);
}

ErrorOr<void> Volume::create_directory(Path const& path)
{
    std::string_view name;
    auto parent = TRY(parent_for_new(path, name));
    TRY(long_name_from_utf8(name));
    u32 cluster = TRY(allocate_cluster(0));
    TRY(zero_cluster(cluster));
    ShortEntry entry;
    entry.attributes = attribute_directory;
    entry.first_cluster = cluster;
    stamp(entry, true);
    ShortEntry dot = entry;
    dot.name = dot_name;
    ShortEntry dot_dot = entry;
    dot_dot.name = dot_dot_name;
    dot_dot.first_cluster = parent.is_root ? 0 : parent.entry.first_cluster;
    TRY(store_entry({ m_geometry.cluster_sector(cluster), 0 }, dot));
    TRY(store_entry({ m_geometry.cluster_sector(cluster), directory_entry_size }, dot_dot));
    auto added = add_entry(parent.entry.first_cluster, name, entry);
    if (added.is_error()) {
        TRY(free_chain(cluster));
        return added.release_error();
    }
    return {};
}

ErrorOr<File> Volume::create_file(Path const& path)
{
    std::string_view name;
    auto parent = TRY(parent_for_new(path, name));
    ShortEntry entry;
    entry.attributes = attribute_archive;
    stamp(entry, true);
    auto located = TRY(add_entry(parent.entry.first_cluster, name, entry));
    File file;
    file.entry = located.short_address();
    file.short_name = located.entry.name;
    file.generation = m_generation;
    return file;
}

ErrorOr<File> Volume::open(Path const& path)
{
    auto located = TRY(resolve(path, path.component_count()));
    if (located.entry.is_directory())
        return Error(FatError::IsDirectory, "cannot open a directory as a file");
    auto const& entry = located.entry;
    if (entry.size > 0) {
        u32 length = TRY(chain_length(entry.first_cluster));
        if (u64(length) * m_geometry.cluster_bytes() < entry.size)
            return Error(FatError::Corrupt, "the file's cluster chain is shorter than its size");
    } else if (entry.first_cluster != 0) {
        TRY(chain_length(entry.first_cluster));
    }
    File file;
    file.entry = located.short_address();
    file.short_name = entry.name;
    file.first_cluster = entry.first_cluster;
    file.generation = m_generation;
    return file;
}

ErrorOr<ListPage> Volume::list(Path const& path, u32 cursor, std::span<DirectoryEntry> into)
{
    auto directory = TRY(resolve(path, path.component_count()));
    if (!directory.entry.is_directory())
        return Error(FatError::NotDirectory, "cannot list a file");
    ListPage page;
    page.next_cursor = cursor;
    TRY(for_each_entry(directory.entry.first_cluster, cursor,
        [&](Located const& located, Name const& name, u32 index) -> ErrorOr<bool> {
            if (page.count == into.size()) {
                page.more = true;
                return true;
            }
            into[page.count].name = name;
            into[page.count].status = status_of(located.entry);
            ++page.count;
            page.next_cursor = index + 1;
            return false;
        }));
    return page;
}

ErrorOr<void> Volume::remove(Path const& path)
{
    auto located = TRY(resolve(path, path.component_count()));
    if (located.is_root)
        return Error(ErrorCode::InvalidArgument, "cannot remove the root");
    if (located.entry.is_directory()) {
        bool empty = true;
        TRY(for_each_entry(located.entry.first_cluster, 0, [&](Located const&, Name const&, u32) -> ErrorOr<bool> {
            empty = false;
            return true;
        }));
        if (!empty)
            return Error(FatError::NotEmpty, "directory is not empty");
    }
    TRY(erase_entry(located));
    if (located.entry.first_cluster != 0)
        TRY(free_chain(located.entry.first_cluster));
    ++m_generation;
    return {};
}

ErrorOr<void> Volume::rename(Path const& from, Path const& to)
{
    auto source = TRY(resolve(from, from.component_count()));
    if (source.is_root)
        return Error(ErrorCode::InvalidArgument, "cannot rename the root");
    if (source.entry.is_directory() && to.component_count() > from.component_count()) {
        bool inside = true;
        for (usize index = 0; index < from.component_count() && inside; ++index)
            inside = names_equal(from.component(index), to.component(index));
        if (inside)
            return Error(ErrorCode::InvalidArgument, "cannot move a directory into itself");
    }
    std::string_view name;
    auto parent = TRY(parent_and_name(to, name));
    auto existing = find_in(parent.entry.first_cluster, name);
    if (!existing.is_error()) {
        if (existing.value().short_address().sector != source.short_address().sector
            || existing.value().short_address().offset != source.short_address().offset)
            return Error(FatError::Exists, "the target name exists");
    } else if (!existing.error().is(FatError::NotFound)) {
        return existing.release_error();
    }
    auto added = TRY(add_entry(parent.entry.first_cluster, name, source.entry));
    /* The new name is on the disk before the old one goes: a cut leaves one name or both. */
    TRY(sync());
    TRY(erase_entry(source));
    if (source.entry.is_directory() && parent.entry.first_cluster != source.directory_cluster) {
        EntryAddress dot_dot_address { m_geometry.cluster_sector(added.entry.first_cluster), directory_entry_size };
        auto dot_dot = TRY(entry_at(dot_dot_address));
        if (dot_dot.name != dot_dot_name)
            return Error(FatError::Corrupt, "moved directory has no \"..\" entry");
        dot_dot.first_cluster = parent.is_root ? 0 : parent.entry.first_cluster;
        TRY(store_entry(dot_dot_address, dot_dot));
    }
    ++m_generation;
    return {};
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
        file.generation = m_generation;
    }
    return entry;
}

ErrorOr<u32> Volume::cluster_at(File& file, u32 first_cluster, u32 index, bool allocate)
{
    u32 current_index = 0;
    u32 current = first_cluster;
    if (file.position_cluster != 0 && file.position_index <= index) {
        current_index = file.position_index;
        current = file.position_cluster;
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
ErrorOr<u64> Volume::contiguous_run(File& file, u32 first_cluster, u32 index, u32 cluster, u32 within, u64 remaining,
    bool allocate)
{
    u32 cluster_bytes = m_geometry.cluster_bytes();
    u64 run = cluster_bytes - within;
    u32 last = cluster;
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
    file.generation = m_generation;
    return {};
}

ErrorOr<Status> Volume::stat(File& file) { return status_of(TRY(live_entry(file))); }

ErrorOr<void> Volume::sync()
{
    auto* fsinfo = TRY(m_cache.modify(m_geometry.fsinfo_sector));
    write_fsinfo(std::span<u8>(fsinfo, m_geometry.bytes_per_sector), { m_free_clusters, m_next_free });
    TRY(m_cache.write_back_all());
    return m_device->flush();
}

}
