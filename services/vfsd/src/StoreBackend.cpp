/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <new>
#include <string.h>
#include <vectra/Try.h>
#include <vfsd/StoreBackend.h>

namespace vectra::vfs {

namespace {

/* A token is the store's File: the incarnation above, the node below. */
FileToken token_of(store::File file) { return (u64(file.incarnation) << 32) | file.node; }

NodeStatus file_status(u64 size) { return NodeStatus { NodeKind::File, size, 0, 0, 0 }; }

/* Whether a partition never written holds only zeros where a store or any other format keeps its header. */
ErrorOr<bool> all_zero(block::Device& device, std::span<u8> scratch)
{
    u64 sector_size = device.sector_size();
    u64 bytes = device.sector_count() * sector_size;
    if (bytes > StoreBackend::probe_bytes)
        bytes = StoreBackend::probe_bytes;
    usize chunk = scratch.size() - scratch.size() % sector_size;
    if (chunk == 0)
        return Error(ErrorCode::OutOfMemory, "the store's buffer is smaller than a sector");
    for (u64 done = 0; done < bytes;) {
        usize length = bytes - done < chunk ? usize(bytes - done) : chunk;
        auto piece = scratch.first(length);
        TRY(device.read_sectors(done / sector_size, piece));
        for (u8 byte : piece) {
            if (byte != 0)
                return false;
        }
        done += length;
    }
    return true;
}

}

ErrorOr<StoreBackend::Name> store_name_of(Path const& path, bool marker)
{
    StoreBackend::Name name;
    for (usize index = 0; index < path.component_count(); ++index) {
        auto component = path.component(index);
        usize needed = name.length + (index ? 1 : 0) + component.size();
        if (needed > store::maximum_name)
            return Error(ErrorCode::TooLarge, "a path on the store is at most 255 bytes");
        if (index)
            name.bytes[name.length++] = '/';
        memcpy(name.bytes + name.length, component.data(), component.size());
        name.length += component.size();
    }
    if (marker) {
        if (name.length + 1 > store::maximum_name)
            return Error(ErrorCode::TooLarge, "a path on the store is at most 254 bytes for a directory");
        name.bytes[name.length++] = '/';
    }
    return name;
}

ErrorOr<StoreBackend*> StoreBackend::try_create(
    std::span<u8> placement, block::Device& device, store::Memory const& memory, Format format)
{
    if (placement.size() < sizeof(StoreBackend) || reinterpret_cast<uptr>(placement.data()) % 64 != 0)
        return Error(ErrorCode::OutOfMemory, "the store backend's placement is too small or misaligned");
    auto mounted = store::Store::mount(device, memory);
    bool formatted = false;
    if (mounted.is_error()) {
        if (format != Format::IfEmpty || !mounted.error().is(store::StoreError::NotAStore))
            return Error(VfsError::IoError, mounted.error().message());
        if (!TRY(all_zero(device, memory.buffer)))
            return Error(VfsError::IoError,
                "the partition holds no store but is not empty: refusing to format over what it holds");
        TRY(store::Store::format(device, memory));
        mounted = store::Store::mount(device, memory);
        if (mounted.is_error())
            return Error(VfsError::IoError, mounted.error().message());
        formatted = true;
    }
    return new (placement.data()) StoreBackend(mounted.release_value(), formatted);
}

Error StoreBackend::translated(Error const& error) const
{
    if (error.domain() != &store::store_error_domain)
        return error;
    switch (static_cast<store::StoreError>(error.domain_code())) {
    case store::StoreError::NotFound:
        return Error(ErrorCode::NotFound, error.message());
    case store::StoreError::Stale:
        /* Stale is a removed or replaced file, or every change after a failed commit. */
        if (m_failed)
            return Error(VfsError::IoError, error.message());
        return Error(ErrorCode::NotFound, error.message());
    case store::StoreError::Exists:
        return Error(ErrorCode::AlreadyExists, error.message());
    case store::StoreError::InvalidName:
        return Error(ErrorCode::InvalidArgument, error.message());
    case store::StoreError::TooLarge:
        return Error(ErrorCode::TooLarge, error.message());
    case store::StoreError::NoSpace:
    case store::StoreError::OutOfMemory:
        /* Out of nodes, extents or catalog room: the mount is full, as a program sees it. */
        return Error(VfsError::NoSpace, error.message());
    case store::StoreError::NotAStore:
    case store::StoreError::Corrupt:
    case store::StoreError::DeviceMismatch:
        return Error(VfsError::IoError, error.message());
    }
    return Error(VfsError::IoError, error.message());
}

template<typename T>
ErrorOr<T> StoreBackend::translated(ErrorOr<T>&& result) const
{
    if (result.is_error())
        return translated(result.error());
    return std::move(result);
}

ErrorOr<StoreBackend::Found> StoreBackend::find(Path const& path)
{
    if (path.is_root())
        return Found::Directory;
    auto name = TRY(store_name_of(path, false));
    if (!m_store.open(name.view()).is_error())
        return Found::File;
    auto marker = store_name_of(path, true);
    if (!marker.is_error() && !m_store.open(marker.value().view()).is_error())
        return Found::Directory;
    return Found::Nothing;
}

ErrorOr<void> StoreBackend::parent_is_directory(Path const& path)
{
    if (path.component_count() <= 1)
        return {};
    Path parent = Path::root();
    for (usize index = 0; index + 1 < path.component_count(); ++index) {
        parent = TRY(parent.try_join(path.component(index)));
        auto found = TRY(find(parent));
        if (found == Found::File)
            return Error(VfsError::NotADirectory, "a path component names a file, not a directory");
        if (found == Found::Nothing)
            return Error(ErrorCode::NotFound, "no such file or directory");
    }
    return {};
}

ErrorOr<NodeStatus> StoreBackend::stat(Path const& path)
{
    TRY(parent_is_directory(path));
    switch (TRY(find(path))) {
    case Found::Directory:
        return NodeStatus { NodeKind::Directory, 0, 0, 0, 0 };
    case Found::File: {
        auto file = TRY(translated(m_store.open(TRY(store_name_of(path, false)).view())));
        return file_status(TRY(translated(m_store.stat(file))).size);
    }
    case Found::Nothing:
        break;
    }
    return Error(ErrorCode::NotFound, "no such file or directory");
}

ErrorOr<void> StoreBackend::create_directory(Path const& path)
{
    if (path.is_root())
        return Error(ErrorCode::AlreadyExists, "the root directory always exists");
    TRY(parent_is_directory(path));
    if (TRY(find(path)) != Found::Nothing)
        return Error(ErrorCode::AlreadyExists, "a file or directory of that name exists");
    auto marker = TRY(store_name_of(path, true));
    TRY(translated(m_store.create(marker.view())));
    return {};
}

ErrorOr<bool> StoreBackend::directory_is_empty(std::string_view prefix) const
{
    store::Listing listed[1];
    for (usize cursor = 0; m_store.list(prefix, cursor, listed) != 0;) {
        if (listed[0].name.size() != prefix.size())
            return false; /* anything but the directory's own marker */
    }
    return true;
}

ErrorOr<void> StoreBackend::remove(Path const& path)
{
    if (path.is_root())
        return Error(ErrorCode::InvalidArgument, "the root directory cannot be removed");
    TRY(parent_is_directory(path));
    switch (TRY(find(path))) {
    case Found::File:
        return translated(m_store.remove(TRY(store_name_of(path, false)).view()));
    case Found::Directory: {
        auto marker = TRY(store_name_of(path, true));
        if (!TRY(directory_is_empty(marker.view())))
            return Error(VfsError::NotEmpty, "directory is not empty");
        return translated(m_store.remove(marker.view()));
    }
    case Found::Nothing:
        break;
    }
    return Error(ErrorCode::NotFound, "no such file or directory");
}

ErrorOr<void> StoreBackend::rename(Path const& from, Path const& to)
{
    if (from.is_root() || to.is_root())
        return Error(ErrorCode::InvalidArgument, "the root directory cannot be renamed");
    TRY(parent_is_directory(from));
    auto found = TRY(find(from));
    if (found == Found::Nothing)
        return Error(ErrorCode::NotFound, "no such file or directory");
    if (found == Found::Directory && to.component_count() >= from.component_count()) {
        bool inside = true;
        for (usize index = 0; index < from.component_count(); ++index)
            inside = inside && from.component(index) == to.component(index);
        if (inside)
            return Error(ErrorCode::InvalidArgument, "a directory cannot move into its own subtree");
    }
    TRY(parent_is_directory(to));
    if (TRY(find(to)) != Found::Nothing)
        return Error(ErrorCode::AlreadyExists, "a file or directory of that name exists");
    if (found == Found::File) {
        auto old_name = TRY(store_name_of(from, false));
        auto new_name = TRY(store_name_of(to, false));
        return translated(m_store.rename(old_name.view(), new_name.view()));
    }
    /* A directory: its marker and every name under it, each new name checked before any is changed. */
    auto old_prefix = TRY(store_name_of(from, true));
    auto new_prefix = TRY(store_name_of(to, true));
    store::Listing listed[1];
    for (usize cursor = 0; m_store.list(old_prefix.view(), cursor, listed) != 0;) {
        if (listed[0].name.size() - old_prefix.length + new_prefix.length > store::maximum_name)
            return Error(ErrorCode::TooLarge, "a name under the renamed directory would pass 255 bytes");
    }
    for (usize cursor = 0; m_store.list(old_prefix.view(), cursor, listed) != 0;) {
        /* A renamed name no longer starts with the old prefix (the target is not inside it): each is seen once. */
        Name old_name, new_name;
        old_name.length = listed[0].name.size();
        memcpy(old_name.bytes, listed[0].name.data(), old_name.length);
        new_name.length = new_prefix.length + old_name.length - old_prefix.length;
        memcpy(new_name.bytes, new_prefix.bytes, new_prefix.length);
        memcpy(new_name.bytes + new_prefix.length, old_name.bytes + old_prefix.length,
            old_name.length - old_prefix.length);
        TRY(translated(m_store.rename(old_name.view(), new_name.view())));
    }
    return {};
}

ErrorOr<BackendPage> StoreBackend::list(Path const& directory, u64 cursor, std::span<BackendEntry> into)
{
    TRY(parent_is_directory(directory));
    auto found = TRY(find(directory));
    if (found == Found::File)
        return Error(VfsError::NotADirectory, "list needs a directory");
    if (found == Found::Nothing)
        return Error(ErrorCode::NotFound, "no such file or directory");
    Name prefix;
    if (!directory.is_root())
        prefix = TRY(store_name_of(directory, true));
    BackendPage page;
    usize position = static_cast<usize>(cursor);
    if (u64(position) != cursor)
        position = ~usize(0);
    usize room = into.size() < maximum_list_entries ? into.size() : maximum_list_entries;
    store::Listing listed[1];
    for (;;) {
        usize at = position;
        if (m_store.list(prefix.view(), position, listed) == 0)
            break;
        auto rest = listed[0].name.substr(prefix.length);
        NodeKind kind = NodeKind::File;
        if (!rest.empty() && rest.back() == '/') {
            kind = NodeKind::Directory;
            rest.remove_suffix(1);
        }
        /* The marker itself, deeper names, and names no Path component could hold (the store holds only vfsd's). */
        if (rest.empty() || rest.find('/') != std::string_view::npos || Path::validate_component(rest).is_error())
            continue;
        if (page.count == room) {
            page.more = true;
            position = at; /* the next page starts at this entry */
            break;
        }
        into[page.count++] = BackendEntry { kind, Path::Component::try_from(rest).release_value() };
    }
    page.next_cursor = position;
    return page;
}

ErrorOr<u64> StoreBackend::write_file(store::File file, u64 offset, std::span<u8 const> data)
{
    TRY(translated(m_store.write(file, offset, data)));
    return TRY(translated(m_store.stat(file))).size;
}

ErrorOr<u64> StoreBackend::write(Path const& path, u64 offset, std::span<u8 const> data)
{
    if (path.is_root())
        return Error(VfsError::IsADirectory, "cannot write to a directory");
    TRY(parent_is_directory(path));
    auto found = TRY(find(path));
    if (found == Found::Directory)
        return Error(VfsError::IsADirectory, "cannot write to a directory");
    auto name = TRY(store_name_of(path, false));
    if (found == Found::File)
        return write_file(TRY(translated(m_store.open(name.view()))), offset, data);
    /* A refused write creates nothing: the file made for it is removed again. */
    auto created = TRY(translated(m_store.create(name.view())));
    auto written = write_file(created, offset, data);
    if (written.is_error())
        (void)m_store.remove(name.view());
    return written;
}

ErrorOr<FileToken> StoreBackend::open(Path const& path, bool create)
{
    TRY(parent_is_directory(path));
    auto found = TRY(find(path));
    if (found == Found::Directory)
        return Error(VfsError::IsADirectory, "cannot open a directory as a file");
    auto name = TRY(store_name_of(path, false));
    if (found == Found::File)
        return token_of(TRY(translated(m_store.open(name.view()))));
    if (!create)
        return Error(ErrorCode::NotFound, "no such file or directory");
    return token_of(TRY(translated(m_store.create(name.view()))));
}

ErrorOr<store::File> StoreBackend::file(FileToken token) const
{
    store::File file { static_cast<u32>(token), static_cast<u32>(token >> 32) };
    TRY(translated(m_store.stat(file))); /* a removed or replaced file: NotFound */
    return file;
}

ErrorOr<usize> StoreBackend::read(FileToken token, u64 offset, std::span<u8> into)
{
    return translated(m_store.read(TRY(file(token)), offset, into));
}

ErrorOr<u64> StoreBackend::write(FileToken token, u64 offset, std::span<u8 const> data)
{
    return write_file(TRY(file(token)), offset, data);
}

ErrorOr<u64> StoreBackend::truncate(FileToken token, u64 size)
{
    TRY(translated(m_store.truncate(TRY(file(token)), size)));
    return size;
}

ErrorOr<NodeStatus> StoreBackend::stat(FileToken token)
{
    return file_status(TRY(translated(m_store.stat(TRY(file(token))))).size);
}

ErrorOr<void> StoreBackend::sync(FileToken token)
{
    TRY(file(token));
    return sync_all();
}

ErrorOr<void> StoreBackend::sync_all()
{
    auto synced = m_store.sync();
    if (synced.is_error()) {
        m_failed = true;
        return Error(VfsError::IoError, synced.error().message());
    }
    return {};
}

}
