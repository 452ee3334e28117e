/*
 * SPDX-License-Identifier: Apache-2.0
 */

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

ErrorOr<MountEntry> entry_of(std::string_view text, ConfiguredBackends configured)
{
    usize colon = text.find(':');
    if (colon == std::string_view::npos)
        return Error(ErrorCode::InvalidArgument, "a mount is BACKEND:[PARTITION:]/POINT");
    std::string_view backend = text.substr(0, colon);
    std::string_view rest = text.substr(colon + 1);
    MountEntry entry;
    if (backend == "ram") {
        if (rest.find(':') != std::string_view::npos)
            return Error(ErrorCode::InvalidArgument, "a ram mount has no partition");
        entry.backend = BackendKind::Ram;
        entry.point = TRY(mount_point(rest));
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
    usize second = rest.find(':');
    if (second == std::string_view::npos || second == 0)
        return Error(ErrorCode::InvalidArgument, "a block backend names its partition: BACKEND:PARTITION:/POINT");
    std::string_view partition = rest.substr(0, second);
    for (char byte : partition) {
        if (byte <= ' ' || byte > '~')
            return Error(ErrorCode::InvalidArgument, "a partition name is printable ASCII");
    }
    auto name = FixedString<36>::try_from(partition);
    if (name.is_error())
        return Error(ErrorCode::InvalidArgument, "a partition name has at most 36 bytes");
    entry.partition = name.release_value();
    std::string_view point = rest.substr(second + 1);
    usize flag = point.find(':');
    if (flag != std::string_view::npos) {
        std::string_view option = point.substr(flag + 1);
        point = point.substr(0, flag);
        if (option != "format")
            return Error(ErrorCode::InvalidArgument, "the one mount option is `:format` (format an empty partition)");
        if (entry.backend != BackendKind::Store)
            return Error(ErrorCode::InvalidArgument, "only a store mount formats an empty partition (`:format`)");
        entry.format_if_empty = true;
    }
    entry.point = TRY(mount_point(point));
    return entry;
}

ErrorOr<void> parse_into(std::string_view text, ConfiguredBackends configured, MountTable& table)
{
    table.count = 0;
    while (!text.empty()) {
        if (text[0] == ' ') {
            text.remove_prefix(1);
            continue;
        }
        usize end = text.find(' ');
        std::string_view item = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end);
        if (table.count == Router::maximum_mounts)
            return Error(ErrorCode::InvalidArgument, "more mounts than vfsd's table holds");
        MountEntry& entry = table.entries[table.count];
        entry = TRY(entry_of(item, configured));
        if (table.count == 0 && (entry.backend != BackendKind::Ram || !entry.point.is_root()))
            return Error(ErrorCode::InvalidArgument, "the first mount is ram:/");
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

ErrorOr<void> parse_mount_table(std::string_view text, ConfiguredBackends configured, MountTable& into)
{
    auto parsed = parse_into(text, configured, into);
    if (parsed.is_error())
        into.count = 0; /* a refused table holds no mounts */
    return parsed;
}

ErrorOr<MountTable> parse_mount_table(std::string_view text, ConfiguredBackends configured)
{
    MountTable table;
    TRY(parse_mount_table(text, configured, table));
    return table;
}

}
