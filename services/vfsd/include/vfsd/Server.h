/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <optional>
#include <span>
#include <vectra/Error.h>
#include <vectra/Session.h>
#include <vectra/fs/Protocol.h>
#include <vectra/protocol/Dispatch.h>
#include <vfsd/RamFilesystem.h>
#include <vfsd/Router.h>

namespace vectra::vfs {

/*
 * One session of vectra.vfs: a handler per message of the declaration, routed through the mount
 * table every session shares, with the session's own open-file table (open_files_per_session
 * files, its quota). A file number names a file opened by this session only (its mount and the
 * backend's token); a file removed while open reads as not-found.
 */
class SessionHandler {
public:
    explicit SessionHandler(Router& router)
        : m_router(&router)
    {
    }

    [[nodiscard]] ErrorOr<protocol::Done> handle(CreateDirectory const&);
    [[nodiscard]] ErrorOr<Written> handle(Write const&);
    [[nodiscard]] ErrorOr<ReadData> handle(Read const&);
    [[nodiscard]] ErrorOr<Listed> handle(List const&);
    [[nodiscard]] ErrorOr<Status> handle(Stat const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(Remove const&);
    [[nodiscard]] ErrorOr<Opened> handle(Open const&);
    [[nodiscard]] ErrorOr<ReadData> handle(ReadFile const&);
    [[nodiscard]] ErrorOr<Written> handle(WriteFile const&);
    [[nodiscard]] ErrorOr<Status> handle(FileStat const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(CloseFile const&);
    [[nodiscard]] ErrorOr<Written> handle(TruncateFile const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(Rename const&);
    [[nodiscard]] ErrorOr<Written> handle(Truncate const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(SyncFile const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(Sync const&);
    /* v5: the carried MemCap is removed from vfsd's space on every path, before the reply (Buffers.cpp). */
    [[nodiscard]] ErrorOr<BufferRead> handle(ReadBuffer const&, protocol::MessageCapabilities&);
    [[nodiscard]] ErrorOr<Written> handle(WriteBuffer const&, protocol::MessageCapabilities&);

    /* A session starts or ends: its open-file table empties. */
    void opened() { closed(); }
    void closed();

    [[nodiscard]] usize open_files() const;

private:
    struct OpenFile {
        u32 mount { 0 };
        FileToken token { 0 };
    };
    [[nodiscard]] ErrorOr<OpenFile> file(u32 number) const;
    /* The backend owning `path`, refused with ReadOnly when the change needs a writable one. */
    [[nodiscard]] ErrorOr<Backend*> writable(u32 mount) const;
    [[nodiscard]] static ErrorOr<ReadData> read(Backend&, FileToken, u64 offset, u16 maximum);

    Router* m_router;
    std::optional<OpenFile> m_files[open_files_per_session];
};

/* Answers one vectra.vfs request of a session into `reply`; returns the reply's length (dispatch). */
[[nodiscard]] usize handle_request(SessionHandler&, std::span<u8 const> request, std::span<u8> reply);
/* As above, with the capability the request's slot carried (read-buffer, write-buffer); none is left in `capabilities`. */
[[nodiscard]] usize handle_request(
    SessionHandler&, std::span<u8 const> request, std::span<u8> reply, protocol::MessageCapabilities& capabilities);

/* vfsd's sessions: at most this many clients at once, one request each per turn. */
inline constexpr session::Limits session_limits { 16, 1 };

/*
 * Everything vfsd keeps, placed at start in one memory object it creates from its Reticle:
 * the RAM filesystem (mounted at `/`), the mount table, the session table and one handler per
 * session (service_bytes() in all). Further mounts are added to `router` before serving.
 */
struct Service {
    RamFilesystem* filesystem;
    Router* router;
    session::Table* sessions;
    SessionHandler* handlers;
};
/* Bytes create_service places besides the filesystem's own. */
[[nodiscard]] constexpr usize service_state_bytes()
{
    return sizeof(Router) + alignof(Router) + sizeof(session::Table) + alignof(session::Table)
        + session_limits.sessions * sizeof(SessionHandler) + alignof(SessionHandler);
}

/* The memory create_service needs for a filesystem of this size. */
[[nodiscard]] constexpr usize service_bytes(u32 node_capacity, u32 block_capacity)
{
    return RamFilesystem::bytes_needed(node_capacity, block_capacity) + service_state_bytes();
}

/* Places the service at the start of `memory` (at least service_bytes(), 64-byte aligned). */
[[nodiscard]] ErrorOr<Service> create_service(std::span<u8> memory, u32 node_capacity, u32 block_capacity);

/* Serves the listener and every session until the listener fails (PeerRestarted when initd resets it). */
[[nodiscard]] ErrorOr<void> serve_sessions(Service&, RingCap listen_requests, RingCap listen_replies);

}
