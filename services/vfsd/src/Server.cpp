/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/Bytes.h>
#include <vectra/Try.h>
#include <vfsd/Server.h>

namespace vectra::vfs {

namespace {

struct RequestHeader {
    u16 type { 0 };
    u16 version { 0 };
    u32 request_id { 0 };
};

/* Writes the body of a successful reply; returns an error to send instead. */
ErrorOr<void> dispatch(RamFilesystem& filesystem, RequestHeader const& header, ByteReader& reader, ByteWriter& writer)
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
        u8 buffer[512];
        usize room = sizeof(buffer);
        if (maximum < room)
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
        /* Reserve the count and "more" fields, then fill entries while they fit. */
        usize count_at = writer.length();
        TRY(writer.write<u16>(0));
        TRY(writer.write<u8>(0));
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
        /* Patch the reserved fields. */
        auto bytes = writer.written();
        auto* patch = const_cast<u8*>(bytes.data()) + count_at;
        memcpy(patch, &count, sizeof(count));
        patch[2] = more ? 1 : 0;
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
    /* A reply header always fits: the caller's buffer is at least a Ring payload. */
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
    auto result = dispatch(filesystem, header, reader, writer);
    if (result.is_error()) {
        ErrorCode code = result.error().code();
        /* A reply that does not fit is the server's problem, not the client's message. */
        return encode_error_reply(header, code, reply);
    }
    return writer.length();
}

}
