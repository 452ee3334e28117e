/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>
#include <vfsd/Server.h>

using namespace vectra;
using namespace vectra::vfs;

namespace {

struct Reply {
    u16 type;
    u32 request_id;
    ErrorCode error;
    std::vector<u8> body;
};

Reply call(RamFilesystem& filesystem, std::span<u8 const> request)
{
    u8 buffer[ring_slot_size - Ring::header_bytes];
    usize length = handle_request(filesystem, request, buffer);
    REQUIRE(length >= reply_header_size);
    REQUIRE(length <= sizeof(buffer));
    ByteReader reader(std::span<u8 const>(buffer, length));
    Reply reply;
    reply.type = reader.read<u16>().value();
    REQUIRE(reader.read<u16>().value() == protocol_version);
    reply.request_id = reader.read<u32>().value();
    reply.error = static_cast<ErrorCode>(reader.read<u16>().value());
    reply.body.assign(buffer + reply_header_size, buffer + length);
    return reply;
}

std::vector<u8> request(MessageType type, u32 id, Path const& path, std::vector<u8> const& rest = {})
{
    u8 buffer[ring_slot_size];
    ByteWriter writer(buffer);
    REQUIRE_FALSE(writer.write<u16>(static_cast<u16>(type)).is_error());
    REQUIRE_FALSE(writer.write<u16>(protocol_version).is_error());
    REQUIRE_FALSE(writer.write<u32>(id).is_error());
    REQUIRE_FALSE(path.encode(writer).is_error());
    REQUIRE_FALSE(writer.write_bytes(rest).is_error());
    return { writer.written().begin(), writer.written().end() };
}

template<typename Integer>
void append(std::vector<u8>& bytes, Integer value)
{
    auto const* raw = reinterpret_cast<u8 const*>(&value);
    bytes.insert(bytes.end(), raw, raw + sizeof(value));
}

}

TEST_CASE("vfsd answers each message type with a matching reply")
{
    test::Arena arena(1 * MiB);
    auto& filesystem = *RamFilesystem::try_create(arena.reticle(), 16, 16).value();
    Path directory = Path::root().try_join("d").value();
    Path file = directory.try_join("f").value();

    auto created = call(filesystem, request(MessageType::CreateDirectory, 1, directory));
    REQUIRE(created.type == (1 | reply_flag));
    REQUIRE(created.request_id == 1);
    REQUIRE(created.error == ErrorCode::None);

    std::vector<u8> write_arguments;
    append<u64>(write_arguments, 0);
    append<u16>(write_arguments, 3);
    write_arguments.insert(write_arguments.end(), { 'a', 'b', 'c' });
    auto written = call(filesystem, request(MessageType::Write, 2, file, write_arguments));
    REQUIRE(written.error == ErrorCode::None);
    REQUIRE(written.body.size() == 8);

    std::vector<u8> read_arguments;
    append<u64>(read_arguments, 1);
    append<u16>(read_arguments, 100);
    auto read = call(filesystem, request(MessageType::Read, 3, file, read_arguments));
    REQUIRE(read.error == ErrorCode::None);
    REQUIRE(read.body == std::vector<u8> { 2, 0, 'b', 'c' });

    std::vector<u8> list_arguments;
    append<u32>(list_arguments, 0);
    auto listed = call(filesystem, request(MessageType::List, 4, directory, list_arguments));
    REQUIRE(listed.body == std::vector<u8> { 1, 0, 0, static_cast<u8>(NodeKind::File), 1, 'f' });

    auto status = call(filesystem, request(MessageType::Stat, 5, file));
    REQUIRE(status.body.size() == 9);
    REQUIRE(status.body[0] == static_cast<u8>(NodeKind::File));

    auto removed = call(filesystem, request(MessageType::Remove, 6, file));
    REQUIRE(removed.error == ErrorCode::None);
    REQUIRE(call(filesystem, request(MessageType::Stat, 7, file)).error == ErrorCode::NotFound);
}

TEST_CASE("a long directory listing is split across replies with a more flag")
{
    test::Arena arena(1 * MiB);
    auto& filesystem = *RamFilesystem::try_create(arena.reticle(), 64, 4).value();
    for (int index = 0; index < 40; ++index) {
        std::string name = std::string(40, 'n') + std::to_string(index);
        REQUIRE_FALSE(filesystem.create_directory(Path::root().try_join(name).value()).is_error());
    }
    std::vector<u8> arguments;
    append<u32>(arguments, 0);
    auto first = call(filesystem, request(MessageType::List, 1, Path::root(), arguments));
    REQUIRE(first.error == ErrorCode::None);
    u16 count = static_cast<u16>(first.body[0] | (first.body[1] << 8));
    REQUIRE(count > 0);
    REQUIRE(count < 40);
    REQUIRE(first.body[2] == 1);
}

TEST_CASE("malformed requests get error replies and change nothing")
{
    test::Arena arena(1 * MiB);
    auto& filesystem = *RamFilesystem::try_create(arena.reticle(), 16, 16).value();
    u8 const truncated[] = { 1, 0, 1 };
    REQUIRE(call(filesystem, truncated).error == ErrorCode::MalformedMessage);
    u8 const wrong_version[] = { 1, 0, 9, 0, 1, 0, 0, 0, 0 };
    REQUIRE(call(filesystem, wrong_version).error == ErrorCode::MalformedMessage);
    u8 const reply_as_request[] = { 1, 0x80, 1, 0, 1, 0, 0, 0, 0 };
    REQUIRE(call(filesystem, reply_as_request).error == ErrorCode::MalformedMessage);
    u8 const unknown[] = { 99, 0, 1, 0, 1, 0, 0, 0 };
    REQUIRE(call(filesystem, unknown).error == ErrorCode::UnknownMessage);
    u8 const escape[] = { 1, 0, 1, 0, 1, 0, 0, 0, 1, 2, '.', '.' };
    REQUIRE(call(filesystem, escape).error == ErrorCode::MalformedMessage);
    /* Trailing garbage after a well-formed create-directory: refused, directory not created. */
    auto with_garbage = request(MessageType::CreateDirectory, 1, Path::root().try_join("x").value(), { 0xff });
    REQUIRE(call(filesystem, with_garbage).error == ErrorCode::MalformedMessage);
    REQUIRE(filesystem.stat(Path::root().try_join("x").value()).error().code() == ErrorCode::NotFound);
    /* A write whose length field claims more bytes than were sent. */
    std::vector<u8> lying;
    append<u64>(lying, 0);
    append<u16>(lying, 50);
    lying.push_back('z');
    auto lie = request(MessageType::Write, 2, Path::root().try_join("y").value(), lying);
    REQUIRE(call(filesystem, lie).error == ErrorCode::MalformedMessage);
    REQUIRE(filesystem.stat(Path::root().try_join("y").value()).error().code() == ErrorCode::NotFound);
}

TEST_CASE("vfsd survives a stream of random and mutated requests")
{
    test::Arena arena(1 * MiB);
    auto& filesystem = *RamFilesystem::try_create(arena.reticle(), 64, 128).value();
    std::mt19937 random(99);
    std::vector<u8> seeds[] = {
        request(MessageType::CreateDirectory, 1, Path::root().try_join("a").value()),
        request(MessageType::Write, 2, Path::root().try_join("a").value().try_join("b").value(), { 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 'h', 'i' }),
        request(MessageType::List, 3, Path::root(), { 0, 0, 0, 0 }),
        request(MessageType::Remove, 4, Path::root().try_join("a").value()),
    };
    for (int round = 0; round < 50000; ++round) {
        std::vector<u8> bytes = seeds[random() % 4];
        int mutations = static_cast<int>(random() % 4);
        for (int mutation = 0; mutation < mutations && !bytes.empty(); ++mutation) {
            switch (random() % 3) {
            case 0: bytes[random() % bytes.size()] = static_cast<u8>(random()); break;
            case 1: bytes.resize(random() % (bytes.size() + 1)); break;
            case 2: bytes.push_back(static_cast<u8>(random())); break;
            }
        }
        (void)call(filesystem, bytes);
    }
    /* Still serving correctly afterwards. */
    REQUIRE(call(filesystem, request(MessageType::Stat, 9, Path::root())).error == ErrorCode::None);
}
