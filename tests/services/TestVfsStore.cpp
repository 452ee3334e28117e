/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd with a `store` mount (ADR 0022, ADR 0023): the RAM tree at `/` and the crash-safe store at
 * `/data` on a disk in memory, driven through vfsd's session handler as a client would, then as an
 * attacker would; the store is mounted again from the same bytes and must hold exactly what was
 * synced. Formatting: only an all-zero partition, only when asked.
 */

#include "../TestSupport.h"
#include "../components/StoreSupport.h"
#include "FilesystemSnapshot.h"
#include "PlacedFilesystem.h"
#include "VfsLending.h"
#include "VfsRequests.h"
#include <memory>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vfsd/StoreBackend.h>

using namespace vectra;
using namespace vectra::vfs;
using namespace vectra::test;

namespace {

constexpr u64 disk_bytes = 16 * MiB;

/* vfsd as it runs with `ram:/ store:data:/data`: the store's memory, the backend placed, both mounted. */
struct Booted {
    test::Arena arena { 1 * MiB };
    StoreMemory memory { 256, 4096, disk_bytes / store::block_size, 256 * KiB };
    RamFilesystem* root;
    StoreBackend* data { nullptr };
    Router router;
    SessionHandler handler { router };

    Booted(MemoryDevice& device, StoreBackend::Format format)
        : root(test::place_filesystem(arena.reticle(), 32, 64).value())
    {
        auto placement = test::placed(arena.reticle(), sizeof(StoreBackend)).value();
        auto mounted = StoreBackend::try_create(placement, device, memory.memory(), format);
        INFO((mounted.is_error() ? mounted.error().message() : "mounted"));
        REQUIRE_FALSE(mounted.is_error());
        data = mounted.value();
        MUST(router.mount(Path::root(), *root));
        MUST(router.mount(path({ "data" }), *data));
    }
};

std::string bytes_for(usize size, u8 seed)
{
    std::string bytes(size, '\0');
    for (usize index = 0; index < size; ++index)
        bytes[index] = static_cast<char>(index * 151 + seed * 11 + index / 4093);
    return bytes;
}

void write_open_file(SessionHandler& handler, u32 file, u64 offset, std::string const& bytes)
{
    for (usize done = 0; done < bytes.size(); done += maximum_transfer) {
        usize piece = std::min(maximum_transfer, bytes.size() - done);
        REQUIRE(
            call(handler, request(WriteFile { file, offset + done, data_of(bytes.substr(done, piece)) })).succeeded());
    }
}

std::string whole_file(StoreBackend& backend, Path const& file)
{
    auto content = read_all(backend, file);
    if (content.is_error())
        return std::string("<") + content.error().message() + ">";
    return { content.value().begin(), content.value().end() };
}

std::set<std::string> names_in(SessionHandler& handler, Path const& directory)
{
    std::set<std::string> seen;
    u64 cursor = 0;
    for (;;) {
        auto page = call(handler, request(List { directory, cursor })).body<Listed>();
        for (auto const& entry : page.entries) {
            std::string name
                = std::string(entry.kind == u8(NodeKind::Directory) ? "d:" : "f:") + std::string(entry.name.view());
            REQUIRE(seen.insert(name).second);
        }
        if (!page.more)
            return seen;
        cursor = page.next;
    }
}

}

TEST_CASE("every vfs message on a store mount, and a remount holds exactly what was synced")
{
    MemoryDevice device(disk_bytes);
    std::string large = bytes_for(300 * 1000 + 7, 1);
    std::string moved = bytes_for(5000, 2);
    {
        Booted booted(device, StoreBackend::Format::IfEmpty);
        auto& handler = booted.handler;
        REQUIRE(booted.data->formatted());
        REQUIRE(call(handler, request(CreateDirectory { path({ "data", "docs" }) })).succeeded());
        REQUIRE(call(handler, request(CreateDirectory { path({ "data", "docs", "sub" }) })).succeeded());
        REQUIRE(call(handler, request(Write { path({ "data", "docs", "sub", "deep.txt" }), 0, data_of("deep") }))
                    .succeeded());
        auto opened = call(handler, request(Open { path({ "data", "docs", "large.bin" }), true })).body<Opened>();
        write_open_file(handler, opened.file, 0, large);
        REQUIRE(call(handler, request(FileStat { opened.file })).body<Status>().size == large.size());
        REQUIRE(
            call(handler, request(Stat { path({ "data", "docs" }) })).body<Status>().kind == u8(NodeKind::Directory));
        REQUIRE(
            call(handler, request(Stat { path({ "data", "docs", "large.bin" }) })).body<Status>().size == large.size());
        REQUIRE(call(handler, request(SyncFile { opened.file })).succeeded());

        /* A directory renamed with everything under it; the open file's token follows it. */
        REQUIRE(call(handler, request(Rename { path({ "data", "docs" }), path({ "data", "papers" }) })).succeeded());
        REQUIRE(call(handler, request(Stat { path({ "data", "docs" }) })).is(ErrorCode::NotFound));
        REQUIRE(call(handler, request(Stat { path({ "data", "docs", "large.bin" }) })).is(ErrorCode::NotFound));
        write_open_file(handler, opened.file, 1000, moved);
        REQUIRE(call(handler, request(CloseFile { opened.file })).succeeded());
        std::string expected_large = large;
        expected_large.replace(1000, moved.size(), moved);
        REQUIRE(whole_file(*booted.data, path({ "papers", "large.bin" })) == expected_large);
        REQUIRE(whole_file(*booted.data, path({ "papers", "sub", "deep.txt" })) == "deep");
        REQUIRE(names_in(handler, path({ "data", "papers" })) == std::set<std::string> { "d:sub", "f:large.bin" });
        REQUIRE(names_in(handler, path({ "data" })) == std::set<std::string> { "d:papers" });

        /* Truncate, a path write at an offset (a hole reads as zeros), a file renamed, a removal. */
        REQUIRE(call(handler, request(Write { path({ "data", "short.txt" }), 0, data_of("0123456789") })).succeeded());
        REQUIRE(call(handler, request(Truncate { path({ "data", "short.txt" }), 4 })).body<Written>().size == 4);
        REQUIRE(call(handler, request(Write { path({ "data", "holed" }), 5000, data_of("x") })).body<Written>().size
            == 5001);
        REQUIRE(whole_file(*booted.data, path({ "holed" })) == std::string(5000, '\0') + "x");
        REQUIRE(call(handler, request(Rename { path({ "data", "holed" }), path({ "data", "papers", "holed" }) }))
                    .succeeded());
        REQUIRE(call(handler, request(Write { path({ "data", "gone" }), 0, data_of("gone") })).succeeded());
        REQUIRE(call(handler, request(Remove { path({ "data", "gone" }) })).succeeded());
        REQUIRE(call(handler, request(Remove { path({ "data", "papers", "sub" }) })).is(VfsError::NotEmpty));
        REQUIRE(call(handler, request(Remove { path({ "data", "papers", "sub", "deep.txt" }) })).succeeded());
        REQUIRE(call(handler, request(Remove { path({ "data", "papers", "sub" }) })).succeeded());
        /* The RAM tree beside it is untouched. */
        REQUIRE(call(handler, request(Write { path({ "scratch" }), 0, data_of("ram") })).succeeded());
        REQUIRE(call(handler, request(Sync { path({ "data" }) })).succeeded());

        /* After the sync: changes no sync covers, which a remount must not find. */
        REQUIRE(call(handler, request(Write { path({ "data", "unsynced" }), 0, data_of("lost") })).succeeded());
        REQUIRE(call(handler, request(Rename { path({ "data", "short.txt" }), path({ "data", "renamed.txt" }) }))
                    .succeeded());
    }
    Booted again(device, StoreBackend::Format::IfEmpty);
    REQUIRE_FALSE(again.data->formatted());
    std::string expected_large = large;
    expected_large.replace(1000, moved.size(), moved);
    REQUIRE(names_in(again.handler, path({ "data" })) == std::set<std::string> { "d:papers", "f:short.txt" });
    REQUIRE(names_in(again.handler, path({ "data", "papers" })) == std::set<std::string> { "f:holed", "f:large.bin" });
    REQUIRE(whole_file(*again.data, path({ "papers", "large.bin" })) == expected_large);
    REQUIRE(whole_file(*again.data, path({ "papers", "holed" })) == std::string(5000, '\0') + "x");
    REQUIRE(whole_file(*again.data, path({ "short.txt" })) == "0123");
}

TEST_CASE("a store mount lists in pages, and forged cursors stay in the directory")
{
    MemoryDevice device(disk_bytes);
    Booted booted(device, StoreBackend::Format::IfEmpty);
    auto& handler = booted.handler;
    REQUIRE(call(handler, request(CreateDirectory { path({ "data", "many" }) })).succeeded());
    REQUIRE(call(handler, request(CreateDirectory { path({ "data", "other" }) })).succeeded());
    std::set<std::string> expected;
    for (int index = 0; index < 45; ++index) {
        std::string name = "file " + std::to_string(index);
        REQUIRE(call(handler, request(Write { path({ "data", "many", name.c_str() }), 0, data_of(name) })).succeeded());
        REQUIRE(
            call(handler, request(Write { path({ "data", "other", name.c_str() }), 0, data_of(name) })).succeeded());
        expected.insert("f:" + name);
        if (index % 10 == 0) {
            std::string directory = "directory " + std::to_string(index);
            REQUIRE(
                call(handler, request(CreateDirectory { path({ "data", "many", directory.c_str() }) })).succeeded());
            REQUIRE(
                call(handler, request(Write { path({ "data", "many", directory.c_str(), "inner" }), 0, data_of("i") }))
                    .succeeded());
            expected.insert("d:" + directory);
        }
    }
    /* names_in refuses an entry twice; pages of 16 cover 50 entries in four. */
    REQUIRE(names_in(handler, path({ "data", "many" })) == expected);
    for (u64 forged : { u64(1), u64(7), u64(100), u64(1000), u64(0xffffffffu), ~u64(0) }) {
        INFO(forged);
        auto page = call(handler, request(List { path({ "data", "many" }), forged })).body<Listed>();
        for (auto const& entry : page.entries) {
            std::string name
                = std::string(entry.kind == u8(NodeKind::Directory) ? "d:" : "f:") + std::string(entry.name.view());
            REQUIRE(expected.count(name) == 1);
        }
        if (forged >= 1000)
            REQUIRE(page.entries.size() == 0);
    }
    REQUIRE(call(handler, request(List { path({ "data", "many", "file 1" }), 0 })).is(VfsError::NotADirectory));
    REQUIRE(call(handler, request(List { path({ "data", "missing" }), ~u64(0) })).is(ErrorCode::NotFound));
}

TEST_CASE("refusals on a store mount change nothing, and stale tokens are not-found")
{
    MemoryDevice device(disk_bytes);
    Booted booted(device, StoreBackend::Format::IfEmpty);
    auto& handler = booted.handler;
    auto& data = *booted.data;
    REQUIRE(call(handler, request(CreateDirectory { path({ "data", "dir" }) })).succeeded());
    REQUIRE(call(handler, request(CreateDirectory { path({ "data", "dir", "inner" }) })).succeeded());
    REQUIRE(call(handler, request(Write { path({ "data", "dir", "f" }), 0, data_of("content") })).succeeded());
    REQUIRE(call(handler, request(Write { path({ "data", "g" }), 0, data_of("g") })).succeeded());
    REQUIRE(call(handler, request(Sync { path({ "data" }) })).succeeded());
    /* Directories 4 + 3 * 64 bytes deep: a 63-byte file name in them is a valid Path, longer than a store name. */
    Path long_path = path({ "data", "dir" });
    for (int index = 0; index < 3; ++index) {
        long_path = long_path.try_join(std::string(63, 'l')).value();
        REQUIRE(call(handler, request(CreateDirectory { long_path })).succeeded());
    }
    long_path = long_path.try_join(std::string(63, 'f')).value();
    std::string before = snapshot(data);
    auto opened = call(handler, request(Open { path({ "data", "g" }), false })).body<Opened>();

    struct Refusal {
        char const* what;
        std::vector<u8> bytes;
        Error expected;
    };
    Refusal refusals[] = {
        { "a new file ending past 2^62", request(Write { path({ "data", "new" }), u64(1) << 62, data_of("xy") }),
            Error(ErrorCode::TooLarge, "") },
        { "a new file at an offset that wraps", request(Write { path({ "data", "new" }), ~u64(0), data_of("xy") }),
            Error(ErrorCode::TooLarge, "") },
        { "a new file with no room for it", request(Write { path({ "data", "new" }), 0, data_of("x") }),
            Error(ErrorCode::NotFound, "") },
        { "an open file past 2^62", request(WriteFile { opened.file, u64(1) << 62, data_of("x") }),
            Error(ErrorCode::TooLarge, "") },
        { "truncate to 2^64 - 1", request(Truncate { path({ "data", "g" }), ~u64(0) }),
            Error(ErrorCode::TooLarge, "") },
        { "rename a directory into itself",
            request(Rename { path({ "data", "dir" }), path({ "data", "dir", "inner", "x" }) }),
            Error(ErrorCode::InvalidArgument, "") },
        { "rename a directory onto itself", request(Rename { path({ "data", "dir" }), path({ "data", "dir" }) }),
            Error(ErrorCode::InvalidArgument, "") },
        { "rename onto an existing file", request(Rename { path({ "data", "g" }), path({ "data", "dir", "f" }) }),
            Error(ErrorCode::AlreadyExists, "") },
        { "rename onto an existing directory", request(Rename { path({ "data", "g" }), path({ "data", "dir" }) }),
            Error(ErrorCode::AlreadyExists, "") },
        { "rename into a missing directory",
            request(Rename { path({ "data", "g" }), path({ "data", "nowhere", "g" }) }),
            Error(ErrorCode::NotFound, "") },
        { "rename under a file", request(Rename { path({ "data", "dir" }), path({ "data", "g", "dir" }) }),
            Error(VfsError::NotADirectory, "") },
        { "rename a missing file", request(Rename { path({ "data", "missing" }), path({ "data", "other" }) }),
            Error(ErrorCode::NotFound, "") },
        { "rename out of the mount", request(Rename { path({ "data", "g" }), path({ "g" }) }),
            Error(VfsError::CrossMount, "") },
        { "rename into the mount", request(Rename { path({ "scratch" }), path({ "data", "scratch" }) }),
            Error(VfsError::CrossMount, "") },
        { "rename the mount point", request(Rename { path({ "data" }), path({ "data2" }) }),
            Error(VfsError::MountPoint, "") },
        { "remove the mount point", request(Remove { path({ "data" }) }), Error(VfsError::MountPoint, "") },
        { "remove a full directory", request(Remove { path({ "data", "dir" }) }), Error(VfsError::NotEmpty, "") },
        { "remove a missing file", request(Remove { path({ "data", "missing" }) }), Error(ErrorCode::NotFound, "") },
        { "create a directory that exists", request(CreateDirectory { path({ "data", "dir" }) }),
            Error(ErrorCode::AlreadyExists, "") },
        { "create a directory over a file", request(CreateDirectory { path({ "data", "g" }) }),
            Error(ErrorCode::AlreadyExists, "") },
        { "create under a file", request(CreateDirectory { path({ "data", "g", "x" }) }),
            Error(VfsError::NotADirectory, "") },
        { "write under a file", request(Write { path({ "data", "g", "x" }), 0, data_of("x") }),
            Error(VfsError::NotADirectory, "") },
        { "write to a directory", request(Write { path({ "data", "dir" }), 0, data_of("x") }),
            Error(VfsError::IsADirectory, "") },
        { "a path longer than a store name", request(Write { long_path, 0, data_of("x") }),
            Error(ErrorCode::TooLarge, "") },
        { "a directory longer than a store name", request(CreateDirectory { long_path }),
            Error(ErrorCode::TooLarge, "") },
        { "open a directory", request(Open { path({ "data", "dir" }), false }), Error(VfsError::IsADirectory, "") },
        { "open a missing file", request(Open { path({ "data", "missing" }), false }), Error(ErrorCode::NotFound, "") },
        { "open in a missing directory", request(Open { path({ "data", "nowhere", "f" }), true }),
            Error(ErrorCode::NotFound, "") },
    };
    /* "no room for it": the write's parent is missing, so nothing may be created. */
    refusals[2].bytes = request(Write { path({ "data", "nowhere", "new" }), 0, data_of("x") });
    for (auto const& refusal : refusals) {
        INFO(refusal.what);
        auto reply = call(handler, refusal.bytes);
        INFO(reply.error().name());
        REQUIRE(reply.error() == refusal.expected);
        REQUIRE(snapshot(data) == before);
    }
    /* A read far past the end returns nothing. An open file removed, or replaced by a new file of its name, goes stale.
     */
    REQUIRE(call(handler, request(ReadFile { opened.file, ~u64(0), 512 })).body<ReadData>().data.size() == 0);
    REQUIRE(call(handler, request(Remove { path({ "data", "g" }) })).succeeded());
    REQUIRE(call(handler, request(Write { path({ "data", "g" }), 0, data_of("new g") })).succeeded());
    REQUIRE(call(handler, request(ReadFile { opened.file, 0, 16 })).is(ErrorCode::NotFound));
    REQUIRE(call(handler, request(WriteFile { opened.file, 0, data_of("x") })).is(ErrorCode::NotFound));
    REQUIRE(call(handler, request(SyncFile { opened.file })).is(ErrorCode::NotFound));
    REQUIRE(call(handler, request(TruncateFile { opened.file, 0 })).is(ErrorCode::NotFound));
    REQUIRE(call(handler, request(CloseFile { opened.file })).succeeded());
    REQUIRE(whole_file(data, path({ "g" })) == "new g");
    /* Tokens no open ever returned (the router never passes these; the backend refuses them anyway). */
    for (FileToken forged :
        { FileToken(0), FileToken(~u64(0)), FileToken(u64(1) << 32 | 100000), FileToken(u64(99) << 32) })
        REQUIRE(data.stat(forged).error().is(ErrorCode::NotFound));
}

/* A mount attempt that must be refused with IoError, leaving every byte of the partition as it was. */
static void require_refused_untouched(MemoryDevice& device, StoreBackend::Format format)
{
    auto copy = device.bytes();
    u64 writes = device.writes();
    test::Arena arena { 64 * KiB };
    StoreMemory memory { 256, 4096, disk_bytes / store::block_size, 256 * KiB };
    auto placement = test::placed(arena.reticle(), sizeof(StoreBackend)).value();
    auto mounted = StoreBackend::try_create(placement, device, memory.memory(), format);
    REQUIRE(mounted.is_error());
    INFO(mounted.error().message());
    REQUIRE(mounted.error().is(VfsError::IoError));
    REQUIRE(device.bytes() == copy);
    REQUIRE(device.writes() == writes);
}

TEST_CASE("the store backend formats only an all-zero partition, and only when the mount table says so")
{
    SECTION("an empty partition without format-if-empty is refused, untouched")
    {
        MemoryDevice device(disk_bytes);
        require_refused_untouched(device, StoreBackend::Format::Never);
    }
    SECTION("a partition holding anything else is never formatted")
    {
        for (u64 offset : { u64(0), u64(511), u64(4096), u64(5000), u64(64 * KiB - 1) }) {
            INFO(offset);
            MemoryDevice device(disk_bytes);
            device.bytes()[offset] = 0xeb; /* one byte of someone's data */
            require_refused_untouched(device, StoreBackend::Format::IfEmpty);
        }
    }
    SECTION("a damaged store is refused, never formatted over")
    {
        MemoryDevice device(disk_bytes);
        {
            Booted booted(device, StoreBackend::Format::IfEmpty);
            MUST(booted.data->write(path({ "kept" }), 0, std::vector<u8> { 'k' }));
            MUST(booted.data->sync_all());
        }
        /* Both superblocks' CRCs broken: Corrupt, which a format would destroy the evidence of. */
        device.bytes()[24] ^= 0xff;
        device.bytes()[store::block_size + 24] ^= 0xff;
        require_refused_untouched(device, StoreBackend::Format::IfEmpty);
    }
}

TEST_CASE("a directory rename is one commit: a remount finds all of it, and refused long names rename nothing")
{
    MemoryDevice device(disk_bytes);
    {
        Booted booted(device, StoreBackend::Format::IfEmpty);
        auto& data = *booted.data;
        MUST(data.create_directory(path({ "a" })));
        MUST(data.create_directory(path({ "a", "b" })));
        for (auto const* name : { "one", "two", "three" })
            MUST(data.write(path({ "a", "b", name }), 0, std::vector<u8> { u8(name[0]) }));
        /* A name under `a` of 250 bytes: renaming `a` to a longer name would pass 255 and must rename nothing. */
        Path deep = path({ "a" });
        while (store_name_of(deep, false).value().length + 64 < 250) {
            deep = deep.try_join(std::string(63, 'd')).value();
            MUST(data.create_directory(deep));
        }
        std::string before = snapshot(data);
        REQUIRE(data.rename(path({ "a" }), path({ std::string(63, 'x').c_str() })).error().is(ErrorCode::TooLarge));
        REQUIRE(snapshot(data) == before);
        MUST(data.rename(path({ "a" }), path({ "c" })));
        MUST(data.sync_all());
    }
    Booted again(device, StoreBackend::Format::Never);
    REQUIRE(again.data->stat(path({ "a" })).error().is(ErrorCode::NotFound));
    REQUIRE(
        names_in(again.handler, path({ "data", "c", "b" })) == std::set<std::string> { "f:one", "f:two", "f:three" });
    REQUIRE(whole_file(*again.data, path({ "c", "b", "two" })) == "t");
}

TEST_CASE("read-buffer and write-buffer on a store mount: bulk bytes through a lent MemCap, durable after sync-file (v5)")
{
    MemoryDevice device(disk_bytes);
    Lender lender;
    auto result = lender.run([&device](Bundle& bundle) -> ErrorOr<i32> {
        auto reticle = TRY(bundle.take<ReticleCap>("memory"));
        constexpr u32 length = 384 * KiB + 100;
        auto source = TRY(system::create_memory(reticle, length + 4096));
        auto source_bytes = TRY(system::map_memory(source));
        for (usize index = 0; index < source_bytes.size(); ++index)
            source_bytes[index] = u8(index * 151 + index / 4093);
        {
            auto booted = std::make_unique<Booted>(device, StoreBackend::Format::IfEmpty);
            auto file = body_of<Opened>(TRY(send(booted->handler, Open { path({ "data", "big" }), true }, std::nullopt, nullptr))).file;
            /* From byte 7 of the MemCap to file offset 1000: neither end on a block. */
            auto written = TRY(send_lending(booted->handler, WriteBuffer { file, 1000, length, 7 }, source, RightRead));
            if (written.status != protocol::status_success || body_of<Written>(written).size != 1000 + length || written.copy_kept)
                return 1;
            if (TRY(send(booted->handler, SyncFile { file }, std::nullopt, nullptr)).status != protocol::status_success)
                return 2;
        }
        auto booted = std::make_unique<Booted>(device, StoreBackend::Format::Never);
        auto file = body_of<Opened>(TRY(send(booted->handler, Open { path({ "data", "big" }), false }, std::nullopt, nullptr))).file;
        auto target = TRY(system::create_memory(reticle, length + 8192));
        auto read = TRY(send_lending(booted->handler, ReadBuffer { file, 0, length + 4096, 5 }, target, RightRead | RightWrite));
        if (read.status != protocol::status_success || body_of<BufferRead>(read).length != 1000 + length || read.copy_kept)
            return 3;
        auto target_bytes = TRY(system::map_memory_read_only(target));
        for (usize index = 0; index < 1000; ++index) {
            if (target_bytes[5 + index] != 0)
                return 4;
        }
        for (usize index = 0; index < length; ++index) {
            if (target_bytes[5 + 1000 + index] != source_bytes[7 + index])
                return 5;
        }
        /* A refused buffer on a store mount changes nothing there either. */
        auto refused = TRY(send_lending(booted->handler, ReadBuffer { file, 0, 4096, 0 }, target, RightRead));
        if (refused.status != status_of(VfsError::BufferUnusable) || refused.copy_kept)
            return 6;
        return 0;
    });
    INFO((result.is_error() ? result.error().name() : "ok"));
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
}
