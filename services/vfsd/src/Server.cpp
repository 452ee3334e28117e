/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/Bytes.h>
#include <vectra/Service.h>
#include <vectra/Try.h>
#include <vfsd/Server.h>

namespace vectra::vfs {

namespace {

struct RequestHeader {
    u16 type { 0 };
    u16 version { 0 };
    u32 request_id { 0 };
};

/* One list entry of the longest name: u8 kind, u8 length, bytes. */
constexpr usize maximum_list_entry_size = sizeof(u8) + sizeof(u8) + Path::maximum_component_length;
static_assert(Path::maximum_component_length <= 0xff, "a list entry's name length is a u8");
static_assert(list_reply_fixed_size + maximum_list_entry_size <= message_capacity,
    "a list reply must carry at least one entry of the longest name, or listing could never progress");

/*
 * Writes the body of a successful reply through `writer` (over `reply`, after the header);
 * returns an error to send instead.
 */
ErrorOr<void> dispatch(RamFilesystem& filesystem, RequestHeader const& header, ByteReader& reader, std::span<u8> reply,
    ByteWriter& writer)
{
    switch (static_cast<MessageType>(header.type)) {
    case MessageType::CreateDirectory: {
        Path path = TRY(Path::decode(reader));
        TRY(reader.expect_end());
        TRY(filesystem.create_directory(path));
        return {};
    }
    case MessageType::Write: {
        Path path = TRY(Path::decode(reader));
        u64 offset = TRY(reader.read<u64>());
        u16 length = TRY(reader.read<u16>());
        auto data = TRY(reader.read_bytes(length));
        TRY(reader.expect_end());
        u64 size = TRY(filesystem.write(path, offset, data));
        TRY(writer.write<u64>(size));
        return {};
    }
    case MessageType::Read: {
        Path path = TRY(Path::decode(reader));
        u64 offset = TRY(reader.read<u64>());
        u16 maximum = TRY(reader.read<u16>());
        TRY(reader.expect_end());
        /* A read asking for more than one reply carries gets a short read, never an oversized reply. */
        u8 buffer[maximum_read_length];
        usize room = writer.remaining() > sizeof(u16) ? writer.remaining() - sizeof(u16) : 0;
        if (room > sizeof(buffer))
            room = sizeof(buffer);
        if (room > maximum)
            room = maximum;
        usize length = TRY(filesystem.read(path, offset, std::span<u8>(buffer, room)));
        TRY(writer.write<u16>(static_cast<u16>(length)));
        TRY(writer.write_bytes(std::span<u8 const>(buffer, length)));
        return {};
    }
    case MessageType::List: {
        Path path = TRY(Path::decode(reader));
        u32 first = TRY(reader.read<u32>());
        TRY(reader.expect_end());
        /*
         * Reserve the count and "more" fields, then add entries while they fit the reply; the
         * client continues at `first + count` while "more" is set.
         */
        TRY(writer.write<u16>(0));
        TRY(writer.write<u8>(0));
        auto fields = reply.subspan(writer.length() - sizeof(u16) - sizeof(u8), sizeof(u16) + sizeof(u8));
        u16 count = 0;
        bool more = false;
        TRY(filesystem.list(path, first, [&](DirectoryEntry const& entry) {
            ByteWriter probe = writer;
            if (probe.write<u8>(static_cast<u8>(entry.kind)).is_error() || probe.write<u8>(static_cast<u8>(entry.name.size())).is_error()
                || probe.write_bytes(as_bytes(entry.name)).is_error()) {
                more = true;
                return false;
            }
            writer = probe;
            ++count;
            return true;
        }));
        memcpy(fields.data(), &count, sizeof(count));
        fields[sizeof(u16)] = more ? 1 : 0;
        return {};
    }
    case MessageType::Stat: {
        Path path = TRY(Path::decode(reader));
        TRY(reader.expect_end());
        NodeStatus status = TRY(filesystem.stat(path));
        TRY(writer.write<u8>(static_cast<u8>(status.kind)));
        TRY(writer.write<u64>(status.size));
        return {};
    }
    case MessageType::Remove: {
        Path path = TRY(Path::decode(reader));
        TRY(reader.expect_end());
        TRY(filesystem.remove(path));
        return {};
    }
    }
    return Error(ErrorCode::UnknownMessage, "unknown vfs message type");
}

usize encode_error_reply(RequestHeader const& header, ErrorCode code, std::span<u8> reply)
{
    ByteWriter writer(reply);
    /* A reply header always fits: handle_request takes no smaller buffer. */
    MUST(writer.write<u16>(static_cast<u16>(header.type | reply_flag)));
    MUST(writer.write<u16>(protocol_version));
    MUST(writer.write<u32>(header.request_id));
    MUST(writer.write<u16>(static_cast<u16>(code)));
    return writer.length();
}

}

usize handle_request(RamFilesystem& filesystem, std::span<u8 const> request, std::span<u8> reply)
{
    VERIFY(reply.size() >= reply_header_size);
    /* Whatever buffer the caller lends, a reply never grows past what one Ring slot carries. */
    if (reply.size() > message_capacity)
        reply = reply.first(message_capacity);
    ByteReader reader(request);
    RequestHeader header;
    auto type = reader.read<u16>();
    auto version = reader.read<u16>();
    auto request_id = reader.read<u32>();
    if (type.is_error() || version.is_error() || request_id.is_error())
        return encode_error_reply(header, ErrorCode::MalformedMessage, reply);
    header = { type.value(), version.value(), request_id.value() };
    if (header.version != protocol_version || (header.type & reply_flag) != 0)
        return encode_error_reply(header, ErrorCode::MalformedMessage, reply);

    ByteWriter writer(reply);
    MUST(writer.write<u16>(static_cast<u16>(header.type | reply_flag)));
    MUST(writer.write<u16>(protocol_version));
    MUST(writer.write<u32>(header.request_id));
    MUST(writer.write<u16>(static_cast<u16>(ErrorCode::None)));
    auto result = dispatch(filesystem, header, reader, reply, writer);
    /* A reply that cannot be encoded is sent as an error reply, which always fits. */
    if (result.is_error())
        return encode_error_reply(header, result.error().code(), reply);
    return writer.length();
}

ErrorOr<void> serve_connection(RamFilesystem& filesystem, RingReceiver& requests, RingSender& replies)
{
    if (requests.payload_capacity() != message_capacity || replies.payload_capacity() != message_capacity)
        return Error(ErrorCode::InvalidArgument, "vfs Rings must have vfs-sized slots (vectra::vfs::ring_slot_size)");
    u8 request[message_capacity];
    u8 reply[message_capacity];
    return serve(requests, replies, request, reply, [&](std::span<u8 const> message, std::span<u8> answer) {
        return handle_request(filesystem, message, answer);
    });
}

}
