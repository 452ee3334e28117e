/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/Path.h>
#include <vfsd/Backend.h>

namespace vectra::vfs {

/*
 * vfsd's mount table and its one namespace (ADR 0022): each mount is a backend at a mount point;
 * the longest mount point that is a prefix of a path (component by component) owns it, and the
 * backend sees the rest of the path. The first mount is at `/`; a later mount point is a
 * directory of the mount it lies in (created when missing).
 */
class Router {
public:
    static constexpr usize maximum_mounts = 8;

    /* Adds a mount; refused: no `/` yet, or `/` twice, a point mounted already, the table full, a point its parent mount cannot hold as a directory. */
    [[nodiscard]] ErrorOr<void> mount(Path const& point, Backend&);

    struct Resolved {
        u32 mount { 0 };
        Path relative;
        /* The path is a mount point other than `/` (the root of its mount, seen from the parent as a directory). */
        [[nodiscard]] bool is_mount_point() const { return mount != 0 && relative.is_root(); }
    };
    /* The mount owning `path` and the path inside it (every path has one once `/` is mounted). */
    [[nodiscard]] Resolved resolve(Path const&) const;
    /* Whether a mount point lies strictly inside `directory` of mount `mount` (a rename of it would carry the mount away). */
    [[nodiscard]] bool holds_mount_point(u32 mount, Path const& directory) const;

    [[nodiscard]] Backend& backend(u32 mount) const { return *m_mounts[mount].backend; }
    [[nodiscard]] Path const& point(u32 mount) const { return m_mounts[mount].point; }
    [[nodiscard]] usize mount_count() const { return m_count; }

private:
    struct Mount {
        Path point;
        Backend* backend { nullptr };
    };
    Mount m_mounts[maximum_mounts];
    usize m_count { 0 };
};

}
