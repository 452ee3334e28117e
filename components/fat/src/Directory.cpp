/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "Internal.h"
#include <string.h>

namespace vectra::fat {

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
        if (raw[0] == entry_end)
            break;
        if (walk.index() < first_index)
            continue;
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
        /*
         * ~1 to ~4 first (what people expect to see), then tails from a hash of the name, as
         * Windows does: each try scans the directory, so the tries are bounded (36).
         */
        u32 hash = 2166136261u;
        for (char character : name)
            hash = (hash ^ u8(character)) * 16777619u;
        bool found = false;
        for (u32 attempt = 0; attempt < 36 && !found; ++attempt) {
            u32 number = attempt < 4 ? attempt + 1 : 5 + (hash + attempt * 2654435761u) % 999995;
            entry.name = with_tail(basis.name, number);
            found = !TRY(short_name_taken(directory_cluster, entry.name));
        }
        if (!found)
            return Error(FatError::Exists, "no free short name after 36 tries");
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
            long_entry.units[index] = unit < long_name.length ? long_name.units[unit]
                : unit == long_name.length                    ? 0
                                                              : 0xFFFF;
        }
        auto* sector = TRY(m_cache.modify(located.run[position].sector));
        encode_long_entry(
            std::span<u8, directory_entry_size>(sector + located.run[position].offset, directory_entry_size),
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
    Chain chain;
    if (entry.size > 0 || entry.first_cluster != 0)
        chain = TRY(walk_chain(entry.first_cluster));
    if (entry.size > 0 && u64(chain.length) * m_geometry.cluster_bytes() < entry.size)
        return Error(FatError::Corrupt, "the file's cluster chain is shorter than its size");
    File file;
    file.entry = located.short_address();
    file.short_name = entry.name;
    file.first_cluster = entry.first_cluster;
    file.contiguous_clusters = chain.contiguous;
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

}
