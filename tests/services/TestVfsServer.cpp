/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd's handlers behind the declared vectra.vfs dispatch, fed bytes as a session would carry
 * them: the typed replies, every refusal (malformed, unknown, lying, refused by the
 * filesystem) and what each leaves unchanged.
 */

#include "../TestSupport.h"
#include "FilesystemSnapshot.h"
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>
#include "PlacedFilesystem.h"
#include "VfsRequests.h"

#include <vectra/protocol/Envelope.h>
#include <vfsd/Server.h>

using namespace vectra;
using namespace vectra::vfs;
using namespace vectra::test;

namespace {

struct Served {
    test::Arena arena { 1 * MiB };
    RamFilesystem* filesystem;
    Router router;
    SessionHandler handler;

    Served(u32 nodes, u32 blocks)
        : filesystem(test::place_filesystem(arena.reticle(), nodes, blocks).value())
        , router(test::routed(*filesystem))
        , handler(router)
    {
    }
};

}

TEST_CASE("vfsd answers each declared message with its typed reply")
{
    Served served(16, 16);
    auto& handler = served.handler;
    Path directory = path({ "d" });
    Path file = path({ "d", "f" });

    auto created = call(handler, request(CreateDirectory { directory }, 1));
    REQUIRE(created.succeeded());
    REQUIRE(created.envelope.message == 1);
    REQUIRE(created.envelope.call_id == 1);
    REQUIRE(call(handler, request(Write { file, 0, data_of("abc") }, 2)).body<Written>().size == 3);
    auto read = call(handler, request(Read { file, 1, 100 }, 3)).body<ReadData>();
    REQUIRE(std::string(read.data.begin(), read.data.end()) == "bc");
    auto listed = call(handler, request(List { directory, 0 }, 4)).body<Listed>();
    REQUIRE(listed.entries.size() == 1);
    REQUIRE(listed.entries[0].name.view() == "f");
    REQUIRE(listed.entries[0].kind == u8(NodeKind::File));
    REQUIRE_FALSE(listed.more);
    auto status = call(handler, request(Stat { file }, 5)).body<Status>();
    REQUIRE((status.kind == u8(NodeKind::File) && status.size == 3));

    auto opened = call(handler, request(Open { file, false }, 6)).body<Opened>();
    REQUIRE(call(handler, request(WriteFile { opened.file, 3, data_of("de") }, 7)).body<Written>().size == 5);
    auto through_file = call(handler, request(ReadFile { opened.file, 0, 512 }, 8)).body<ReadData>();
    REQUIRE(std::string(through_file.data.begin(), through_file.data.end()) == "abcde");
    REQUIRE(call(handler, request(FileStat { opened.file }, 9)).body<Status>().size == 5);
    REQUIRE(call(handler, request(CloseFile { opened.file }, 10)).succeeded());
    REQUIRE(call(handler, request(FileStat { opened.file }, 11)).is(VfsError::NoSuchFile));

    REQUIRE(call(handler, request(Remove { file }, 12)).succeeded());
    REQUIRE(call(handler, request(Stat { file }, 13)).is(ErrorCode::NotFound));
    REQUIRE(call(handler, request(Remove { directory }, 14)).succeeded());
}

TEST_CASE("a long directory listing is split across replies with a more flag")
{
    Served served(64, 4);
    for (int index = 0; index < 40; ++index)
        REQUIRE_FALSE(served.filesystem->create_directory(path({ (std::string(40, 'n') + std::to_string(index)).c_str() })).is_error());
    u64 cursor = 0;
    usize seen = 0;
    for (;;) {
        auto listed = call(served.handler, request(List { Path::root(), cursor })).body<Listed>();
        REQUIRE(listed.entries.size() <= maximum_list_entries);
        seen += listed.entries.size();
        cursor = listed.next;
        if (!listed.more)
            break;
        REQUIRE(listed.entries.size() == maximum_list_entries);
    }
    REQUIRE(seen == 40);
}

TEST_CASE("malformed requests get error replies and change nothing")
{
    Served served(16, 16);
    auto& handler = served.handler;
    u8 const truncated[] = { 1, 0, 1 };
    REQUIRE(call(handler, truncated).is(ErrorCode::MalformedMessage));
    u8 const status_in_request[] = { 1, 0, 9, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
    REQUIRE(call(handler, status_in_request).is(ErrorCode::MalformedMessage));
    u8 const reply_as_request[] = { 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
    REQUIRE(call(handler, reply_as_request).is(ErrorCode::MalformedMessage));
    u8 const unknown[] = { 99, 0, 0, 0, 1, 0, 0, 0 };
    REQUIRE(call(handler, unknown).is(ErrorCode::UnknownMessage));
    u8 const zero[] = { 0, 0, 0, 0, 1, 0, 0, 0 };
    REQUIRE(call(handler, zero).is(ErrorCode::UnknownMessage));
    u8 const escape[] = { 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, '.', '.' };
    REQUIRE(call(handler, escape).is(ErrorCode::MalformedMessage));
    u8 const separator[] = { 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 'a', '/', 'b' };
    REQUIRE(call(handler, separator).is(ErrorCode::MalformedMessage));
    /* Trailing garbage after a well-formed create-directory: refused, directory not created. */
    auto with_garbage = request(CreateDirectory { path({ "x" }) });
    with_garbage.push_back(0xff);
    REQUIRE(call(handler, with_garbage).is(ErrorCode::MalformedMessage));
    REQUIRE(served.filesystem->stat(path({ "x" })).error().is(ErrorCode::NotFound));
    /* A write whose data count claims more bytes than were sent, and one claiming more than a write may carry. */
    auto lie = request(Write { path({ "y" }), 0, data_of("z") });
    lie[lie.size() - 5] = 50;
    REQUIRE(call(handler, lie).is(ErrorCode::MalformedMessage));
    lie[lie.size() - 5] = 0;
    lie[lie.size() - 4] = 0x10; /* 4096 bytes */
    REQUIRE(call(handler, lie).is(ErrorCode::MalformedMessage));
    REQUIRE(served.filesystem->stat(path({ "y" })).error().is(ErrorCode::NotFound));
}

TEST_CASE("vfsd survives a stream of random and mutated requests")
{
    Served served(64, 128);
    std::mt19937 random(99);
    std::vector<u8> seeds[] = {
        request(CreateDirectory { path({ "a" }) }),
        request(Write { path({ "a", "b" }), 0, data_of("hi") }),
        request(List { Path::root(), 0 }),
        request(Open { path({ "a", "b" }), true }),
        request(ReadFile { 0, 0, 10 }),
        request(Remove { path({ "a" }) }),
    };
    for (int round = 0; round < 50000; ++round) {
        std::vector<u8> bytes = seeds[random() % std::size(seeds)];
        int mutations = static_cast<int>(random() % 4);
        for (int mutation = 0; mutation < mutations && !bytes.empty(); ++mutation) {
            switch (random() % 3) {
            case 0: bytes[random() % bytes.size()] = static_cast<u8>(random()); break;
            case 1: bytes.resize(random() % (bytes.size() + 1)); break;
            case 2: bytes.push_back(static_cast<u8>(random())); break;
            }
        }
        (void)call(served.handler, bytes);
    }
    /* Still serving correctly afterwards. */
    REQUIRE(call(served.handler, request(Stat { Path::root() })).succeeded());
}

TEST_CASE("reads return at most what one reply carries, for every length around it")
{
    Served served(8, 16);
    Path file = path({ "f" });
    std::vector<u8> content(1200);
    for (usize index = 0; index < content.size(); ++index)
        content[index] = static_cast<u8>(index * 31 + 7);
    REQUIRE(served.filesystem->write(file, 0, content).value() == content.size());
    u32 id = 1;
    for (usize left = 490; left <= 530; ++left) {
        u64 offset = content.size() - left;
        for (u32 maximum : { 0u, 1u, 490u, 511u, 512u, 513u, 530u, 0xffffu }) {
            auto reply = call(served.handler, request(Read { file, offset, static_cast<u16>(maximum) }, id));
            REQUIRE(reply.envelope.call_id == id++);
            auto read = reply.body<ReadData>();
            usize expected = std::min<usize>({ left, maximum, maximum_read_length });
            REQUIRE(read.data.size() == expected);
            REQUIRE(std::equal(read.data.begin(), read.data.end(), content.begin() + static_cast<long>(offset)));
        }
    }
}

TEST_CASE("a reply buffer smaller than a reply gets an error reply, never an overrun")
{
    Served served(8, 4);
    Path file = path({ "f" });
    REQUIRE_FALSE(served.filesystem->write(file, 0, std::vector<u8>(100, 'x')).is_error());
    for (usize size = protocol::envelope_size; size <= protocol::envelope_size + 120; ++size) {
        std::vector<u8> reply(size);
        for (auto const& bytes : { request(Read { file, 0, 100 }), request(List { Path::root(), 0 }), request(Stat { file }) }) {
            usize length = handle_request(served.handler, bytes, reply);
            REQUIRE(length <= size);
            auto envelope = protocol::read_envelope(std::span<u8 const>(reply.data(), length)).value();
            REQUIRE((envelope.status == protocol::status_success || envelope.status == (protocol::status_general | u16(ErrorCode::TooLarge))));
        }
    }
}

TEST_CASE("a session's open-file table has a quota, numbers only its own files and empties when the session ends")
{
    Served served(8, 8);
    SessionHandler other(served.router);
    Path file = path({ "f" });
    std::vector<u32> numbers;
    for (usize index = 0; index < open_files_per_session; ++index)
        numbers.push_back(call(served.handler, request(Open { file, true })).body<Opened>().file);
    REQUIRE(call(served.handler, request(Open { file, false })).is(VfsError::TooManyOpenFiles));
    REQUIRE(served.handler.open_files() == open_files_per_session);
    /* Another session's table is its own: the same number names nothing there. */
    REQUIRE(call(other, request(FileStat { numbers[0] })).is(VfsError::NoSuchFile));
    REQUIRE(call(served.handler, request(FileStat { 99 })).is(VfsError::NoSuchFile));
    served.handler.closed();
    REQUIRE(served.handler.open_files() == 0);
    REQUIRE(call(served.handler, request(FileStat { numbers[0] })).is(VfsError::NoSuchFile));
    REQUIRE(call(served.handler, request(Open { path({ "missing" }), false })).is(ErrorCode::NotFound));
    REQUIRE(call(served.handler, request(Open { Path::root(), false })).is(VfsError::IsADirectory));
    REQUIRE(served.handler.open_files() == 0);
}

TEST_CASE("a refused request leaves the tree byte-for-byte as it was")
{
    /* root, d, d/f, g and one node to spare; four blocks, one of them free. */
    Served served(5, 4);
    auto& filesystem = *served.filesystem;
    Path directory = path({ "d" });
    Path file = path({ "d", "f" });
    Path small = path({ "g" });
    Path fresh = path({ "new" });
    REQUIRE_FALSE(filesystem.create_directory(directory).is_error());
    REQUIRE_FALSE(filesystem.write(file, 0, std::vector<u8>(600, 'f')).is_error());
    REQUIRE_FALSE(filesystem.write(small, 0, as_bytes("g")).is_error());
    u64 largest = u64(RamFilesystem::blocks_per_file) * RamFilesystem::block_size;
    /* Written across a block boundary, 400 bytes need two blocks. */
    std::string const four_hundred(400, 'n');
    Data straddling = data_of(four_hundred);
    REQUIRE(filesystem.free_blocks() == 1);
    auto with_garbage = [](std::vector<u8> bytes) {
        bytes.push_back(0);
        return bytes;
    };

    struct Refusal {
        char const* what;
        std::vector<u8> bytes;
        Error expected;
    };
    Refusal refusals[] = {
        { "write to a new path past the largest file", request(Write { fresh, largest, data_of("x") }), Error(ErrorCode::TooLarge, "") },
        { "write to a new path at an offset that wraps", request(Write { fresh, ~u64(0), data_of("x") }), Error(ErrorCode::TooLarge, "") },
        { "write to a new path needing two blocks, one free", request(Write { fresh, RamFilesystem::block_size - 1, straddling }), Error(VfsError::NoSpace, "") },
        { "write under a file", request(Write { path({ "g", "x" }), 0, data_of("x") }), Error(VfsError::NotADirectory, "") },
        { "write under a missing directory", request(Write { path({ "new", "x" }), 0, data_of("x") }), Error(ErrorCode::NotFound, "") },
        { "write to a directory", request(Write { directory, 0, data_of("x") }), Error(VfsError::IsADirectory, "") },
        { "write to a file needing two blocks, one free", request(Write { file, 3 * RamFilesystem::block_size - 1, straddling }), Error(VfsError::NoSpace, "") },
        { "create an existing directory", request(CreateDirectory { directory }), Error(ErrorCode::AlreadyExists, "") },
        { "create the root", request(CreateDirectory { Path::root() }), Error(ErrorCode::AlreadyExists, "") },
        { "create under a file", request(CreateDirectory { path({ "g", "x" }) }), Error(VfsError::NotADirectory, "") },
        { "create with trailing bytes", with_garbage(request(CreateDirectory { fresh })), Error(ErrorCode::MalformedMessage, "") },
        { "remove the root", request(Remove { Path::root() }), Error(ErrorCode::InvalidArgument, "") },
        { "remove a full directory", request(Remove { directory }), Error(VfsError::NotEmpty, "") },
        { "remove a missing file", request(Remove { fresh }), Error(ErrorCode::NotFound, "") },
        { "remove with trailing bytes", with_garbage(request(Remove { small })), Error(ErrorCode::MalformedMessage, "") },
        { "open a missing file without create", request(Open { fresh, false }), Error(ErrorCode::NotFound, "") },
        { "rename the root", request(Rename { Path::root(), fresh }), Error(ErrorCode::InvalidArgument, "") },
        { "rename onto the root", request(Rename { small, Path::root() }), Error(ErrorCode::AlreadyExists, "") },
        { "rename onto an existing file", request(Rename { small, file }), Error(ErrorCode::AlreadyExists, "") },
        { "rename onto itself", request(Rename { small, small }), Error(ErrorCode::AlreadyExists, "") },
        { "rename a directory into itself", request(Rename { directory, directory.try_join("inside").value() }), Error(ErrorCode::InvalidArgument, "") },
        { "rename a missing file", request(Rename { fresh, path({ "other" }) }), Error(ErrorCode::NotFound, "") },
        { "rename under a file", request(Rename { small, path({ "g", "x" }) }), Error(VfsError::NotADirectory, "") },
        { "rename under a missing directory", request(Rename { small, path({ "new", "x" }) }), Error(ErrorCode::NotFound, "") },
        { "truncate a missing file", request(Truncate { fresh, 0 }), Error(ErrorCode::NotFound, "") },
        { "truncate a directory", request(Truncate { directory, 0 }), Error(VfsError::IsADirectory, "") },
        { "truncate past the largest file", request(Truncate { small, largest + 1 }), Error(ErrorCode::TooLarge, "") },
        { "truncate to 2^64 - 1", request(Truncate { small, ~u64(0) }), Error(ErrorCode::TooLarge, "") },
        { "sync a file number never opened", request(SyncFile { 3 }), Error(VfsError::NoSuchFile, "") },
        { "list a file", request(List { small, 0 }), Error(VfsError::NotADirectory, "") },
    };
    for (auto const& refusal : refusals) {
        INFO(refusal.what);
        std::string before = test::snapshot(filesystem);
        auto reply = call(served.handler, refusal.bytes);
        INFO(reply.error().name());
        REQUIRE(reply.error() == refusal.expected);
        REQUIRE(reply.bytes.size() == protocol::envelope_size);
        REQUIRE(test::snapshot(filesystem) == before);
    }
    /* With the node table full, creating anything is refused the same way. */
    REQUIRE_FALSE(filesystem.create_directory(path({ "last" })).is_error());
    REQUIRE(filesystem.free_nodes() == 0);
    for (auto const& bytes : { request(CreateDirectory { fresh }), request(Write { fresh, 0, {} }), request(Open { fresh, true }) }) {
        std::string before = test::snapshot(filesystem);
        REQUIRE(call(served.handler, bytes).is(VfsError::NoSpace));
        REQUIRE(test::snapshot(filesystem) == before);
    }
}
