/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <new>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/protocol/Dispatch.h>
#include <vfsd/Server.h>

namespace vectra::vfs {

ErrorOr<Backend*> SessionHandler::writable(u32 mount) const
{
    Backend& backend = m_router->backend(mount);
    if (backend.read_only())
        return Error(VfsError::ReadOnly, "the mount is read-only");
    return &backend;
}

ErrorOr<protocol::Done> SessionHandler::handle(CreateDirectory const& request)
{
    auto target = m_router->resolve(request.path);
    TRY(TRY(writable(target.mount))->create_directory(target.relative));
    return protocol::Done {};
}

ErrorOr<Written> SessionHandler::handle(Write const& request)
{
    auto target = m_router->resolve(request.path);
    return Written { TRY(TRY(writable(target.mount))->write(target.relative, request.offset, request.data.span())) };
}

ErrorOr<ReadData> SessionHandler::read(Backend& backend, FileToken token, u64 offset, u16 maximum)
{
    ReadData reply;
    usize room = maximum < maximum_transfer ? maximum : maximum_transfer;
    u8 buffer[maximum_transfer];
    usize length = TRY(backend.read(token, offset, std::span<u8>(buffer, room)));
    for (usize index = 0; index < length; ++index)
        MUST(reply.data.try_append(buffer[index]));
    return reply;
}

ErrorOr<ReadData> SessionHandler::handle(Read const& request)
{
    auto target = m_router->resolve(request.path);
    Backend& backend = m_router->backend(target.mount);
    auto token = TRY(backend.open(target.relative, false));
    auto reply = read(backend, token, request.offset, request.maximum);
    backend.close(token);
    return reply;
}

ErrorOr<Listed> SessionHandler::handle(List const& request)
{
    auto target = m_router->resolve(request.path);
    BackendEntry entries[maximum_list_entries];
    auto page = TRY(m_router->backend(target.mount).list(target.relative, request.cursor, entries));
    Listed reply;
    for (usize index = 0; index < page.count; ++index)
        MUST(reply.entries.try_append(ListEntry { static_cast<u8>(entries[index].kind), entries[index].name }));
    reply.more = page.more;
    reply.next = page.next_cursor;
    return reply;
}

namespace {

Status status_reply(NodeStatus const& status)
{
    return Status { static_cast<u8>(status.kind), status.size, status.modified_seconds, status.modified_nanoseconds,
        status.time_confidence };
}

}

ErrorOr<Status> SessionHandler::handle(Stat const& request)
{
    auto target = m_router->resolve(request.path);
    return status_reply(TRY(m_router->backend(target.mount).stat(target.relative)));
}

ErrorOr<protocol::Done> SessionHandler::handle(Remove const& request)
{
    auto target = m_router->resolve(request.path);
    if (target.is_mount_point())
        return Error(VfsError::MountPoint, "a mount point cannot be removed");
    TRY(TRY(writable(target.mount))->remove(target.relative));
    return protocol::Done {};
}

ErrorOr<protocol::Done> SessionHandler::handle(Rename const& request)
{
    auto from = m_router->resolve(request.from);
    auto to = m_router->resolve(request.to);
    if (from.is_mount_point() || to.is_mount_point())
        return Error(VfsError::MountPoint, "a mount point cannot be renamed or renamed onto");
    if (from.mount != to.mount)
        return Error(VfsError::CrossMount, "a rename between two mounts: copy and remove instead");
    if (m_router->holds_mount_point(from.mount, from.relative))
        return Error(VfsError::MountPoint, "the directory holds a mount point");
    TRY(TRY(writable(from.mount))->rename(from.relative, to.relative));
    return protocol::Done {};
}

ErrorOr<Written> SessionHandler::handle(Truncate const& request)
{
    auto target = m_router->resolve(request.path);
    Backend& backend = *TRY(writable(target.mount));
    auto token = TRY(backend.open(target.relative, false));
    auto size = backend.truncate(token, request.size);
    backend.close(token);
    return Written { TRY(size) };
}

ErrorOr<protocol::Done> SessionHandler::handle(Sync const& request)
{
    TRY(m_router->backend(m_router->resolve(request.path).mount).sync_all());
    return protocol::Done {};
}

ErrorOr<Opened> SessionHandler::handle(Open const& request)
{
    usize free = open_files_per_session;
    for (usize index = 0; index < open_files_per_session; ++index) {
        if (!m_files[index]) {
            free = index;
            break;
        }
    }
    if (free == open_files_per_session)
        return Error(VfsError::TooManyOpenFiles, "the session holds its quota of open files");
    auto target = m_router->resolve(request.path);
    Backend& backend = m_router->backend(target.mount);
    if (request.create && backend.read_only()) {
        /* Opening an existing file of a read-only mount is fine; creating one is not. */
        auto existing = backend.stat(target.relative);
        if (existing.is_error() && existing.error().is(ErrorCode::NotFound))
            return Error(VfsError::ReadOnly, "the mount is read-only");
    }
    m_files[free] = OpenFile { target.mount, TRY(backend.open(target.relative, request.create)) };
    return Opened { static_cast<u32>(free) };
}

ErrorOr<SessionHandler::OpenFile> SessionHandler::file(u32 number) const
{
    if (number >= open_files_per_session || !m_files[number])
        return Error(VfsError::NoSuchFile, "no file of this session has that number");
    return *m_files[number];
}

ErrorOr<ReadData> SessionHandler::handle(ReadFile const& request)
{
    auto open = TRY(file(request.file));
    return read(m_router->backend(open.mount), open.token, request.offset, request.maximum);
}

ErrorOr<Written> SessionHandler::handle(WriteFile const& request)
{
    auto open = TRY(file(request.file));
    return Written { TRY(TRY(writable(open.mount))->write(open.token, request.offset, request.data.span())) };
}

ErrorOr<Status> SessionHandler::handle(FileStat const& request)
{
    auto open = TRY(file(request.file));
    return status_reply(TRY(m_router->backend(open.mount).stat(open.token)));
}

ErrorOr<Written> SessionHandler::handle(TruncateFile const& request)
{
    auto open = TRY(file(request.file));
    return Written { TRY(TRY(writable(open.mount))->truncate(open.token, request.size)) };
}

ErrorOr<protocol::Done> SessionHandler::handle(SyncFile const& request)
{
    auto open = TRY(file(request.file));
    TRY(m_router->backend(open.mount).sync(open.token));
    return protocol::Done {};
}

ErrorOr<protocol::Done> SessionHandler::handle(CloseFile const& request)
{
    auto open = TRY(file(request.file));
    m_router->backend(open.mount).close(open.token);
    m_files[request.file].reset();
    return protocol::Done {};
}

void SessionHandler::closed()
{
    for (auto& open : m_files) {
        if (open)
            m_router->backend(open->mount).close(open->token);
        open.reset();
    }
}

usize SessionHandler::open_files() const
{
    usize count = 0;
    for (auto const& open : m_files)
        count += open.has_value();
    return count;
}

usize handle_request(SessionHandler& handler, std::span<u8 const> request, std::span<u8> reply)
{
    return protocol::dispatch<Protocol>(handler, request, reply);
}

usize handle_request(
    SessionHandler& handler, std::span<u8 const> request, std::span<u8> reply, protocol::MessageCapabilities& capabilities)
{
    usize length = protocol::dispatch<Protocol>(handler, request, reply, capabilities);
    if (capabilities.received)
        endpoint::discard(*capabilities.received); /* a message that carries none, or one refused before its handler */
    capabilities.received.reset();
    return length;
}

ErrorOr<Service> create_service(std::span<u8> memory, u32 node_capacity, u32 block_capacity)
{
    if (memory.size() < service_bytes(node_capacity, block_capacity))
        return Error(ErrorCode::OutOfMemory, "vfsd's memory is smaller than its filesystem and session tables");
    usize filesystem_bytes = RamFilesystem::bytes_needed(node_capacity, block_capacity);
    auto* filesystem = TRY(RamFilesystem::try_create(memory.first(filesystem_bytes), node_capacity, block_capacity));
    uptr next = reinterpret_cast<uptr>(memory.data()) + filesystem_bytes;
    auto* router = new (reinterpret_cast<void*>(align_up(next, alignof(Router)))) Router();
    TRY(router->mount(Path::root(), *filesystem));
    next = reinterpret_cast<uptr>(router) + sizeof(Router);
    void* table = reinterpret_cast<void*>(align_up(next, alignof(session::Table)));
    next = reinterpret_cast<uptr>(table) + sizeof(session::Table);
    auto* first = reinterpret_cast<SessionHandler*>(align_up(next, alignof(SessionHandler)));
    for (usize index = 0; index < session_limits.sessions; ++index)
        new (first + index) SessionHandler(*router);
    return Service { filesystem, router, new (table) session::Table(), first };
}

ErrorOr<void> serve_sessions(Service& service, RingCap listen_requests, RingCap listen_replies)
{
    auto* table = TRY(session::Table::listen(*service.sessions, std::move(listen_requests), std::move(listen_replies),
        session::geometry_of<Protocol>(), session_limits));
    return session::serve<Protocol>(*table, service.handlers);
}

}
