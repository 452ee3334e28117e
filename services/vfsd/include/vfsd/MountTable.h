/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <string_view>
#include <vectra/Error.h>
#include <vectra/FixedString.h>
#include <vectra/Path.h>
#include <vfsd/Router.h>

namespace vectra::vfs {

enum class BackendKind : u8 {
    Ram,
    Fat,
    Store,
};

/* One mount as the table names it: a backend, the storaged partition it reads (none for ram) and its mount point. */
struct MountEntry {
    BackendKind backend { BackendKind::Ram };
    FixedString<36> partition; /* a GPT partition name, as storaged's select-partition takes it */
    Path point;
    bool format_if_empty { false }; /* `store:PARTITION:/POINT:format`: a never-written partition is formatted at mount */
};

struct MountTable {
    MountEntry entries[Router::maximum_mounts];
    usize count { 0 };
};

/* Which block backends this vfsd was built with (Kconfig): a table naming another is refused. */
struct ConfiguredBackends {
    bool fat { false };
    bool store { false };
};

/*
 * Parses a mount table (ADR 0022): entries separated by spaces, `ram:/` first, then
 * `fat:PARTITION:/MOUNT/POINT` or `store:PARTITION:/MOUNT/POINT[:format]`, e.g.
 * `ram:/ fat:boot:/boot store:data:/data:format`. A mount point holds no `:`; after it, the one
 * option `:format` (store only) formats a partition that holds no store and was never written
 * (StoreBackend::Format::IfEmpty); without it a partition with no store is refused.
 * Refused, each with its own message: an empty table, `/` not first or not ram, a second ram
 * mount, an unknown or unconfigured backend, a block backend without a partition or ram with one,
 * a partition name of more than 36 bytes or with a byte outside printable ASCII, a mount point
 * that is not an absolute typed Path (empty, `.` or `..` components, a trailing `/`), the same
 * mount point twice, more than Router::maximum_mounts entries, an option other than `format`
 * (a second `:` included) or `format` on a fat mount. A refused table leaves `into` with no mounts.
 */
[[nodiscard]] ErrorOr<void> parse_mount_table(std::string_view text, ConfiguredBackends, MountTable& into);
/* The same, returning the table (for tests; vfsd parses into its placed memory: a table is 8 KiB). */
[[nodiscard]] ErrorOr<MountTable> parse_mount_table(std::string_view text, ConfiguredBackends);

}
