/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vfsd/Router.h>

namespace vectra::vfs {

namespace {

/* Whether `prefix`'s components start `path`'s. */
bool starts_with(Path const& path, Path const& prefix)
{
    if (prefix.component_count() > path.component_count())
        return false;
    for (usize index = 0; index < prefix.component_count(); ++index) {
        if (path.component(index) != prefix.component(index))
            return false;
    }
    return true;
}

/* `path` without its first `count` components. */
Path suffix(Path const& path, usize count)
{
    Path rest = Path::root();
    for (usize index = count; index < path.component_count(); ++index)
        rest = MUST(rest.try_join(path.component(index)));
    return rest;
}

}

ErrorOr<void> Router::mount(Path const& point, Backend& backend)
{
    if (m_count == maximum_mounts)
        return Error(ErrorCode::OutOfMemory, "the mount table is full");
    if (m_count == 0 && !point.is_root())
        return Error(ErrorCode::InvalidArgument, "the first mount must be at /");
    for (usize index = 0; index < m_count; ++index) {
        if (m_mounts[index].point == point)
            return Error(ErrorCode::AlreadyExists, "a mount is already at that point");
    }
    if (m_count > 0) {
        auto parent = resolve(point);
        Backend& holder = *m_mounts[parent.mount].backend;
        auto status = holder.stat(parent.relative);
        if (status.is_error()) {
            if (!status.error().is(ErrorCode::NotFound))
                return status.release_error();
            TRY(holder.create_directory(parent.relative));
        } else if (status.value().kind != NodeKind::Directory) {
            return Error(VfsError::NotADirectory, "the mount point is a file of its parent mount");
        }
    }
    m_mounts[m_count++] = Mount { point, &backend };
    return {};
}

Router::Resolved Router::resolve(Path const& path) const
{
    u32 best = 0;
    for (u32 index = 1; index < m_count; ++index) {
        if (starts_with(path, m_mounts[index].point)
            && m_mounts[index].point.component_count() > m_mounts[best].point.component_count())
            best = index;
    }
    return Resolved { best, suffix(path, m_mounts[best].point.component_count()) };
}

bool Router::holds_mount_point(u32 mount, Path const& directory) const
{
    Path const& base = m_mounts[mount].point;
    for (u32 index = 1; index < m_count; ++index) {
        Path const& other = m_mounts[index].point;
        if (index == mount || other.component_count() <= base.component_count() + directory.component_count())
            continue;
        if (starts_with(other, base) && starts_with(suffix(other, base.component_count()), directory))
            return true;
    }
    return false;
}

}
