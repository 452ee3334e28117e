/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.vfs, declared once: the messages vfsd serves on each session, their errors and their
 * Ring geometry. Encoding, schema id, client, dispatch and docs/protocols/vectra.vfs.md all
 * come from this declaration (core/concurrent's protocol library).
 */

#pragma once

#include <vectra/BoundedVector.h>
#include <vectra/Path.h>
#include <vectra/protocol/Declaration.h>

namespace vectra::vfs {

enum class NodeKind : u8 {
    File = 1,
    Directory = 2,
};

/*
 * A node's kind, size and last modification, as the client sees it (Status carries it): the time is
 * seconds and nanoseconds since the Unix epoch (UTC) with core/time's TimeConfidence as a number
 * (0 unknown, 1 unauthenticated, 2 authenticated): a backend without a wall clock says unknown.
 */
struct NodeStatus {
    NodeKind kind { NodeKind::File };
    u64 size { 0 };
    u64 modified_seconds { 0 };
    u32 modified_nanoseconds { 0 };
    u8 time_confidence { 0 };
};

/*
 * Errors only a filesystem has; kernel and L0 errors travel as themselves: not-found,
 * already-exists, too-large (past a file's largest size or 2^64), name-too-long (a component over
 * 63 bytes, refused by core/path before any request), invalid-argument (a name the mount cannot
 * store, a directory moved into its own subtree).
 */
enum class VfsError : u16 {
    NotEmpty = 1,
    NotADirectory = 2,
    IsADirectory = 3,
    NoSuchFile = 4,
    TooManyOpenFiles = 5,
    NoSpace = 6,
    ReadOnly = 7,
    CrossMount = 8,
    IoError = 9,
    MountPoint = 10,
    BufferUnusable = 11,
};

/* The most file bytes one write carries or one read returns. */
inline constexpr usize maximum_transfer = 512;
/* The most bytes one read-buffer or write-buffer moves through its MemCap (v5). */
inline constexpr u32 maximum_buffer_transfer = 1024 * 1024;
/* The most entries one list reply carries. */
inline constexpr usize maximum_list_entries = 16;
/* Files a session may hold open at once. */
inline constexpr usize open_files_per_session = 4;

using Data = BoundedVector<u8, maximum_transfer>;

struct CreateDirectory {
    Path path;
    static constexpr auto fields() { return vectra::fields(field("path", &CreateDirectory::path)); }
};

struct Remove {
    Path path;
    static constexpr auto fields() { return vectra::fields(field("path", &Remove::path)); }
};

struct Stat {
    Path path;
    static constexpr auto fields() { return vectra::fields(field("path", &Stat::path)); }
};

struct Status {
    u8 kind { 0 }; /* NodeKind */
    u64 size { 0 };
    u64 modified_seconds { 0 };
    u32 modified_nanoseconds { 0 };
    u8 time_confidence { 0 }; /* TimeConfidence: 0 unknown, 1 unauthenticated, 2 authenticated */
    static constexpr auto fields()
    {
        return vectra::fields(field("kind", &Status::kind), field("size", &Status::size),
            field("modified-seconds", &Status::modified_seconds), field("modified-nanoseconds", &Status::modified_nanoseconds),
            field("time-confidence", &Status::time_confidence));
    }
};

struct Write {
    Path path;
    u64 offset { 0 };
    Data data;
    static constexpr auto fields()
    {
        return vectra::fields(field("path", &Write::path), field("offset", &Write::offset), field("data", &Write::data));
    }
};

struct Written {
    u64 size { 0 };
    static constexpr auto fields() { return vectra::fields(field("size", &Written::size)); }
};

struct Read {
    Path path;
    u64 offset { 0 };
    u16 maximum { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("path", &Read::path), field("offset", &Read::offset), field("maximum", &Read::maximum));
    }
};

struct ReadData {
    Data data;
    static constexpr auto fields() { return vectra::fields(field("data", &ReadData::data)); }
};

struct List {
    Path path;
    u64 cursor { 0 }; /* 0: from the start; else a `next` a previous page returned */
    static constexpr auto fields() { return vectra::fields(field("path", &List::path), field("cursor", &List::cursor)); }
};

struct ListEntry {
    u8 kind { 0 }; /* NodeKind */
    Path::Component name;
    static constexpr auto fields() { return vectra::fields(field("kind", &ListEntry::kind), field("name", &ListEntry::name)); }
};

struct Listed {
    BoundedVector<ListEntry, maximum_list_entries> entries;
    bool more { false };
    u64 next { 0 }; /* the cursor of the next page */
    static constexpr auto fields()
    {
        return vectra::fields(field("entries", &Listed::entries), field("more", &Listed::more), field("next", &Listed::next));
    }
};

struct Open {
    Path path;
    bool create { false };
    static constexpr auto fields() { return vectra::fields(field("path", &Open::path), field("create", &Open::create)); }
};

struct Opened {
    u32 file { 0 };
    static constexpr auto fields() { return vectra::fields(field("file", &Opened::file)); }
};

struct ReadFile {
    u32 file { 0 };
    u64 offset { 0 };
    u16 maximum { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("file", &ReadFile::file), field("offset", &ReadFile::offset), field("maximum", &ReadFile::maximum));
    }
};

struct WriteFile {
    u32 file { 0 };
    u64 offset { 0 };
    Data data;
    static constexpr auto fields()
    {
        return vectra::fields(field("file", &WriteFile::file), field("offset", &WriteFile::offset), field("data", &WriteFile::data));
    }
};

struct FileStat {
    u32 file { 0 };
    static constexpr auto fields() { return vectra::fields(field("file", &FileStat::file)); }
};

struct TruncateFile {
    u32 file { 0 };
    u64 size { 0 };
    static constexpr auto fields() { return vectra::fields(field("file", &TruncateFile::file), field("size", &TruncateFile::size)); }
};

struct Rename {
    Path from;
    Path to;
    static constexpr auto fields() { return vectra::fields(field("from", &Rename::from), field("to", &Rename::to)); }
};

struct Truncate {
    Path path;
    u64 size { 0 };
    static constexpr auto fields() { return vectra::fields(field("path", &Truncate::path), field("size", &Truncate::size)); }
};

struct SyncFile {
    u32 file { 0 };
    static constexpr auto fields() { return vectra::fields(field("file", &SyncFile::file)); }
};

struct Sync {
    Path path;
    static constexpr auto fields() { return vectra::fields(field("path", &Sync::path)); }
};

/*
 * v5's bulk transfers: `length` bytes of the open file at `offset`, moved through the MemCap the
 * request carries, starting at its byte `buffer_offset`. vfsd removes its copy before it replies.
 */
struct ReadBuffer {
    u32 file { 0 };
    u64 offset { 0 };
    u32 length { 0 };
    u64 buffer_offset { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("file", &ReadBuffer::file), field("offset", &ReadBuffer::offset),
            field("length", &ReadBuffer::length), field("buffer-offset", &ReadBuffer::buffer_offset));
    }
};

struct BufferRead {
    u32 length { 0 }; /* bytes written into the MemCap: fewer than asked at the file's end */
    static constexpr auto fields() { return vectra::fields(field("length", &BufferRead::length)); }
};

struct WriteBuffer {
    u32 file { 0 };
    u64 offset { 0 };
    u32 length { 0 };
    u64 buffer_offset { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("file", &WriteBuffer::file), field("offset", &WriteBuffer::offset),
            field("length", &WriteBuffer::length), field("buffer-offset", &WriteBuffer::buffer_offset));
    }
};

struct CloseFile {
    u32 file { 0 };
    static constexpr auto fields() { return vectra::fields(field("file", &CloseFile::file)); }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.vfs";
    static constexpr u16 version = 5;
    static constexpr u32 slot_count = 4;
    static constexpr u32 slot_size = 4096; /* a rename carries two paths of up to 1025 bytes each */
    using Errors = VfsError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(error(VfsError::NotEmpty, "not-empty", "the directory to remove still has entries"),
            error(VfsError::NotADirectory, "not-a-directory", "a path's parent, or the listed path, is a file"),
            error(VfsError::IsADirectory, "is-a-directory", "a file operation named a directory"),
            error(VfsError::NoSuchFile, "no-such-file", "the file number names no file this session opened"),
            error(VfsError::TooManyOpenFiles, "too-many-open-files", "the session already holds its quota of open files"),
            error(VfsError::NoSpace, "no-space", "the mount has no room left for the change (nothing was changed)"),
            error(VfsError::ReadOnly, "read-only", "the mount is read-only"),
            error(VfsError::CrossMount, "cross-mount", "a rename between two mounts: copy and remove instead"),
            error(VfsError::IoError, "io-error", "the medium failed; the change may be partly done (see the backend's durability rules)"),
            error(VfsError::MountPoint, "mount-point", "a mount point cannot be removed, renamed or renamed onto"),
            error(VfsError::BufferUnusable, "buffer-unusable",
                "no MemCap came with read-buffer or write-buffer, it lacks a right (write, for read-buffer), or buffer-offset + length lies outside it"));
    }

    static constexpr auto messages()
    {
        using protocol::Done;
        using protocol::message;
        return protocol::messages(message<CreateDirectory, Done>("create-directory", "Creates a directory in an existing one."),
            message<Write, Written>("write", "Writes bytes at an offset, creating the file if missing; replies with its size."),
            message<Read, ReadData>("read", "Reads at most `maximum` bytes (and at most 512) at an offset."),
            message<List, Listed>("list",
                "Lists a directory's entries from `cursor` (0: the start); while `more`, list again from `next`. A forged or stale cursor gives later entries or none."),
            message<Stat, Status>("stat", "A node's kind (1 file, 2 directory), size and last modification with its time confidence."),
            message<Remove, Done>("remove", "Removes a file or an empty directory."),
            message<Open, Opened>("open", "Opens a file (creating it when `create` and missing) into the session's open-file table."),
            message<ReadFile, ReadData>("read-file", "As read, on an open file."),
            message<WriteFile, Written>("write-file", "As write, on an open file."),
            message<FileStat, Status>("file-stat", "As stat, on an open file."),
            message<CloseFile, Done>("close-file", "Closes an open file; its number may be reused."),
            message<TruncateFile, Written>("truncate-file",
                "Sets an open file's size: bytes past it are dropped, a larger size reads as zeros; replies with the size."),
            message<Rename, Done>("rename",
                "Renames or moves a file or directory within its mount, atomically; the target must not exist. Across mounts: cross-mount."),
            message<Truncate, Written>("truncate", "As truncate-file, by path."),
            message<SyncFile, Done>("sync-file", "Once replied, the open file's bytes, size and name survive a power cut."),
            message<Sync, Done>("sync", "Once replied, every change to the mount owning the path survives a power cut."),
            message<ReadBuffer, BufferRead>("read-buffer",
                "Reads up to `length` bytes (at most 1 MiB) of an open file at `offset` into the carried MemCap (writable) at `buffer-offset`; replies with how many.")
                .carrying(CapabilityClass::Memory, std::nullopt),
            message<WriteBuffer, Written>("write-buffer",
                "Writes `length` bytes (at most 1 MiB) from the carried MemCap (read-only is enough) at `buffer-offset` to an open file at `offset`; replies with its size.")
                .carrying(CapabilityClass::Memory, std::nullopt));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(VfsError) { return domain; }

inline constexpr u64 schema_id = protocol::schema_id<Protocol>;
inline constexpr u32 ring_slot_count = Protocol::slot_count;
inline constexpr u32 ring_slot_size = Protocol::slot_size;
inline constexpr usize maximum_read_length = maximum_transfer;

}
