/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include "FilesystemSnapshot.h"
#include <catch2/catch.hpp>
#include <string>
#include <vector>
#include "PlacedFilesystem.h"
#include <vfsd/RamFilesystem.h>
#include <vfsd/Server.h>

using namespace vectra;
using namespace vectra::vfs;

namespace {

Path path_of(std::initializer_list<char const*> components)
{
    Path path = Path::root();
    for (auto* component : components)
        path = path.try_join(component).value();
    return path;
}

std::vector<std::string> names_in(RamFilesystem& filesystem, Path const& directory)
{
    std::vector<std::string> names;
    auto entries = test::list_all(filesystem, directory);
    REQUIRE_FALSE(entries.is_error());
    for (auto const& entry : entries.value())
        names.push_back(entry.second);
    return names;
}

}

TEST_CASE("files are written, read back, listed, stat'ed and removed")
{
    test::Arena arena(1 * MiB);
    auto& filesystem = *test::place_filesystem(arena.reticle(), 32, 64).value();
    REQUIRE_FALSE(filesystem.create_directory(path_of({ "docs" })).is_error());
    std::string text = "hello, vectra\n";
    REQUIRE(filesystem.write(path_of({ "docs", "a.txt" }), 0, as_bytes(text)).value() == text.size());
    u8 buffer[64];
    usize length = filesystem.read(path_of({ "docs", "a.txt" }), 0, buffer).value();
    REQUIRE(std::string(reinterpret_cast<char*>(buffer), length) == text);
    REQUIRE(filesystem.stat(path_of({ "docs", "a.txt" })).value().size == text.size());
    REQUIRE(filesystem.stat(path_of({ "docs" })).value().kind == NodeKind::Directory);
    REQUIRE(names_in(filesystem, path_of({ "docs" })) == std::vector<std::string> { "a.txt" });
    REQUIRE_FALSE(filesystem.remove(path_of({ "docs", "a.txt" })).is_error());
    REQUIRE(names_in(filesystem, path_of({ "docs" })).empty());
    REQUIRE_FALSE(filesystem.remove(path_of({ "docs" })).is_error());
    REQUIRE(filesystem.stat(path_of({ "docs" })).error().code() == ErrorCode::NotFound);
}

TEST_CASE("writes span blocks, extend files and leave holes that read as zeros")
{
    test::Arena arena(1 * MiB);
    auto& filesystem = *test::place_filesystem(arena.reticle(), 8, 16).value();
    std::vector<u8> data(1300);
    for (usize index = 0; index < data.size(); ++index)
        data[index] = static_cast<u8>(index * 7);
    Path file = path_of({ "big" });
    REQUIRE(filesystem.write(file, 700, data).value() == 2000);
    std::vector<u8> back(2000);
    REQUIRE(filesystem.read(file, 0, back).value() == 2000);
    for (usize index = 0; index < 700; ++index)
        REQUIRE(back[index] == 0);
    for (usize index = 0; index < data.size(); ++index)
        REQUIRE(back[700 + index] == data[index]);
    REQUIRE(filesystem.read(file, 5000, back).value() == 0);
}

TEST_CASE("truncate drops bytes and frees blocks past the new size; growing again reads zeros")
{
    test::Arena arena(1 * MiB);
    auto& filesystem = *test::place_filesystem(arena.reticle(), 8, 16).value();
    Path file = path_of({ "db" });
    std::string text(1300, 'x'); /* three blocks: 512 + 512 + 276 */
    REQUIRE(filesystem.write(file, 0, as_bytes(text)).value() == 1300);
    REQUIRE(filesystem.free_blocks() == 13);

    REQUIRE(filesystem.truncate(file, 600).value() == 600);
    REQUIRE(filesystem.stat(file).value().size == 600);
    REQUIRE(filesystem.free_blocks() == 14); /* the third block is back; the second keeps bytes 512..599 */
    u8 buffer[1024];
    REQUIRE(filesystem.read(file, 0, buffer).value() == 600);
    REQUIRE(std::string(reinterpret_cast<char*>(buffer), 600) == std::string(600, 'x'));

    /* Growing by truncate allocates nothing and reads as zeros, the kept block's tail included. */
    REQUIRE(filesystem.truncate(file, 1024).value() == 1024);
    REQUIRE(filesystem.free_blocks() == 14);
    REQUIRE(filesystem.read(file, 0, buffer).value() == 1024);
    REQUIRE(std::string(reinterpret_cast<char*>(buffer), 600) == std::string(600, 'x'));
    REQUIRE(std::string(reinterpret_cast<char*>(buffer) + 600, 424) == std::string(424, '\0'));

    /* To a block boundary, and to nothing: every block returns. */
    REQUIRE(filesystem.truncate(file, 512).value() == 512);
    REQUIRE(filesystem.free_blocks() == 15);
    REQUIRE(filesystem.truncate(file, 0).value() == 0);
    REQUIRE(filesystem.free_blocks() == 16);
    REQUIRE(filesystem.read(file, 0, buffer).value() == 0);

    /* Refusals: a directory, a missing file, past the largest file. */
    REQUIRE_FALSE(filesystem.create_directory(path_of({ "dir" })).is_error());
    REQUIRE(filesystem.write(file, 0, as_bytes("kept")).value() == 4);
    std::string before = test::snapshot(filesystem);
    REQUIRE(filesystem.truncate(path_of({ "dir" }), 0).error().is(VfsError::IsADirectory));
    REQUIRE(filesystem.truncate(path_of({ "none" }), 0).error().is(ErrorCode::NotFound));
    u64 largest = u64(RamFilesystem::blocks_per_file) * RamFilesystem::block_size;
    REQUIRE(filesystem.truncate(file, largest + 1).error().is(ErrorCode::TooLarge));
    REQUIRE(filesystem.truncate(file, ~u64(0)).error().is(ErrorCode::TooLarge));
    REQUIRE(test::snapshot(filesystem) == before);
    REQUIRE(filesystem.truncate(file, largest).value() == largest);
    REQUIRE(filesystem.free_blocks() == 15);
}

TEST_CASE("every refusal leaves the filesystem unchanged")
{
    test::Arena arena(1 * MiB);
    auto& filesystem = *test::place_filesystem(arena.reticle(), 4, 2).value();
    REQUIRE(filesystem.create_directory(Path::root()).error().code() == ErrorCode::AlreadyExists);
    REQUIRE(filesystem.create_directory(path_of({ "missing", "child" })).error().code() == ErrorCode::NotFound);
    REQUIRE_FALSE(filesystem.create_directory(path_of({ "d" })).is_error());
    REQUIRE(filesystem.create_directory(path_of({ "d" })).error().code() == ErrorCode::AlreadyExists);
    REQUIRE(filesystem.write(path_of({ "d" }), 0, as_bytes("x")).error().is(VfsError::IsADirectory));
    u8 buffer[8];
    REQUIRE(filesystem.read(path_of({ "d" }), 0, buffer).error().is(VfsError::IsADirectory));
    REQUIRE_FALSE(filesystem.write(path_of({ "d", "f" }), 0, as_bytes("x")).is_error());
    REQUIRE(filesystem.create_directory(path_of({ "d", "f", "g" })).error().is(VfsError::NotADirectory));
    REQUIRE(filesystem.remove(path_of({ "d" })).error().is(VfsError::NotEmpty));
    REQUIRE(filesystem.remove(Path::root()).error().code() == ErrorCode::InvalidArgument);
    /* Two blocks exist and one is used: a three-block write must fail before writing anything. */
    u32 free_before = filesystem.free_blocks();
    std::vector<u8> large(3 * RamFilesystem::block_size, 1);
    REQUIRE(filesystem.write(path_of({ "d", "f" }), 0, large).error().is(VfsError::NoSpace));
    REQUIRE(filesystem.free_blocks() == free_before);
    REQUIRE(filesystem.stat(path_of({ "d", "f" })).value().size == 1);
    std::vector<u8> too_large(RamFilesystem::blocks_per_file * RamFilesystem::block_size + 1, 1);
    REQUIRE(filesystem.write(path_of({ "e" }), 0, too_large).error().code() == ErrorCode::TooLarge);
    REQUIRE(filesystem.write(path_of({ "e" }), ~u64(0) - 1, as_bytes("xy")).error().code() == ErrorCode::TooLarge);
}

TEST_CASE("removed files return their nodes and blocks")
{
    test::Arena arena(1 * MiB);
    auto& filesystem = *test::place_filesystem(arena.reticle(), 4, 4).value();
    u32 nodes = filesystem.free_nodes();
    for (int round = 0; round < 100; ++round) {
        std::vector<u8> data(4 * RamFilesystem::block_size, static_cast<u8>(round));
        REQUIRE_FALSE(filesystem.write(path_of({ "f" }), 0, data).is_error());
        REQUIRE(filesystem.free_blocks() == 0);
        REQUIRE_FALSE(filesystem.remove(path_of({ "f" })).is_error());
    }
    REQUIRE(filesystem.free_blocks() == 4);
    REQUIRE(filesystem.free_nodes() == nodes);
}

TEST_CASE("the node table fills up with a clear error")
{
    test::Arena arena(1 * MiB);
    auto& filesystem = *test::place_filesystem(arena.reticle(), 3, 4).value();
    REQUIRE_FALSE(filesystem.create_directory(path_of({ "a" })).is_error());
    REQUIRE_FALSE(filesystem.create_directory(path_of({ "b" })).is_error());
    REQUIRE(filesystem.create_directory(path_of({ "c" })).error().is(VfsError::NoSpace));
}

namespace {

/* Runs a call the filesystem must refuse with `expected`, and checks the tree did not change at all. */
template<typename Call>
void require_refused_unchanged(RamFilesystem& filesystem, auto expected, Call call)
{
    std::string before = test::snapshot(filesystem);
    auto result = call();
    REQUIRE(result.is_error());
    REQUIRE(result.error().is(expected));
    REQUIRE(test::snapshot(filesystem) == before);
}

}

TEST_CASE("a refused mutating call leaves the tree byte-for-byte as it was")
{
    test::Arena arena(1 * MiB);
    /* root, d, d/f, e, g and one node to spare; four blocks, three of them used. */
    auto& filesystem = *test::place_filesystem(arena.reticle(), 6, 4).value();
    REQUIRE_FALSE(filesystem.create_directory(path_of({ "d" })).is_error());
    std::vector<u8> content(600);
    for (usize index = 0; index < content.size(); ++index)
        content[index] = static_cast<u8>(index * 13 + 1);
    REQUIRE_FALSE(filesystem.write(path_of({ "d", "f" }), 0, content).is_error());
    REQUIRE_FALSE(filesystem.create_directory(path_of({ "e" })).is_error());
    REQUIRE_FALSE(filesystem.write(path_of({ "g" }), 0, as_bytes("ten bytes!")).is_error());
    REQUIRE(filesystem.free_nodes() == 1);
    REQUIRE(filesystem.free_blocks() == 1);

    std::vector<u8> two_blocks(2 * RamFilesystem::block_size, 2);
    std::vector<u8> four_blocks(4 * RamFilesystem::block_size, 4);
    std::vector<u8> too_large(RamFilesystem::blocks_per_file * RamFilesystem::block_size + 1, 1);
    u64 largest = u64(RamFilesystem::blocks_per_file) * RamFilesystem::block_size;
    Path fresh = path_of({ "new" });

    SECTION("writes to a new path: refused, and the path is not created")
    {
        require_refused_unchanged(filesystem, VfsError::NoSpace, [&] { return filesystem.write(fresh, 0, two_blocks); });
        require_refused_unchanged(filesystem, ErrorCode::TooLarge, [&] { return filesystem.write(fresh, 0, too_large); });
        require_refused_unchanged(filesystem, ErrorCode::TooLarge, [&] { return filesystem.write(fresh, ~u64(0) - 1, as_bytes("xy")); });
        require_refused_unchanged(filesystem, ErrorCode::TooLarge, [&] { return filesystem.write(fresh, largest + 1, {}); });
        require_refused_unchanged(filesystem, ErrorCode::TooLarge, [&] { return filesystem.write(fresh, largest - 1, as_bytes("xy")); });
        require_refused_unchanged(filesystem, ErrorCode::NotFound, [&] { return filesystem.write(path_of({ "missing", "new" }), 0, as_bytes("x")); });
        require_refused_unchanged(filesystem, VfsError::NotADirectory, [&] { return filesystem.write(path_of({ "g", "new" }), 0, as_bytes("x")); });
        REQUIRE(filesystem.stat(fresh).error().code() == ErrorCode::NotFound);
    }
    SECTION("writes to existing nodes")
    {
        require_refused_unchanged(filesystem, VfsError::IsADirectory, [&] { return filesystem.write(path_of({ "d" }), 0, as_bytes("x")); });
        require_refused_unchanged(filesystem, VfsError::IsADirectory, [&] { return filesystem.write(Path::root(), 0, as_bytes("x")); });
        require_refused_unchanged(filesystem, VfsError::NoSpace, [&] { return filesystem.write(path_of({ "d", "f" }), 0, four_blocks); });
        require_refused_unchanged(filesystem, ErrorCode::TooLarge, [&] { return filesystem.write(path_of({ "d", "f" }), largest - 1, as_bytes("xy")); });
        require_refused_unchanged(filesystem, VfsError::NotADirectory, [&] { return filesystem.write(path_of({ "g", "h" }), 0, as_bytes("x")); });
    }
    SECTION("directories")
    {
        require_refused_unchanged(filesystem, ErrorCode::AlreadyExists, [&] { return filesystem.create_directory(Path::root()); });
        require_refused_unchanged(filesystem, ErrorCode::AlreadyExists, [&] { return filesystem.create_directory(path_of({ "d" })); });
        require_refused_unchanged(filesystem, ErrorCode::AlreadyExists, [&] { return filesystem.create_directory(path_of({ "g" })); });
        require_refused_unchanged(filesystem, ErrorCode::NotFound, [&] { return filesystem.create_directory(path_of({ "missing", "x" })); });
        require_refused_unchanged(filesystem, VfsError::NotADirectory, [&] { return filesystem.create_directory(path_of({ "g", "x" })); });
    }
    SECTION("removals")
    {
        require_refused_unchanged(filesystem, ErrorCode::InvalidArgument, [&] { return filesystem.remove(Path::root()); });
        require_refused_unchanged(filesystem, VfsError::NotEmpty, [&] { return filesystem.remove(path_of({ "d" })); });
        require_refused_unchanged(filesystem, ErrorCode::NotFound, [&] { return filesystem.remove(path_of({ "missing" })); });
        require_refused_unchanged(filesystem, VfsError::NotADirectory, [&] { return filesystem.remove(path_of({ "g", "x" })); });
    }
    SECTION("a full node table")
    {
        REQUIRE_FALSE(filesystem.create_directory(path_of({ "last" })).is_error());
        REQUIRE(filesystem.free_nodes() == 0);
        require_refused_unchanged(filesystem, VfsError::NoSpace, [&] { return filesystem.create_directory(fresh); });
        require_refused_unchanged(filesystem, VfsError::NoSpace, [&] { return filesystem.write(fresh, 0, {}); });
        require_refused_unchanged(filesystem, VfsError::NoSpace, [&] { return filesystem.write(fresh, 0, as_bytes("x")); });
    }
    /* And the tree still takes what fits. */
    REQUIRE(filesystem.write(path_of({ "d", "f" }), 0, as_bytes("X")).value() == 600);
}

TEST_CASE("an empty write allocates nothing, even far into a file with no blocks left")
{
    test::Arena arena(1 * MiB);
    auto& filesystem = *test::place_filesystem(arena.reticle(), 4, 1).value();
    REQUIRE_FALSE(filesystem.write(path_of({ "f" }), 0, as_bytes("x")).is_error());
    REQUIRE(filesystem.free_blocks() == 0);
    REQUIRE(filesystem.write(path_of({ "f" }), 1000, {}).value() == 1000);
    REQUIRE(filesystem.free_blocks() == 0);
    u8 buffer[8];
    REQUIRE(filesystem.read(path_of({ "f" }), 990, buffer).value() == 8);
    REQUIRE(buffer[0] == 0);
}

TEST_CASE("the memory formula of vfsd's footprint holds the filesystem and the session state it describes")
{
    /* fixed_kib + node_bytes x nodes + block_bytes x blocks (services/vfsd/footprint.json) */
    struct Size {
        u32 nodes;
        u32 blocks;
    };
    for (auto size : { Size { 2, 1 }, Size { 256, 1024 }, Size { 300, 2048 }, Size { 4096, 64 }, Size { 17, 4099 } }) {
        usize bytes = usize(VFSD_FOOTPRINT_FIXED_KIB) * KiB + usize(VFSD_FOOTPRINT_NODE_BYTES) * size.nodes
            + usize(VFSD_FOOTPRINT_BLOCK_BYTES) * size.blocks;
        test::Arena arena((bytes + 4095) / 4096 * 4096);
        INFO("nodes " << size.nodes << ", blocks " << size.blocks << ", " << bytes << " bytes");
        auto created = create_service(test::placed(arena.reticle(), service_bytes(size.nodes, size.blocks)).value(), size.nodes, size.blocks);
        REQUIRE_FALSE(created.is_error());
        REQUIRE(created.value().filesystem->free_blocks() == size.blocks);
    }
}
