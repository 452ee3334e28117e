/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd with a `fat` mount (ADR 0022): the RAM tree at `/` and a FAT32 volume made by mkfs.fat at
 * `/boot`, driven through vfsd's session handler as a client would. Debian's tools are the
 * oracle: what vfsd wrote reads back through mcopy byte for byte, what mtools wrote reads back
 * through vfsd, and fsck.fat -n finds nothing after each test — also after every refusal, which
 * must leave the volume as it was.
 */

#include "../TestSupport.h"
#include "../components/FatDevices.h"
#include "../components/FatTools.h"
#include "FilesystemSnapshot.h"
#include "PlacedFilesystem.h"
#include "VfsLending.h"
#include "VfsRequests.h"
#include <memory>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vfsd/FatBackend.h>

using namespace vectra;
using namespace vectra::vfs;
using namespace vectra::test;

namespace {

constexpr u32 cache_sectors = 64;

/* vfsd as it runs with `ram:/ fat:boot:/boot`: the mount point made in the RAM tree, the volume on a host file. */
struct Booted {
    test::Arena arena { 4 * MiB };
    FileBlockDevice device;
    RamFilesystem* root;
    FatBackend* boot;
    Router router;
    SessionHandler handler { router };

    explicit Booted(FatImage const& image)
        : device(image.path())
        , root(test::place_filesystem(arena.reticle(), 32, 64).value())
    {
        REQUIRE(device.is_open());
        auto memory = test::placed(arena.reticle(), FatBackend::bytes_needed(cache_sectors)).value();
        auto mounted = FatBackend::try_create(memory, device, cache_sectors);
        INFO((mounted.is_error() ? mounted.error().message() : "mounted"));
        REQUIRE_FALSE(mounted.is_error());
        boot = mounted.value();
        MUST(router.mount(Path::root(), *root));
        MUST(router.mount(path({ "boot" }), *boot));
    }
};

std::string pattern(usize size, u8 seed)
{
    std::string bytes(size, '\0');
    for (usize index = 0; index < size; ++index)
        bytes[index] = static_cast<char>(index * 131 + seed * 7 + index / 509);
    return bytes;
}

/* Writes `bytes` through an open file in 512-byte messages, as the client does. */
void write_through(SessionHandler& handler, u32 file, std::string const& bytes)
{
    for (usize done = 0; done < bytes.size(); done += maximum_transfer) {
        usize piece = std::min(maximum_transfer, bytes.size() - done);
        REQUIRE(call(handler, request(WriteFile { file, done, data_of(bytes.substr(done, piece)) })).succeeded());
    }
}

std::string read_through(SessionHandler& handler, Path const& file)
{
    std::string bytes;
    for (;;) {
        auto read = call(handler, request(Read { file, bytes.size(), u16(maximum_transfer) })).body<ReadData>();
        bytes.append(read.data.span().begin(), read.data.span().end());
        if (read.data.size() < maximum_transfer)
            return bytes;
    }
}

void require_clean(FatImage const& image)
{
    auto complaints = image.fsck_complaints();
    INFO("fsck.fat -n says:\n" << complaints);
    REQUIRE(complaints.empty());
}

}

TEST_CASE("files vfsd writes on a fat mount read back through mcopy, mtools' files through vfsd, fsck.fat clean")
{
    FatImage image(40);
    std::string builder = pattern(1500, 1);
    image.mtools_write("/config.txt", builder);
    image.mtools("mmd", shell_quote("::/Firmware Files"));
    std::string large = pattern(70 * 1000 + 3, 2);
    std::string renamed = pattern(2000, 3);
    {
        Booted booted(image);
        auto& handler = booted.handler;
        /* What the image builder put there, through vfsd. */
        REQUIRE(read_through(handler, path({ "boot", "config.txt" })) == builder);
        REQUIRE(call(handler, request(Stat { path({ "boot", "Firmware Files" }) })).body<Status>().kind == u8(NodeKind::Directory));

        REQUIRE(call(handler, request(CreateDirectory { path({ "boot", "Documents" }) })).succeeded());
        auto opened = call(handler, request(Open { path({ "boot", "Documents", "A long name for a large file.bin" }), true })).body<Opened>();
        write_through(handler, opened.file, large);
        REQUIRE(call(handler, request(FileStat { opened.file })).body<Status>().size == large.size());
        REQUIRE(call(handler, request(SyncFile { opened.file })).succeeded());
        REQUIRE(call(handler, request(CloseFile { opened.file })).succeeded());

        REQUIRE(call(handler, request(Write { path({ "boot", "draft.txt" }), 0, data_of("draft") })).succeeded());
        auto second = call(handler, request(Open { path({ "boot", "draft.txt" }), false })).body<Opened>();
        write_through(handler, second.file, renamed);
        REQUIRE(call(handler, request(CloseFile { second.file })).succeeded());
        REQUIRE(call(handler, request(Rename { path({ "boot", "draft.txt" }), path({ "boot", "Documents", "final.txt" }) })).succeeded());
        REQUIRE(call(handler, request(Stat { path({ "boot", "draft.txt" }) })).is(ErrorCode::NotFound));
        REQUIRE(call(handler, request(Write { path({ "boot", "gone.txt" }), 0, data_of("gone") })).succeeded());
        REQUIRE(call(handler, request(Remove { path({ "boot", "gone.txt" }) })).succeeded());
        REQUIRE(call(handler, request(Write { path({ "boot", "short.txt" }), 0, data_of("0123456789") })).succeeded());
        REQUIRE(call(handler, request(Truncate { path({ "boot", "short.txt" }), 4 })).body<Written>().size == 4);
        /* The RAM tree beside it is untouched by all of this. */
        REQUIRE(call(handler, request(Write { path({ "scratch" }), 0, data_of("ram") })).succeeded());
        REQUIRE(booted.root->stat(path({ "scratch" })).value().size == 3);
        REQUIRE(call(handler, request(Sync { path({ "boot" }) })).succeeded());
    }
    require_clean(image);
    REQUIRE(image.mtools_read("/Documents/A long name for a large file.bin") == large);
    REQUIRE(image.mtools_read("/Documents/final.txt") == renamed);
    REQUIRE(image.mtools_read("/short.txt") == "0123");
    REQUIRE(image.mtools_read("/config.txt") == builder);
    REQUIRE(image.mdir("/").find("gone") == std::string::npos);
}

TEST_CASE("a fat mount lists in pages by cursor, and forged cursors stay in the directory")
{
    FatImage image(40);
    {
        Booted booted(image);
        auto& handler = booted.handler;
        REQUIRE(call(handler, request(CreateDirectory { path({ "boot", "many" }) })).succeeded());
        std::set<std::string> expected;
        for (int index = 0; index < 45; ++index) {
            std::string name = "File number " + std::to_string(index) + ".txt";
            REQUIRE(call(handler, request(Write { path({ "boot", "many", name.c_str() }), 0, data_of(name) })).succeeded());
            expected.insert(name);
        }
        std::set<std::string> seen;
        u64 cursor = 0;
        usize pages = 0;
        for (;; ++pages) {
            auto page = call(handler, request(List { path({ "boot", "many" }), cursor })).body<Listed>();
            for (auto const& entry : page.entries)
                REQUIRE(seen.insert(std::string(entry.name.view())).second);
            if (!page.more)
                break;
            cursor = page.next;
        }
        REQUIRE(seen == expected);
        REQUIRE(pages >= 2);
        /*
         * A forged cursor may land inside a long name's run of entries: the library then lists that
         * file by its 8.3 name. Either way every entry listed is a file of this directory.
         */
        for (u64 forged : { u64(1), u64(7), u64(1000), u64(65536), u64(0xffffffffu), u64(0x100000000ull), ~u64(0) }) {
            INFO(forged);
            auto page = call(handler, request(List { path({ "boot", "many" }), forged })).body<Listed>();
            for (auto const& entry : page.entries) {
                INFO(entry.name.view());
                REQUIRE(call(handler, request(Stat { path({ "boot", "many", std::string(entry.name.view()).c_str() }) })).body<Status>().kind
                    == u8(NodeKind::File));
            }
            if (forged > 65536)
                REQUIRE(page.entries.size() == 0);
        }
        REQUIRE(call(handler, request(List { path({ "boot", "many", "File number 1.txt" }), 0 })).is(VfsError::NotADirectory));
        REQUIRE(call(handler, request(List { path({ "boot", "missing" }), ~u64(0) })).is(ErrorCode::NotFound));
    }
    require_clean(image);
}

TEST_CASE("refusals on a fat mount change nothing on the volume, and fsck.fat stays clean")
{
    FatImage image(40);
    {
        Booted booted(image);
        auto& handler = booted.handler;
        auto& boot = *booted.boot;
        REQUIRE(call(handler, request(CreateDirectory { path({ "boot", "dir" }) })).succeeded());
        REQUIRE(call(handler, request(Write { path({ "boot", "dir", "f" }), 0, data_of("content") })).succeeded());
        REQUIRE(call(handler, request(Write { path({ "boot", "g" }), 0, data_of("g") })).succeeded());
        REQUIRE(call(handler, request(Sync { path({ "boot" }) })).succeeded());
        std::string before = snapshot(boot);
        auto opened = call(handler, request(Open { path({ "boot", "g" }), false })).body<Opened>();
        u64 fat_limit = 0x100000000ull;

        struct Refusal {
            char const* what;
            std::vector<u8> bytes;
            Error expected;
        };
        Refusal refusals[] = {
            { "a new file ending past 4 GiB", request(Write { path({ "boot", "new" }), fat_limit - 1, data_of("xy") }), Error(ErrorCode::TooLarge, "") },
            { "a new file at an offset that wraps", request(Write { path({ "boot", "new" }), ~u64(0), data_of("xy") }), Error(ErrorCode::TooLarge, "") },
            { "a new file with no room for it", request(Write { path({ "boot", "new" }), 60 * MiB, data_of("x") }), Error(VfsError::NoSpace, "") },
            { "an open file past 4 GiB", request(WriteFile { opened.file, fat_limit, data_of("x") }), Error(ErrorCode::TooLarge, "") },
            { "truncate past 4 GiB", request(TruncateFile { opened.file, fat_limit }), Error(ErrorCode::TooLarge, "") },
            { "truncate to 2^64 - 1", request(Truncate { path({ "boot", "g" }), ~u64(0) }), Error(ErrorCode::TooLarge, "") },
            { "rename a directory into itself", request(Rename { path({ "boot", "dir" }), path({ "boot", "dir", "inner" }) }), Error(ErrorCode::InvalidArgument, "") },
            { "rename onto an existing file", request(Rename { path({ "boot", "g" }), path({ "boot", "dir", "f" }) }), Error(ErrorCode::AlreadyExists, "") },
            { "rename onto another name of an existing file", request(Rename { path({ "boot", "g" }), path({ "boot", "DIR", "F" }) }), Error(ErrorCode::AlreadyExists, "") },
            { "rename out of the mount", request(Rename { path({ "boot", "g" }), path({ "g" }) }), Error(VfsError::CrossMount, "") },
            { "rename the mount point", request(Rename { path({ "boot" }), path({ "boot2" }) }), Error(VfsError::MountPoint, "") },
            { "remove the mount point", request(Remove { path({ "boot" }) }), Error(VfsError::MountPoint, "") },
            { "remove a full directory", request(Remove { path({ "boot", "dir" }) }), Error(VfsError::NotEmpty, "") },
            { "create a directory that exists", request(CreateDirectory { path({ "boot", "DIR" }) }), Error(ErrorCode::AlreadyExists, "") },
            { "create under a file", request(CreateDirectory { path({ "boot", "g", "x" }) }), Error(VfsError::NotADirectory, "") },
            { "a name FAT cannot store", request(Write { path({ "boot", "what?" }), 0, data_of("x") }), Error(ErrorCode::InvalidArgument, "") },
            { "open a directory", request(Open { path({ "boot", "dir" }), false }), Error(VfsError::IsADirectory, "") },
        };
        for (auto const& refusal : refusals) {
            INFO(refusal.what);
            auto reply = call(handler, refusal.bytes);
            INFO(reply.error().name());
            REQUIRE(reply.error() == refusal.expected);
            REQUIRE(snapshot(boot) == before);
        }
        /* Reads far past the end return nothing; an open file renamed away goes stale (the FAT library refuses it). */
        REQUIRE(call(handler, request(ReadFile { opened.file, ~u64(0), 512 })).body<ReadData>().data.size() == 0);
        REQUIRE(call(handler, request(Rename { path({ "boot", "g" }), path({ "boot", "h" }) })).succeeded());
        REQUIRE(call(handler, request(ReadFile { opened.file, 0, 16 })).is(ErrorCode::NotFound));
        REQUIRE(call(handler, request(SyncFile { opened.file })).is(ErrorCode::NotFound));
        REQUIRE(call(handler, request(CloseFile { opened.file })).succeeded());
        REQUIRE(call(handler, request(Sync { path({ "boot", "dir" }) })).succeeded());
    }
    require_clean(image);
    REQUIRE(image.mtools_read("/h") == "g");
    REQUIRE(image.mtools_read("/dir/f") == "content");
}

TEST_CASE("the fat backend refuses a volume that is not FAT32 and an open-file table overrun")
{
    FatImage image(40);
    {
        /* Zero the boot sector: mount must refuse, never guess. */
        auto damaged = run_command("dd if=/dev/zero of=" + shell_quote(image.path()) + " bs=512 count=1 conv=notrunc");
        REQUIRE(damaged.status == 0);
        test::Arena arena { 1 * MiB };
        FileBlockDevice device(image.path());
        auto memory = test::placed(arena.reticle(), FatBackend::bytes_needed(cache_sectors)).value();
        auto mounted = FatBackend::try_create(memory, device, cache_sectors);
        REQUIRE(mounted.is_error());
        REQUIRE(mounted.error().is(VfsError::IoError));
    }
    FatImage fresh(40);
    Booted booted(fresh);
    MUST(booted.boot->write(path({ "f" }), 0, std::vector<u8> { 'x' }));
    std::vector<FileToken> tokens;
    for (usize index = 0; index < FatBackend::open_file_capacity; ++index)
        tokens.push_back(booted.boot->open(path({ "f" }), false).value());
    REQUIRE(booted.boot->open(path({ "f" }), false).error().is(VfsError::TooManyOpenFiles));
    booted.boot->close(tokens[3]);
    /* A closed token stays dead even when its slot is reused. */
    auto reused = booted.boot->open(path({ "f" }), false).value();
    REQUIRE(booted.boot->stat(tokens[3]).error().is(VfsError::NoSuchFile));
    REQUIRE(booted.boot->stat(reused).value().size == 1);
    REQUIRE(booted.boot->stat(FileToken(~u64(0))).error().is(VfsError::NoSuchFile));
}

TEST_CASE("read-buffer and write-buffer on a fat mount: bulk bytes through a lent MemCap, read back by mcopy, fsck.fat clean (v5)")
{
    FatImage image(40);
    constexpr u32 length = 200 * KiB + 3;
    std::string expected;
    Lender lender;
    auto result = lender.run([&image, &expected](Bundle& bundle) -> ErrorOr<i32> {
        auto reticle = TRY(bundle.take<ReticleCap>("memory"));
        auto source = TRY(system::create_memory(reticle, length + 4096));
        auto source_bytes = TRY(system::map_memory(source));
        for (usize index = 0; index < source_bytes.size(); ++index)
            source_bytes[index] = u8(index * 131 + index / 509);
        expected.assign(reinterpret_cast<char const*>(source_bytes.data() + 11), length);
        auto booted = std::make_unique<Booted>(image);
        auto file = body_of<Opened>(TRY(send(booted->handler, Open { path({ "boot", "bulk.bin" }), true }, std::nullopt, nullptr))).file;
        auto written = TRY(send_lending(booted->handler, WriteBuffer { file, 0, length, 11 }, source, RightRead));
        if (written.status != protocol::status_success || body_of<Written>(written).size != length || written.copy_kept)
            return 1;
        auto target = TRY(system::create_memory(reticle, length + 4096));
        auto read = TRY(send_lending(booted->handler, ReadBuffer { file, 513, length, 0 }, target, RightRead | RightWrite));
        if (read.status != protocol::status_success || body_of<BufferRead>(read).length != length - 513 || read.copy_kept)
            return 2;
        auto target_bytes = TRY(system::map_memory_read_only(target));
        for (usize index = 0; index < length - 513; ++index) {
            if (target_bytes[index] != source_bytes[11 + 513 + index])
                return 3;
        }
        if (TRY(send(booted->handler, SyncFile { file }, std::nullopt, nullptr)).status != protocol::status_success)
            return 4;
        return 0;
    });
    INFO((result.is_error() ? result.error().name() : "ok"));
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
    REQUIRE(image.mtools_read("/bulk.bin") == expected);
    require_clean(image);
}
