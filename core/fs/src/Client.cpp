/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Bytes.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>

#include <string.h>
#include <vectra/Try.h>
#include <vectra/fs/Client.h>

namespace vectra::vfs {

namespace {

ErrorOr<Data> data_of(std::span<u8 const> bytes)
{
    if (bytes.size() > maximum_transfer)
        return Error(ErrorCode::TooLarge, "one write carries at most maximum_transfer bytes");
    Data data;
    for (u8 byte : bytes)
        MUST(data.try_append(byte));
    return data;
}

ErrorOr<usize> copy_out(Data const& data, std::span<u8> buffer)
{
    if (data.size() > buffer.size())
        return Error(ErrorCode::MalformedMessage, "vfsd returned more bytes than asked for");
    if (data.size() > 0)
        memcpy(buffer.data(), data.span().data(), data.size());
    return data.size();
}

u16 asked(std::span<u8> buffer) { return static_cast<u16>(buffer.size() > maximum_transfer ? maximum_transfer : buffer.size()); }

}

ErrorOr<Client> Client::open(RingCap listen_requests, RingCap listen_replies, ReticleCap memory, ConnectionBits bits)
{
    return Client(TRY(session::SessionClient<Protocol>::open(
        std::move(listen_requests), std::move(listen_replies), std::move(memory), bits)));
}

ErrorOr<Client> Client::open(
    RingCap listen_requests, RingCap listen_replies, ReticleCap memory, usize transfer_bytes, ConnectionBits bits)
{
    if (transfer_bytes == 0 || transfer_bytes > maximum_buffer_transfer)
        return Error(ErrorCode::InvalidArgument, "a transfer buffer holds 1 byte to maximum_buffer_transfer bytes");
    auto pool = TRY(system::carve(memory, session::pool_size<Protocol>()));
    auto transfer = system::create_memory(memory, (transfer_bytes + 4095) / 4096 * 4096, RightRead | RightWrite | RightGrant);
    if (transfer.is_error()) {
        (void)system::remove(std::move(pool));
        return transfer.release_error();
    }
    auto mapped = system::map_memory(transfer.value());
    auto session = mapped.is_error() ? ErrorOr<session::SessionClient<Protocol>>(mapped.error())
                                     : session::SessionClient<Protocol>::open(
                                         std::move(listen_requests), std::move(listen_replies), std::move(pool), bits);
    if (session.is_error()) {
        (void)system::remove(std::move(transfer.value()));
        if (!pool.is_empty())
            (void)system::remove(std::move(pool));
        return session.release_error();
    }
    Client client(session.release_value());
    client.m_memory = std::move(memory);
    client.m_transfer = std::move(transfer.value());
    client.m_transfer_bytes = mapped.value();
    return client;
}

Client::~Client()
{
    if (!m_transfer.is_empty())
        (void)system::remove(std::move(m_transfer));
    if (!m_memory.is_empty())
        (void)system::remove(std::move(m_memory));
}

ErrorOr<File> Client::open(Path const& path, Create create)
{
    auto opened = TRY(call(Open { path, create == Create::IfMissing }));
    return File(*this, opened.file);
}

ErrorOr<void> Client::create_directory(Path const& path)
{
    TRY(call(CreateDirectory { path }));
    return {};
}

ErrorOr<u64> Client::write(Path const& path, u64 offset, std::span<u8 const> data)
{
    return TRY(call(Write { path, offset, TRY(data_of(data)) })).size;
}

ErrorOr<usize> Client::read(Path const& path, u64 offset, std::span<u8> buffer)
{
    auto reply = TRY(call(Read { path, offset, asked(buffer) }));
    return copy_out(reply.data, buffer);
}

ErrorOr<Listing> Client::list(Path const& path, u64 cursor)
{
    auto reply = TRY(call(List { path, cursor }));
    Listing listing;
    for (auto const& entry : reply.entries) {
        listing.kinds[listing.count] = static_cast<NodeKind>(entry.kind);
        listing.names[listing.count] = TRY(Path::Component::try_from(entry.name.view()));
        ++listing.count;
    }
    listing.more = reply.more;
    listing.next = reply.next;
    return listing;
}

namespace {

NodeStatus status_of(Status const& reply)
{
    return NodeStatus { static_cast<NodeKind>(reply.kind), reply.size, reply.modified_seconds, reply.modified_nanoseconds,
        reply.time_confidence };
}

}

ErrorOr<NodeStatus> Client::stat(Path const& path)
{
    return status_of(TRY(call(Stat { path })));
}

ErrorOr<void> Client::rename(Path const& from, Path const& to)
{
    TRY(call(Rename { from, to }));
    return {};
}

ErrorOr<u64> Client::truncate(Path const& path, u64 size)
{
    return TRY(call(Truncate { path, size })).size;
}

ErrorOr<void> Client::sync(Path const& path)
{
    TRY(call(Sync { path }));
    return {};
}

ErrorOr<void> Client::remove(Path const& path)
{
    TRY(call(Remove { path }));
    return {};
}

ErrorOr<Client::RawAnswer> Client::send_raw(std::span<u8 const> request)
{
    auto* connection = m_session.connection();
    if (!connection)
        return Error(ErrorCode::PeerClosed, "the session is not open");
    /* Raw requests carry their own call id (0 when too short to hold one): take the reply that echoes it. */
    u32 call_id = 0;
    if (auto envelope = protocol::read_envelope(request); !envelope.is_error())
        call_id = envelope.value().call_id;
    u8 reply[protocol::payload_capacity<Protocol>];
    auto answer = TRY(connection->call(request, call_id, reply, deadline_after(Duration::from_seconds(5))));
    return RawAnswer { answer.envelope.status };
}

ErrorOr<usize> File::read_at(u64 offset, std::span<u8> buffer)
{
    auto transfer = m_client->m_transfer_bytes;
    if (buffer.size() <= maximum_transfer || transfer.empty()) {
        auto reply = TRY(m_client->call(ReadFile { m_number, offset, asked(buffer) }));
        return copy_out(reply.data, buffer);
    }
    auto view = TRY(read_view(offset, buffer.size()));
    memcpy(buffer.data(), view.data(), view.size());
    return view.size();
}

ErrorOr<std::span<u8 const>> File::read_view(u64 offset, usize length)
{
    auto transfer = m_client->m_transfer_bytes;
    if (transfer.empty())
        return Error(ErrorCode::Unsupported, "a view needs the session's transfer buffer");
    u32 asked = u32(length < transfer.size() ? length : transfer.size());
    auto reply = TRY(m_client->m_session.call_lending(
        ReadBuffer { m_number, offset, asked, 0 }, m_client->m_transfer, RightRead | RightWrite));
    if (reply.length > asked)
        return Error(ErrorCode::MalformedMessage, "vfsd returned more bytes than asked for");
    return std::span<u8 const>(transfer.data(), reply.length);
}

ErrorOr<u64> File::write_at(u64 offset, std::span<u8 const> data)
{
    auto transfer = m_client->m_transfer_bytes;
    if (data.size() <= maximum_transfer || transfer.empty())
        return TRY(m_client->call(WriteFile { m_number, offset, TRY(data_of(data)) })).size;
    if (data.size() > transfer.size())
        return Error(ErrorCode::TooLarge, "one write carries at most the transfer buffer's size");
    memcpy(transfer.data(), data.data(), data.size());
    return TRY(m_client->m_session.call_lending(
                   WriteBuffer { m_number, offset, u32(data.size()), 0 }, m_client->m_transfer, RightRead))
        .size;
}

ErrorOr<u64> File::size()
{
    return TRY(m_client->call(FileStat { m_number })).size;
}

ErrorOr<NodeStatus> File::stat()
{
    return status_of(TRY(m_client->call(FileStat { m_number })));
}

ErrorOr<void> File::sync()
{
    TRY(m_client->call(SyncFile { m_number }));
    return {};
}

ErrorOr<void> File::truncate(u64 size)
{
    auto reply = TRY(m_client->call(TruncateFile { m_number, size }));
    if (reply.size != size)
        return Error(ErrorCode::MalformedMessage, "vfsd replied with another size than the one asked for");
    return {};
}

ErrorOr<void> File::close()
{
    TRY(m_client->call(CloseFile { m_number }));
    return {};
}

}
