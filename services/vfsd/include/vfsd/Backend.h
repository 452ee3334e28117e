/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What vfsd's router asks of a filesystem behind a mount point (ADR 0022). Each backend (`ram`,
 * `fat`, later `store`) is a separate component implementing this interface; the router never
 * knows which one it talks to.
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Error.h>
#include <vectra/Path.h>
#include <vectra/fs/Protocol.h>

namespace vectra::vfs {

/* One directory entry as a backend lists it. */
struct BackendEntry {
    NodeKind kind { NodeKind::File };
    Path::Component name;
};

/*
 * One page of a listing: `count` entries written, and the cursor to list from next. The cursor is
 * the backend's own (a position in its directory, never an address): any value a client sends is
 * safe — a forged or stale cursor yields a page of whatever entries lie at or after that position
 * (possibly none), never a crash, another directory's entries or an entry twice within one page.
 */
struct BackendPage {
    usize count { 0 };
    u64 next_cursor { 0 };
    bool more { false };
};

/*
 * A backend-chosen number naming an open file (opaque to the router). It names the file, not the
 * path: a renamed open file keeps working where the backend can follow it (ram, store), and a
 * removed one reports NotFound; a backend that cannot follow a rename (fat) reports NotFound too.
 */
using FileToken = u64;

/*
 * Paths given to a backend are relative to its mount's root (the root itself is Path::root()).
 * Every call is checked completely before it changes anything: a refused call changes nothing
 * (where the medium allows: an I/O error in the middle of a FAT change is reported as IoError and
 * leaves what ADR 0015's durability rules say). Errors are the protocol's (VfsError) or L0's
 * (NotFound, AlreadyExists, TooLarge, InvalidArgument): the router forwards them unchanged.
 */
class Backend {
public:
    /* Short name for boot lines and STATUS: "ram", "fat", "store". */
    [[nodiscard]] virtual std::string_view kind_name() const = 0;
    [[nodiscard]] virtual bool read_only() const = 0;

    [[nodiscard]] virtual ErrorOr<NodeStatus> stat(Path const&) = 0;
    [[nodiscard]] virtual ErrorOr<void> create_directory(Path const&) = 0;
    /* Removes a file or an empty directory (NotEmpty otherwise). */
    [[nodiscard]] virtual ErrorOr<void> remove(Path const&) = 0;
    /*
     * Renames within this backend, atomically: after a crash either the old name or the new one is
     * there (a backend documents what a power cut leaves; FAT: ADR 0015 rule 2). Refuses a target
     * that exists (AlreadyExists), a directory into its own subtree (InvalidArgument), the root.
     */
    [[nodiscard]] virtual ErrorOr<void> rename(Path const& from, Path const& to) = 0;
    /* Lists `directory` from `cursor` (0: the start) into `into`. */
    [[nodiscard]] virtual ErrorOr<BackendPage> list(Path const& directory, u64 cursor, std::span<BackendEntry> into) = 0;

    /*
     * Writes at `offset`, creating the file when missing; a refused write creates nothing (v3's
     * path write, and what a program that never opens relies on). Returns the file's size.
     */
    [[nodiscard]] virtual ErrorOr<u64> write(Path const&, u64 offset, std::span<u8 const> from) = 0;

    /* Opens a file, creating an empty one when `create` and missing (IsADirectory for a directory). */
    [[nodiscard]] virtual ErrorOr<FileToken> open(Path const&, bool create) = 0;
    /* Gives the token back; the router calls it exactly once per token, also when a session ends. */
    virtual void close(FileToken) = 0;
    [[nodiscard]] virtual ErrorOr<usize> read(FileToken, u64 offset, std::span<u8> into) = 0;
    /* Writes all of `from` at `offset` (a hole before it reads as zeros); returns the file's size. */
    [[nodiscard]] virtual ErrorOr<u64> write(FileToken, u64 offset, std::span<u8 const> from) = 0;
    [[nodiscard]] virtual ErrorOr<u64> truncate(FileToken, u64 size) = 0;
    [[nodiscard]] virtual ErrorOr<NodeStatus> stat(FileToken) = 0;

    /* Once sync(token) returns, the file's bytes, size and name survive a power cut. */
    [[nodiscard]] virtual ErrorOr<void> sync(FileToken) = 0;
    /* Once sync_all() returns, every change made before it survives a power cut. */
    [[nodiscard]] virtual ErrorOr<void> sync_all() = 0;

protected:
    ~Backend() = default;
};

}
