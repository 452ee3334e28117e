/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Configuration.h>
#include <vectra/Try.h>
#include <vfsd/MountTable.h>

namespace vectra::vfs {

namespace {

ErrorOr<Path> mount_point(std::string_view text)
{
    if (text.empty() || text[0] != '/')
        return Error(ErrorCode::InvalidArgument, "a mount point is an absolute path");
    Path point = Path::root();
    if (text.size() == 1)
        return point;
    text.remove_prefix(1);
    for (;;) {
        usize slash = text.find('/');
        std::string_view component = text.substr(0, slash);
        auto joined = point.try_join(component);
        if (joined.is_error())
            return Error(ErrorCode::InvalidArgument, "a mount point component is empty, `.`, `..` or too long");
        point = joined.release_value();
        if (slash == std::string_view::npos)
            return point;
        text.remove_prefix(slash + 1);
    }
}

ErrorOr<MountEntry> entry_of(MountRecord const& record, ConfiguredBackends configured)
{
    std::string_view backend = record.backend.bytes();
    MountEntry entry;
    if (backend == "ram") {
        if (record.partition.has_value())
            return Error(ErrorCode::InvalidArgument, "a ram mount has no partition");
        if (record.format.has_value())
            return Error(ErrorCode::InvalidArgument, "only a store mount formats an empty partition (format)");
        entry.backend = BackendKind::Ram;
        entry.point = TRY(mount_point(record.at.bytes()));
        return entry;
    }
    if (backend == "fat")
        entry.backend = BackendKind::Fat;
    else if (backend == "store")
        entry.backend = BackendKind::Store;
    else
        return Error(ErrorCode::InvalidArgument, "an unknown backend (ram, fat, store)");
    if ((entry.backend == BackendKind::Fat && !configured.fat) || (entry.backend == BackendKind::Store && !configured.store))
        return Error(ErrorCode::Unsupported, "the backend is not configured into this vfsd");
    if (!record.partition.has_value() || record.partition->bytes().empty())
        return Error(ErrorCode::InvalidArgument, "a block backend names its partition");
    for (char byte : record.partition->bytes()) {
        if (byte < ' ' || byte > '~')
            return Error(ErrorCode::InvalidArgument, "a partition name is printable ASCII");
    }
    entry.partition = TRY(FixedString<36>::try_from(record.partition->bytes()));
    if (record.format.has_value() && entry.backend != BackendKind::Store)
        return Error(ErrorCode::InvalidArgument, "only a store mount formats an empty partition (format)");
    entry.format_if_empty = record.format.value_or(false);
    entry.point = TRY(mount_point(record.at.bytes()));
    return entry;
}

ErrorOr<void> build_into(MountConfiguration const& configuration, ConfiguredBackends configured, MountTable& table)
{
    table.count = 0;
    if (!configuration.mounts.has_value()) {
        table.entries[0] = MountEntry {};
        table.count = 1; /* no mounts named: ram at / alone */
        return {};
    }
    for (auto const& record : *configuration.mounts) {
        if (table.count == Router::maximum_mounts)
            return Error(ErrorCode::InvalidArgument, "more mounts than vfsd's table holds");
        MountEntry& entry = table.entries[table.count];
        entry = TRY(entry_of(record, configured));
        if (table.count == 0 && (entry.backend != BackendKind::Ram || !entry.point.is_root()))
            return Error(ErrorCode::InvalidArgument, "the first mount is ram at /");
        if (table.count > 0 && entry.backend == BackendKind::Ram)
            return Error(ErrorCode::InvalidArgument, "only one ram mount, at /");
        for (usize index = 0; index < table.count; ++index) {
            if (table.entries[index].point == entry.point)
                return Error(ErrorCode::AlreadyExists, "two mounts at one point");
        }
        ++table.count;
    }
    if (table.count == 0)
        return Error(ErrorCode::InvalidArgument, "the mount table is empty");
    return {};
}

}

ErrorOr<void> mount_table_from(MountConfiguration const& configuration, ConfiguredBackends configured, MountTable& into)
{
    auto built = build_into(configuration, configured, into);
    if (built.is_error())
        into.count = 0; /* a refused table holds no mounts */
    return built;
}

ErrorOr<void> mount_table_from(std::span<u8 const> bytes, ConfiguredBackends configured, MountTable& into)
{
    into.count = 0;
    MountConfiguration configuration;
    TRY(decode_configuration(bytes, configuration));
    return mount_table_from(configuration, configured, into);
}

ErrorOr<MountTable> mount_table_from(MountConfiguration const& configuration, ConfiguredBackends configured)
{
    MountTable table;
    TRY(mount_table_from(configuration, configured, table));
    return table;
}

}
