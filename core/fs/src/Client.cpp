/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Bytes.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/Try.h>
#include <vectra/fs/Client.h>

namespace vectra::vfs {

namespace {

ErrorOr<ByteWriter> begin_request(std::span<u8> buffer, MessageType type, u32 request_id, Path const& path)
{
    ByteWriter writer(buffer);
    TRY(writer.write<u16>(static_cast<u16>(type)));
    TRY(writer.write<u16>(protocol_version));
    TRY(writer.write<u32>(request_id));
    TRY(path.encode(writer));
    return writer;
}

}

ErrorOr<Client> Client::bind(RingCap requests, RingCap replies)
{
    auto sender = TRY(RingSender::bind(requests, schema_id, space_bit));
    auto receiver = TRY(RingReceiver::bind(replies, schema_id, reply_bit));
    return Client(std::move(requests), std::move(replies), sender, receiver);
}

ErrorOr<void> Client::rebind()
{
    m_sender = TRY(RingSender::bind(m_requests, schema_id, space_bit));
    m_receiver = TRY(RingReceiver::bind(m_replies, schema_id, reply_bit));
    return {};
}

ErrorOr<void> Client::send(std::span<u8 const> request)
{
    for (;;) {
        auto sent = m_sender.try_send(request);
        if (!sent.is_error())
            return {};
        if (sent.error().code() != ErrorCode::Full)
            return sent.release_error();
        (void)system::wait(space_bit.mask());
    }
}

ErrorOr<Client::Reply> Client::receive()
{
    u64 deadline = deadline_after(Duration::from_nanoseconds(reply_timeout_nanoseconds));
    for (;;) {
        auto received = m_receiver.try_receive(m_reply);
        if (received.is_error()) {
            if (received.error().code() != ErrorCode::Empty)
                return received.release_error();
            u64 bits = system::wait_until(reply_bit.mask(), deadline, timeout_bit);
            if (bits == timeout_bit.mask())
                return Error(ErrorCode::TimedOut, "vfsd did not reply in time");
            continue;
        }
        ByteReader reader(std::span<u8 const>(m_reply, received.value().length));
        u16 type = TRY(reader.read<u16>());
        u16 version = TRY(reader.read<u16>());
        u32 id = TRY(reader.read<u32>());
        u16 error = TRY(reader.read<u16>());
        if ((type & reply_flag) == 0 || version != protocol_version)
            return Error(ErrorCode::MalformedMessage, "vfsd sent a reply this client cannot read");
        return Reply { id, static_cast<ErrorCode>(error), reader };
    }
}

ErrorOr<ByteReader> Client::transact(std::span<u8 const> request, u32 request_id)
{
    auto reply = transact_once(request, request_id);
    if (!reply.is_error() || reply.error().code() != ErrorCode::PeerRestarted)
        return reply;
    /*
     * vfsd restarted while we talked: bind to its new instance, so the next call goes there,
     * but report this one — whether to repeat a request is the caller's decision.
     */
    TRY(rebind());
    return reply;
}

ErrorOr<ByteReader> Client::transact_once(std::span<u8 const> request, u32 request_id)
{
    TRY(send(request));
    for (;;) {
        auto reply = TRY(receive());
        if (reply.request_id != request_id)
            continue; /* a stale reply to an earlier, abandoned request */
        if (reply.error != ErrorCode::None)
            return Error(reply.error, "vfsd refused the request");
        return reply.body;
    }
}

ErrorOr<File> Client::open(Path const& path, Create create)
{
    auto status = stat(path);
    if (status.is_error()) {
        if (status.error().code() != ErrorCode::NotFound || create == Create::No)
            return status.release_error();
        TRY(write(path, 0, {}));
        return File(*this, path);
    }
    if (status.value().kind != NodeKind::File)
        return Error(ErrorCode::IsADirectory, "cannot open a directory as a file");
    return File(*this, path);
}

ErrorOr<usize> File::read_at(u64 offset, std::span<u8> buffer)
{
    return m_client->read(m_path, offset, buffer);
}

ErrorOr<u64> File::write_at(u64 offset, std::span<u8 const> data)
{
    return m_client->write(m_path, offset, data);
}

ErrorOr<u64> File::size()
{
    return TRY(m_client->stat(m_path)).size;
}

ErrorOr<void> Client::create_directory(Path const& path)
{
    u8 buffer[message_capacity];
    u32 id = m_next_request_id++;
    auto writer = TRY(begin_request(buffer, MessageType::CreateDirectory, id, path));
    auto reader = TRY(transact(writer.written(), id));
    TRY(reader.expect_end());
    return {};
}

ErrorOr<u64> Client::write(Path const& path, u64 offset, std::span<u8 const> data)
{
    u8 buffer[message_capacity];
    u32 id = m_next_request_id++;
    auto writer = TRY(begin_request(buffer, MessageType::Write, id, path));
    if (data.size() > 0xffff)
        return Error(ErrorCode::TooLarge, "one write carries at most 65535 bytes");
    TRY(writer.write<u64>(offset));
    TRY(writer.write<u16>(static_cast<u16>(data.size())));
    TRY(writer.write_bytes(data));
    if (writer.length() > m_sender.payload_capacity())
        return Error(ErrorCode::TooLarge, "write does not fit one Ring slot");
    auto reader = TRY(transact(writer.written(), id));
    return TRY(reader.read<u64>());
}

ErrorOr<usize> Client::read(Path const& path, u64 offset, std::span<u8> buffer)
{
    u8 request[message_capacity];
    u32 id = m_next_request_id++;
    auto writer = TRY(begin_request(request, MessageType::Read, id, path));
    TRY(writer.write<u64>(offset));
    TRY(writer.write<u16>(static_cast<u16>(buffer.size() > 0xffff ? 0xffff : buffer.size())));
    auto reader = TRY(transact(writer.written(), id));
    u16 length = TRY(reader.read<u16>());
    if (length > buffer.size())
        return Error(ErrorCode::MalformedMessage, "vfsd returned more bytes than asked for");
    auto bytes = TRY(reader.read_bytes(length));
    memcpy(buffer.data(), bytes.data(), length);
    return usize(length);
}

ErrorOr<Listing> Client::list(Path const& path, u32 first)
{
    u8 request[message_capacity];
    u32 id = m_next_request_id++;
    auto writer = TRY(begin_request(request, MessageType::List, id, path));
    TRY(writer.write<u32>(first));
    auto reader = TRY(transact(writer.written(), id));
    Listing listing;
    u16 count = TRY(reader.read<u16>());
    listing.more = TRY(reader.read<u8>()) != 0;
    for (u16 index = 0; index < count; ++index) {
        u8 kind = TRY(reader.read<u8>());
        u8 length = TRY(reader.read<u8>());
        auto name = TRY(reader.read_bytes(length));
        if (listing.count == Listing::capacity) {
            listing.more = true;
            break;
        }
        listing.kinds[listing.count] = static_cast<NodeKind>(kind);
        listing.names[listing.count] = TRY(Path::Component::try_from(as_text(name)));
        ++listing.count;
    }
    listing.next = first + static_cast<u32>(listing.count);
    return listing;
}

ErrorOr<Status> Client::stat(Path const& path)
{
    u8 request[message_capacity];
    u32 id = m_next_request_id++;
    auto writer = TRY(begin_request(request, MessageType::Stat, id, path));
    auto reader = TRY(transact(writer.written(), id));
    Status status;
    status.kind = static_cast<NodeKind>(TRY(reader.read<u8>()));
    status.size = TRY(reader.read<u64>());
    return status;
}

ErrorOr<void> Client::remove(Path const& path)
{
    u8 request[message_capacity];
    u32 id = m_next_request_id++;
    auto writer = TRY(begin_request(request, MessageType::Remove, id, path));
    TRY(transact(writer.written(), id));
    return {};
}

ErrorOr<ErrorCode> Client::send_raw(std::span<u8 const> request)
{
    /* Raw requests carry their own id; take the next reply whatever its id. */
    TRY(send(request));
    auto reply = receive();
    if (reply.is_error() && reply.error().code() == ErrorCode::PeerRestarted)
        TRY(rebind());
    return TRY(std::move(reply)).error;
}

}
