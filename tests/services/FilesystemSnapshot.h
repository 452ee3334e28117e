/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A full snapshot of a vfsd backend as text: every node's path, kind, size and content, in
 * listing order (plus, for a RamFilesystem, the free node and block counts). Two equal
 * snapshots mean the tree is byte-for-byte the same as far as any client can tell.
 */

#pragma once

#include <string>
#include <vector>
#include <vfsd/RamFilesystem.h>

namespace vectra::test {

/* Every entry of a directory, page by page (pages of `page_size`), in listing order. */
inline ErrorOr<std::vector<std::pair<vfs::NodeKind, std::string>>> list_all(vfs::Backend& backend, Path const& directory,
    usize page_size = 16)
{
    std::vector<std::pair<vfs::NodeKind, std::string>> entries;
    std::vector<vfs::BackendEntry> page(page_size);
    u64 cursor = 0;
    for (;;) {
        auto listed = TRY(backend.list(directory, cursor, page));
        for (usize index = 0; index < listed.count; ++index)
            entries.emplace_back(page[index].kind, std::string(page[index].name.view()));
        if (!listed.more)
            return entries;
        cursor = listed.next_cursor;
    }
}

/* A whole file's bytes through open/read/close. */
inline ErrorOr<std::vector<u8>> read_all(vfs::Backend& backend, Path const& path)
{
    auto token = TRY(backend.open(path, false));
    auto status = backend.stat(token);
    std::vector<u8> content;
    ErrorOr<usize> read = usize(0);
    if (!status.is_error()) {
        content.resize(static_cast<usize>(status.value().size));
        read = backend.read(token, 0, content);
    }
    backend.close(token);
    if (status.is_error())
        return status.release_error();
    if (read.is_error())
        return read.release_error();
    if (read.value() != content.size())
        return Error(ErrorCode::MalformedMessage, "a read returned fewer bytes than the file's size");
    return content;
}

inline void snapshot_directory(vfs::Backend& filesystem, Path const& directory, std::string const& prefix, std::string& out)
{
    auto listed = list_all(filesystem, directory);
    if (listed.is_error()) {
        out += "list failed\n";
        return;
    }
    auto entries = listed.release_value();
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
        auto content = read_all(filesystem, child);
        if (content.is_error())
            out += "read failed\n";
        else
            out.append(content.value().begin(), content.value().end());
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

inline std::string snapshot(vfs::Backend& backend)
{
    std::string out;
    snapshot_directory(backend, Path::root(), "", out);
    return out;
}

}
