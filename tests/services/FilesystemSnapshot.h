/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A full snapshot of a RamFilesystem as text: every node's path, kind, size and content, in
 * listing order, plus the free node and block counts. Two equal snapshots mean the tree is
 * byte-for-byte the same as far as any client can tell.
 */

#pragma once

#include <string>
#include <vector>
#include <vfsd/RamFilesystem.h>

namespace vectra::test {

inline void snapshot_directory(vfs::RamFilesystem& filesystem, Path const& directory, std::string const& prefix, std::string& out)
{
    std::vector<std::pair<vfs::NodeKind, std::string>> entries;
    auto listed = filesystem.list(directory, 0, [&](vfs::DirectoryEntry const& entry) {
        entries.emplace_back(entry.kind, std::string(entry.name));
        return true;
    });
    if (listed.is_error()) {
        out += "list failed\n";
        return;
    }
    for (auto const& [kind, name] : entries) {
        Path child = directory.try_join(name).value();
        auto status = filesystem.stat(child);
        if (status.is_error()) {
            out += "stat failed\n";
            continue;
        }
        out += kind == vfs::NodeKind::Directory ? "d " : "f ";
        out += prefix + "/" + name + " " + std::to_string(status.value().size) + "\n";
        if (kind == vfs::NodeKind::Directory) {
            snapshot_directory(filesystem, child, prefix + "/" + name, out);
            continue;
        }
        std::vector<u8> content(static_cast<usize>(status.value().size));
        auto read = filesystem.read(child, 0, content);
        if (read.is_error() || read.value() != content.size())
            out += "read failed\n";
        out.append(content.begin(), content.end());
        out += "\n";
    }
}

inline std::string snapshot(vfs::RamFilesystem& filesystem)
{
    std::string out = "free nodes " + std::to_string(filesystem.free_nodes()) + ", free blocks "
        + std::to_string(filesystem.free_blocks()) + "\n";
    snapshot_directory(filesystem, Path::root(), "", out);
    return out;
}

}
