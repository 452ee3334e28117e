/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <new>
#include <vectra/CivilTime.h>
#include <vectra/Try.h>
#include <vfsd/FatBackend.h>

namespace vectra::vfs {

namespace {

/* FAT32 keeps a file's size in 32 bits. */
constexpr u64 largest_file = 0xffffffffu;

u64 seconds_of(fat::Timestamp const& stamp)
{
    /* A damaged entry may hold an impossible date: it reads as time 0, never as a crash. */
    if (stamp.month < 1 || stamp.month > 12 || stamp.day < 1 || stamp.day > days_in_month(stamp.year, stamp.month)
        || stamp.hour > 23 || stamp.minute > 59 || stamp.second > 59)
        return 0;
    i64 days = days_from_civil(stamp.year, stamp.month, stamp.day);
    return static_cast<u64>(days * 86400 + stamp.hour * 3600 + stamp.minute * 60 + stamp.second);
}

NodeStatus status_of(fat::Status const& status)
{
    /* FAT stores local time of an unknown zone, written by a clock of unknown trust: confidence unknown. */
    return NodeStatus { status.kind == fat::Kind::Directory ? NodeKind::Directory : NodeKind::File, status.size,
        seconds_of(status.modified), 0, 0 };
}

template<typename T>
ErrorOr<T> translated(ErrorOr<T>&& result)
{
    if (result.is_error())
        return error_of_fat(result.error());
    return std::move(result);
}

}

Error error_of_fat(Error const& error)
{
    if (error.domain() != &fat::fat_error_domain)
        return error;
    switch (static_cast<fat::FatError>(error.domain_code())) {
    case fat::FatError::NoSpace:
        return Error(VfsError::NoSpace, error.message());
    case fat::FatError::NotFound:
    case fat::FatError::Stale:
        return Error(ErrorCode::NotFound, error.message());
    case fat::FatError::Exists:
        return Error(ErrorCode::AlreadyExists, error.message());
    case fat::FatError::NotDirectory:
        return Error(VfsError::NotADirectory, error.message());
    case fat::FatError::IsDirectory:
        return Error(VfsError::IsADirectory, error.message());
    case fat::FatError::NotEmpty:
        return Error(VfsError::NotEmpty, error.message());
    case fat::FatError::InvalidName:
        return Error(ErrorCode::InvalidArgument, error.message());
    case fat::FatError::TooLarge:
        return Error(ErrorCode::TooLarge, error.message());
    case fat::FatError::NotFat32:
    case fat::FatError::Corrupt:
    case fat::FatError::DeviceMismatch:
        return Error(VfsError::IoError, error.message());
    }
    return Error(VfsError::IoError, error.message());
}

ErrorOr<FatBackend*> FatBackend::try_create(std::span<u8> memory, fat::BlockDevice& device, u32 cache_sectors)
{
    if (cache_sectors < 4)
        return Error(ErrorCode::InvalidArgument, "a FAT volume needs at least 4 cache sectors");
    if (memory.size() < bytes_needed(cache_sectors, device.sector_size()) || reinterpret_cast<uptr>(memory.data()) % 64 != 0)
        return Error(ErrorCode::OutOfMemory, "the fat backend's memory is smaller than its cache");
    auto aligned = [](usize bytes) { return (bytes + 63) & ~usize(63); };
    u8* slots = memory.data() + aligned(sizeof(FatBackend));
    u8* sectors = slots + aligned(sizeof(fat::CacheSlot) * cache_sectors);
    auto* slot_array = reinterpret_cast<fat::CacheSlot*>(slots);
    for (u32 index = 0; index < cache_sectors; ++index)
        new (&slot_array[index]) fat::CacheSlot();
    fat::CacheMemory cache { { slot_array, cache_sectors }, { sectors, usize(device.sector_size()) * cache_sectors } };
    auto volume = TRY(translated(fat::Volume::mount(device, cache)));
    return new (memory.data()) FatBackend(std::move(volume));
}

ErrorOr<NodeStatus> FatBackend::stat(Path const& path)
{
    return status_of(TRY(translated(m_volume.stat(path))));
}

ErrorOr<void> FatBackend::create_directory(Path const& path)
{
    return translated(m_volume.create_directory(path));
}

ErrorOr<void> FatBackend::remove(Path const& path)
{
    return translated(m_volume.remove(path));
}

ErrorOr<void> FatBackend::rename(Path const& from, Path const& to)
{
    return translated(m_volume.rename(from, to));
}

ErrorOr<BackendPage> FatBackend::list(Path const& directory, u64 cursor, std::span<BackendEntry> into)
{
    BackendPage page;
    if (cursor > 0xffffffffu) {
        /* Past any directory the library walks (65,536 entries): nothing, but the directory must exist. */
        auto status = TRY(stat(directory));
        if (status.kind != NodeKind::Directory)
            return Error(VfsError::NotADirectory, "list needs a directory");
        page.next_cursor = cursor;
        return page;
    }
    usize room = into.size() < maximum_list_entries ? into.size() : maximum_list_entries;
    auto listed = TRY(translated(m_volume.list(directory, static_cast<u32>(cursor), std::span(m_page, room))));
    for (usize index = 0; index < listed.count; ++index) {
        auto name = Path::Component::try_from(m_page[index].name.view());
        if (name.is_error() || Path::validate_component(m_page[index].name.view()).is_error())
            continue; /* longer than a Path component: no client could name it */
        into[page.count++] = BackendEntry { status_of(m_page[index].status).kind, name.release_value() };
    }
    page.more = listed.more;
    page.next_cursor = listed.next_cursor;
    return page;
}

ErrorOr<u64> FatBackend::write_file(fat::File& file, u64 offset, std::span<u8 const> data)
{
    u64 end = offset + data.size();
    if (end < offset || end > largest_file)
        return Error(ErrorCode::TooLarge, "FAT32 files end below 4 GiB");
    TRY(translated(m_volume.write(file, offset, data)));
    return TRY(translated(m_volume.stat(file))).size;
}

ErrorOr<u64> FatBackend::write(Path const& path, u64 offset, std::span<u8 const> data)
{
    u64 end = offset + data.size();
    if (end < offset || end > largest_file)
        return Error(ErrorCode::TooLarge, "FAT32 files end below 4 GiB");
    auto existing = m_volume.open(path);
    if (!existing.is_error())
        return write_file(existing.value(), offset, data);
    if (!existing.error().is(fat::FatError::NotFound))
        return error_of_fat(existing.error());
    /* A refused write creates nothing: a file made for it is removed again when the write fails. */
    auto created = TRY(translated(m_volume.create_file(path)));
    auto written = write_file(created, offset, data);
    if (written.is_error())
        (void)m_volume.remove(path);
    return written;
}

ErrorOr<FileToken> FatBackend::open(Path const& path, bool create)
{
    OpenFile* slot = nullptr;
    u32 index = 0;
    for (; index < open_file_capacity; ++index) {
        if (!m_files[index].used) {
            slot = &m_files[index];
            break;
        }
    }
    if (!slot)
        return Error(VfsError::TooManyOpenFiles, "the fat backend's open-file table is full");
    auto opened = m_volume.open(path);
    if (opened.is_error() && opened.error().is(fat::FatError::NotFound) && create)
        opened = m_volume.create_file(path);
    if (opened.is_error())
        return error_of_fat(opened.error());
    slot->used = true;
    slot->generation = ++m_generation == 0 ? ++m_generation : m_generation;
    slot->file = opened.release_value();
    return (u64(slot->generation) << 32) | index;
}

ErrorOr<FatBackend::OpenFile*> FatBackend::file(FileToken token)
{
    u64 index = token & 0xffffffffu;
    u32 generation = static_cast<u32>(token >> 32);
    if (index >= open_file_capacity || !m_files[index].used || m_files[index].generation != generation)
        return Error(VfsError::NoSuchFile, "no open file has that token");
    return &m_files[index];
}

void FatBackend::close(FileToken token)
{
    if (auto open = file(token); !open.is_error())
        *open.value() = OpenFile();
}

ErrorOr<usize> FatBackend::read(FileToken token, u64 offset, std::span<u8> into)
{
    auto& open = *TRY(file(token));
    if (offset >= largest_file) {
        TRY(translated(m_volume.stat(open.file))); /* past any FAT32 file's end: nothing, if the file is still there */
        return usize(0);
    }
    return translated(m_volume.read(open.file, offset, into));
}

ErrorOr<u64> FatBackend::write(FileToken token, u64 offset, std::span<u8 const> data)
{
    return write_file(TRY(file(token))->file, offset, data);
}

ErrorOr<u64> FatBackend::truncate(FileToken token, u64 size)
{
    auto& open = *TRY(file(token));
    if (size > largest_file)
        return Error(ErrorCode::TooLarge, "FAT32 files end below 4 GiB");
    TRY(translated(m_volume.truncate(open.file, size)));
    return size;
}

ErrorOr<NodeStatus> FatBackend::stat(FileToken token)
{
    return status_of(TRY(translated(m_volume.stat(TRY(file(token))->file))));
}

ErrorOr<void> FatBackend::sync(FileToken token)
{
    /* The file must still be there (a stale one is not-found), then the whole volume is made durable. */
    TRY(translated(m_volume.stat(TRY(file(token))->file)));
    return sync_all();
}

ErrorOr<void> FatBackend::sync_all()
{
    return translated(m_volume.sync());
}

}
