/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <new>
#include <vectra/Try.h>
#include <vectra/protocol/Dispatch.h>
#include <vfsd/Server.h>

namespace vectra::vfs {

ErrorOr<protocol::Done> SessionHandler::handle(CreateDirectory const& request)
{
    TRY(m_filesystem->create_directory(request.path));
    return protocol::Done {};
}

ErrorOr<Written> SessionHandler::handle(Write const& request)
{
    return Written { TRY(m_filesystem->write(request.path, request.offset, request.data.span())) };
}

ErrorOr<ReadData> SessionHandler::read(Path const& path, u64 offset, u16 maximum) const
{
    ReadData reply;
    usize room = maximum < maximum_transfer ? maximum : maximum_transfer;
    u8 buffer[maximum_transfer];
    usize length = TRY(m_filesystem->read(path, offset, std::span<u8>(buffer, room)));
    for (usize index = 0; index < length; ++index)
        MUST(reply.data.try_append(buffer[index]));
    return reply;
}

ErrorOr<ReadData> SessionHandler::handle(Read const& request)
{
    return read(request.path, request.offset, request.maximum);
}

ErrorOr<Listed> SessionHandler::handle(List const& request)
{
    Listed reply;
    TRY(m_filesystem->list(request.path, request.first, [&](DirectoryEntry const& entry) {
        if (reply.entries.size() == maximum_list_entries) {
            reply.more = true;
            return false;
        }
        ListEntry listed;
        listed.kind = static_cast<u8>(entry.kind);
        listed.name = MUST(Path::Component::try_from(entry.name));
        MUST(reply.entries.try_append(listed));
        return true;
    }));
    return reply;
}

ErrorOr<Status> SessionHandler::handle(Stat const& request)
{
    auto status = TRY(m_filesystem->stat(request.path));
    return Status { static_cast<u8>(status.kind), status.size };
}

ErrorOr<protocol::Done> SessionHandler::handle(Remove const& request)
{
    TRY(m_filesystem->remove(request.path));
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
    auto status = m_filesystem->stat(request.path);
    if (status.is_error()) {
        if (!status.error().is(ErrorCode::NotFound) || !request.create)
            return status.release_error();
        TRY(m_filesystem->write(request.path, 0, {}));
    } else if (status.value().kind != NodeKind::File) {
        return Error(VfsError::IsADirectory, "cannot open a directory as a file");
    }
    m_files[free] = request.path;
    return Opened { static_cast<u32>(free) };
}

ErrorOr<Path const*> SessionHandler::file(u32 number) const
{
    if (number >= open_files_per_session || !m_files[number])
        return Error(VfsError::NoSuchFile, "no file of this session has that number");
    return &*m_files[number];
}

ErrorOr<ReadData> SessionHandler::handle(ReadFile const& request)
{
    return read(*TRY(file(request.file)), request.offset, request.maximum);
}

ErrorOr<Written> SessionHandler::handle(WriteFile const& request)
{
    return Written { TRY(m_filesystem->write(*TRY(file(request.file)), request.offset, request.data.span())) };
}

ErrorOr<Status> SessionHandler::handle(FileStat const& request)
{
    auto status = TRY(m_filesystem->stat(*TRY(file(request.file))));
    return Status { static_cast<u8>(status.kind), status.size };
}

ErrorOr<Written> SessionHandler::handle(TruncateFile const& request)
{
    return Written { TRY(m_filesystem->truncate(*TRY(file(request.file)), request.size)) };
}

ErrorOr<protocol::Done> SessionHandler::handle(CloseFile const& request)
{
    TRY(file(request.file));
    m_files[request.file].reset();
    return protocol::Done {};
}

void SessionHandler::closed()
{
    for (auto& open : m_files)
        open.reset();
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

ErrorOr<Service> create_service(std::span<u8> memory, u32 node_capacity, u32 block_capacity)
{
    if (memory.size() < service_bytes(node_capacity, block_capacity))
        return Error(ErrorCode::OutOfMemory, "vfsd's memory is smaller than its filesystem and session tables");
    usize filesystem_bytes = RamFilesystem::bytes_needed(node_capacity, block_capacity);
    auto* filesystem = TRY(RamFilesystem::try_create(memory.first(filesystem_bytes), node_capacity, block_capacity));
    uptr next = reinterpret_cast<uptr>(memory.data()) + filesystem_bytes;
    void* table = reinterpret_cast<void*>(align_up(next, alignof(session::Table)));
    next = reinterpret_cast<uptr>(table) + sizeof(session::Table);
    auto* first = reinterpret_cast<SessionHandler*>(align_up(next, alignof(SessionHandler)));
    for (usize index = 0; index < session_limits.sessions; ++index)
        new (first + index) SessionHandler(*filesystem);
    return Service { filesystem, new (table) session::Table(), first };
}

ErrorOr<void> serve_sessions(Service& service, RingCap listen_requests, RingCap listen_replies)
{
    auto* table = TRY(session::Table::listen(*service.sessions, std::move(listen_requests), std::move(listen_replies),
        session::geometry_of<Protocol>(), session_limits));
    return session::serve<Protocol>(*table, service.handlers);
}

}
