/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include "FilesystemSnapshot.h"
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>
#include "PlacedFilesystem.h"
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
    /* Larger than a slot's payload, as a careless caller might lend: the reply must still fit the payload. */
    u8 buffer[ring_slot_size + 64];
    usize length = handle_request(filesystem, request, buffer);
    REQUIRE(length >= reply_header_size);
    REQUIRE(length <= message_capacity);
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
    auto& filesystem = *test::place_filesystem(arena.reticle(), 16, 16).value();
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
    auto& filesystem = *test::place_filesystem(arena.reticle(), 64, 4).value();
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
    auto& filesystem = *test::place_filesystem(arena.reticle(), 16, 16).value();
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
    auto& filesystem = *test::place_filesystem(arena.reticle(), 64, 128).value();
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

namespace {

std::vector<u8> read_arguments(u64 offset, u16 maximum)
{
    std::vector<u8> arguments;
    append<u64>(arguments, offset);
    append<u16>(arguments, maximum);
    return arguments;
}

std::vector<u8> write_arguments(u64 offset, std::vector<u8> const& data)
{
    std::vector<u8> arguments;
    append<u64>(arguments, offset);
    append<u16>(arguments, static_cast<u16>(data.size()));
    arguments.insert(arguments.end(), data.begin(), data.end());
    return arguments;
}

std::vector<u8> list_arguments(u32 first)
{
    std::vector<u8> arguments;
    append<u32>(arguments, first);
    return arguments;
}

}

TEST_CASE("read replies fit a Ring slot for every length around the slot's payload")
{
    test::Arena arena(1 * MiB);
    auto& filesystem = *test::place_filesystem(arena.reticle(), 8, 16).value();
    Path file = Path::root().try_join("f").value();
    std::vector<u8> content(1200);
    for (usize index = 0; index < content.size(); ++index)
        content[index] = static_cast<u8>(index * 31 + 7);
    REQUIRE(filesystem.write(file, 0, content).value() == content.size());
    u32 id = 1;
    /* Bytes left in the file from the offset, and bytes asked for, each across 470..530 and beyond. */
    for (usize left = 470; left <= 530; ++left) {
        u64 offset = content.size() - left;
        for (u32 maximum : { 0u, 1u, 470u, 483u, 484u, 485u, 486u, 496u, 497u, 512u, 513u, 530u, 0xffffu }) {
            auto reply = call(filesystem, request(MessageType::Read, id, file, read_arguments(offset, static_cast<u16>(maximum))));
            REQUIRE(reply.request_id == id++);
            REQUIRE(reply.error == ErrorCode::None);
            usize expected = std::min<usize>({ left, maximum, maximum_read_length });
            REQUIRE(reply.body.size() == sizeof(u16) + expected);
            REQUIRE(static_cast<usize>(reply.body[0] | (reply.body[1] << 8)) == expected);
            REQUIRE(std::equal(reply.body.begin() + 2, reply.body.end(), content.begin() + static_cast<long>(offset)));
        }
    }
    for (u32 maximum = 480; maximum <= 520; ++maximum) {
        auto reply = call(filesystem, request(MessageType::Read, id++, file, read_arguments(0, static_cast<u16>(maximum))));
        REQUIRE(reply.error == ErrorCode::None);
        REQUIRE(reply.body.size() == sizeof(u16) + std::min<usize>(maximum, maximum_read_length));
    }
    /* Exactly one slot's payload: the largest read reply fills it. */
    REQUIRE(reply_header_size + sizeof(u16) + maximum_read_length == message_capacity);
}

TEST_CASE("list replies fit a Ring slot for every length around the slot's payload, and say where to continue")
{
    test::Arena arena(1 * MiB);
    auto& filesystem = *test::place_filesystem(arena.reticle(), 16, 4).value();
    Path directory = Path::root().try_join("d").value();
    REQUIRE_FALSE(filesystem.create_directory(directory).is_error());
    /* Seven entries of the longest name: 7 × 65 bytes. */
    for (char letter = 'a'; letter < 'a' + 7; ++letter)
        REQUIRE_FALSE(filesystem.create_directory(directory.try_join(std::string(Path::maximum_component_length, letter)).value()).is_error());
    constexpr usize fixed_entries = 7 * (2 + Path::maximum_component_length);
    u32 id = 1;
    /* One more entry whose name makes the complete listing 480..520 bytes long. */
    for (usize total = 480; total <= 520; ++total) {
        usize name_length = total - list_reply_fixed_size - fixed_entries - 2;
        Path last = directory.try_join(std::string(name_length, 'z')).value();
        REQUIRE_FALSE(filesystem.write(last, 0, {}).is_error());

        auto reply = call(filesystem, request(MessageType::List, id++, directory, list_arguments(0)));
        REQUIRE(reply.error == ErrorCode::None);
        u16 count = static_cast<u16>(reply.body[0] | (reply.body[1] << 8));
        bool more = reply.body[2] != 0;
        if (total <= message_capacity) {
            REQUIRE(reply_header_size + reply.body.size() == total);
            REQUIRE(count == 8);
            REQUIRE_FALSE(more);
        } else {
            REQUIRE(count == 7);
            REQUIRE(more);
            auto rest = call(filesystem, request(MessageType::List, id++, directory, list_arguments(count)));
            REQUIRE(rest.error == ErrorCode::None);
            REQUIRE(rest.body.size() == 3 + 2 + name_length);
            REQUIRE(rest.body[0] == 1);
            REQUIRE(rest.body[2] == 0);
        }
        REQUIRE_FALSE(filesystem.remove(last).is_error());
    }
}

TEST_CASE("a reply buffer smaller than a slot gets short reads and error replies, never overruns")
{
    test::Arena arena(1 * MiB);
    auto& filesystem = *test::place_filesystem(arena.reticle(), 8, 4).value();
    Path file = Path::root().try_join("f").value();
    REQUIRE_FALSE(filesystem.write(file, 0, std::vector<u8>(100, 'x')).is_error());
    for (usize size = reply_header_size; size <= reply_header_size + 8; ++size) {
        std::vector<u8> reply(size);
        usize length = handle_request(filesystem, request(MessageType::Read, 1, file, read_arguments(0, 100)), reply);
        REQUIRE(length <= size);
        length = handle_request(filesystem, request(MessageType::List, 2, Path::root(), list_arguments(0)), reply);
        REQUIRE(length <= size);
        length = handle_request(filesystem, request(MessageType::Stat, 3, file), reply);
        REQUIRE(length <= size);
    }
}

TEST_CASE("a refused request leaves the tree byte-for-byte as it was")
{
    test::Arena arena(1 * MiB);
    /* root, d, d/f, g and one node to spare; four blocks, one of them free. */
    auto& filesystem = *test::place_filesystem(arena.reticle(), 5, 4).value();
    Path directory = Path::root().try_join("d").value();
    Path file = directory.try_join("f").value();
    Path small = Path::root().try_join("g").value();
    Path fresh = Path::root().try_join("new").value();
    REQUIRE_FALSE(filesystem.create_directory(directory).is_error());
    REQUIRE_FALSE(filesystem.write(file, 0, std::vector<u8>(600, 'f')).is_error());
    REQUIRE_FALSE(filesystem.write(small, 0, as_bytes("g")).is_error());
    u64 largest = u64(RamFilesystem::blocks_per_file) * RamFilesystem::block_size;
    /* One request carries at most a slot's payload: written across a block boundary, it needs two blocks. */
    std::vector<u8> straddling(400, 'n');
    REQUIRE(filesystem.free_blocks() == 1);

    struct Refusal {
        char const* what;
        std::vector<u8> bytes;
        ErrorCode expected;
    };
    Refusal refusals[] = {
        { "write to a new path past the largest file", request(MessageType::Write, 1, fresh, write_arguments(largest, { 'x' })), ErrorCode::TooLarge },
        { "write to a new path at an offset that wraps", request(MessageType::Write, 2, fresh, write_arguments(~u64(0), { 'x' })), ErrorCode::TooLarge },
        { "write to a new path needing two blocks, one free", request(MessageType::Write, 3, fresh, write_arguments(RamFilesystem::block_size - 1, straddling)), ErrorCode::OutOfMemory },
        { "write under a file", request(MessageType::Write, 4, small.try_join("x").value(), write_arguments(0, { 'x' })), ErrorCode::NotADirectory },
        { "write under a missing directory", request(MessageType::Write, 5, fresh.try_join("x").value(), write_arguments(0, { 'x' })), ErrorCode::NotFound },
        { "write to a directory", request(MessageType::Write, 6, directory, write_arguments(0, { 'x' })), ErrorCode::IsADirectory },
        { "write to a file needing two blocks, one free", request(MessageType::Write, 7, file, write_arguments(3 * RamFilesystem::block_size - 1, straddling)), ErrorCode::OutOfMemory },
        { "write whose length lies", request(MessageType::Write, 8, fresh, { 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 'x' }), ErrorCode::MalformedMessage },
        { "create an existing directory", request(MessageType::CreateDirectory, 9, directory), ErrorCode::AlreadyExists },
        { "create the root", request(MessageType::CreateDirectory, 10, Path::root()), ErrorCode::AlreadyExists },
        { "create under a file", request(MessageType::CreateDirectory, 11, small.try_join("x").value()), ErrorCode::NotADirectory },
        { "create with trailing bytes", request(MessageType::CreateDirectory, 12, fresh, { 0 }), ErrorCode::MalformedMessage },
        { "remove the root", request(MessageType::Remove, 13, Path::root()), ErrorCode::InvalidArgument },
        { "remove a full directory", request(MessageType::Remove, 14, directory), ErrorCode::NotEmpty },
        { "remove a missing file", request(MessageType::Remove, 15, fresh), ErrorCode::NotFound },
        { "remove with trailing bytes", request(MessageType::Remove, 16, small, { 0 }), ErrorCode::MalformedMessage },
    };
    for (auto const& refusal : refusals) {
        INFO(refusal.what);
        std::string before = test::snapshot(filesystem);
        auto reply = call(filesystem, refusal.bytes);
        REQUIRE(reply.error == refusal.expected);
        REQUIRE(reply.body.empty());
        REQUIRE(test::snapshot(filesystem) == before);
    }
    /* With the node table full, creating anything is refused the same way. */
    REQUIRE_FALSE(filesystem.create_directory(Path::root().try_join("last").value()).is_error());
    REQUIRE(filesystem.free_nodes() == 0);
    for (auto const& bytes : { request(MessageType::CreateDirectory, 20, fresh), request(MessageType::Write, 21, fresh, write_arguments(0, {})) }) {
        std::string before = test::snapshot(filesystem);
        REQUIRE(call(filesystem, bytes).error == ErrorCode::OutOfMemory);
        REQUIRE(test::snapshot(filesystem) == before);
    }
}
