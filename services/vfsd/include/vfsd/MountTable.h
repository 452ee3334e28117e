/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vectra/BoundedVector.h>
#include <vectra/Error.h>
#include <vectra/Utf8String.h>
#include <vectra/encoding/Describe.h>
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
    bool format_if_empty { false }; /* `"format": true`: a never-written partition is formatted at mount */
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
 * One mount of the table as the boot manifest gives it (ADR 0037: vfsd_disks' "config", declared
 * in disks.footprint.json; the generated footprint header's structure must match these types).
 */
struct MountRecord {
    Utf8String<5> backend;                  /* ram, fat or store */
    std::optional<Utf8String<36>> partition; /* fat and store: the GPT partition storaged selects */
    Utf8String<255> at;                     /* the mount point, an absolute path */
    std::optional<bool> format;             /* store only: format a never-written partition */

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("backend", &MountRecord::backend), vectra::field("partition", &MountRecord::partition),
            vectra::field("at", &MountRecord::at), vectra::field("format", &MountRecord::format));
    }
};

struct MountConfiguration {
    static constexpr u16 version = 1;
    std::optional<BoundedVector<MountRecord, Router::maximum_mounts>> mounts; /* absent: `ram` at `/` alone */

    static constexpr auto fields() { return vectra::fields(vectra::field("mounts", &MountConfiguration::mounts)); }
};

/*
 * The mount table a configuration names (ADR 0022 §2): `ram` at `/` first, then block mounts
 * (`fat` or `store` on a partition); no `mounts` at all is `ram` at `/` alone. The manifest
 * compiler checked the fields' types, lengths, backend names and that each partition is one of
 * the image's disks; these rules are checked here again, and what the compiler cannot see too.
 * Refused, each with its own message: an empty list, `/` not first or not ram, a second ram
 * mount, a backend not configured into this vfsd, a block backend without a partition or ram
 * with one, a partition name with a byte outside printable ASCII, a mount point that is not an
 * absolute typed Path (empty, `.` or `..` components, a trailing `/`), the same mount point twice,
 * `format` on anything but a store mount. A refused table leaves `into` with no mounts.
 */
[[nodiscard]] ErrorOr<void> mount_table_from(MountConfiguration const&, ConfiguredBackends, MountTable& into);
/* The same from the configuration's bytes (the "config" slot's message): malformed bytes are the decoder's error. */
[[nodiscard]] ErrorOr<void> mount_table_from(std::span<u8 const> configuration, ConfiguredBackends, MountTable& into);
/* For tests: the table a configuration names (vfsd builds into its placed memory: a table is 8 KiB). */
[[nodiscard]] ErrorOr<MountTable> mount_table_from(MountConfiguration const&, ConfiguredBackends);

}
