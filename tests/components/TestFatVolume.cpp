/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "FatTestSupport.h"
#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>

using namespace vectra;
using namespace vectra::test;
using fat::FatError;

namespace {

struct Mounted {
    explicit Mounted(FatImage const& image)
        : device(image.path())
    {
        REQUIRE(device.is_open());
        auto mounted = fat::Volume::mount(device, cache.memory());
        INFO((mounted.is_error() ? mounted.error().message() : "mounted"));
        REQUIRE(!mounted.is_error());
        volume.emplace(mounted.release_value());
    }
    FileBlockDevice device;
    FatCacheMemory<64> cache;
    std::optional<fat::Volume> volume;
    fat::Volume& operator*() { return *volume; }
};

void require_clean(FatImage const& image)
{
    auto complaints = image.fsck_complaints();
    INFO("fsck.fat -n says:\n" << complaints);
    REQUIRE(complaints.empty());
}

std::vector<std::string> listed_names(fat::Volume& volume, Path const& path, usize page_size = 5)
{
    std::vector<std::string> names;
    std::vector<fat::DirectoryEntry> page(page_size);
    u32 cursor = 0;
    for (;;) {
        auto listed = volume.list(path, cursor, page);
        require_ok(listed);
        for (usize index = 0; index < listed.value().count; ++index)
            names.emplace_back(page[index].name.view());
        if (!listed.value().more)
            break;
        cursor = listed.value().next_cursor;
    }
    std::sort(names.begin(), names.end());
    return names;
}

}

TEST_CASE("Files and directories the library writes read back through mcopy byte for byte, and fsck.fat is clean")
{
    FatImage image(40);
    std::string large = pattern_bytes(3 * MiB + 777, 1);
    std::string small = pattern_bytes(1000, 2);
    {
        Mounted mounted(image);
        auto& volume = *mounted;
        require_ok(volume.create_directory(fat_path({ "Documents" })));
        require_ok(volume.create_directory(fat_path({ "Documents", "A rather long directory name" })));
        require_ok(volume.create_directory(fat_path({ "Documents", "A rather long directory name", "deeper" })));
        write_file(
            volume, fat_path({ "Documents", "A rather long directory name", "deeper", "Large file.bin" }), large);
        write_file(volume, fat_path({ "readme.txt" }), small);
        write_file(volume, fat_path({ "MixedCase.Txt" }), "mixed");
        write_file(volume, fat_path({ "Grüße — ünïcödé.txt" }), "unicode");
        write_file(volume, fat_path({ "empty" }), "");
        require_ok(volume.sync());
    }
    require_clean(image);
    CHECK(image.mtools_read("/Documents/A rather long directory name/deeper/Large file.bin") == large);
    CHECK(image.mtools_read("/readme.txt") == small);
    CHECK(image.mtools_read("/MixedCase.Txt") == "mixed");
    CHECK(image.mtools_read("/Grüße — ünïcödé.txt") == "unicode");
    CHECK(image.mtools_read("/empty").empty());
    auto listing = image.mdir("/");
    CHECK(listing.find("MixedCase.Txt") != std::string::npos);
    CHECK(listing.find("readme   txt") != std::string::npos); // mdir prints the NT case bits the library set
}

TEST_CASE("Files mtools writes (long names, nested directories, many clusters) read back exactly")
{
    FatImage image(40);
    std::string large = pattern_bytes(2 * MiB + 3, 3);
    image.mtools("mmd", shell_quote("::/Some Directory"));
    image.mtools("mmd", shell_quote("::/Some Directory/nested one"));
    image.mtools_write("/Some Directory/nested one/A file with a long name.dat", large);
    image.mtools_write("/SHORT.TXT", "short");
    image.mtools_write("/lower.txt", "lower");
    Mounted mounted(image);
    auto& volume = *mounted;
    CHECK(read_all(volume, fat_path({ "Some Directory", "nested one", "A file with a long name.dat" })) == large);
    CHECK(read_all(volume, fat_path({ "short.txt" })) == "short");
    CHECK(read_all(volume, fat_path({ "LOWER.TXT" })) == "lower");
    CHECK(listed_names(volume, fat_path({ "Some Directory", "nested one" }))
        == std::vector<std::string> { "A file with a long name.dat" });
    auto root = listed_names(volume, Path::root());
    CHECK(std::find(root.begin(), root.end(), "Some Directory") != root.end());
    CHECK(std::find(root.begin(), root.end(), "lower.txt") != root.end());
    auto status = volume.stat(fat_path({ "Some Directory" }));
    require_ok(status);
    CHECK(status.value().kind == fat::Kind::Directory);
}

TEST_CASE("A large file written into fragmented free space reads back through mcopy")
{
    FatImage image(40);
    {
        Mounted mounted(image);
        auto& volume = *mounted;
        for (u32 index = 0; index < 120; ++index)
            write_file(volume, fat_path({ "frag " + std::to_string(index) }), pattern_bytes(1500, index));
        for (u32 index = 0; index < 120; index += 2)
            require_ok(volume.remove(fat_path({ "frag " + std::to_string(index) })));
        require_ok(volume.sync());
    }
    require_clean(image);
    std::string large = pattern_bytes(5 * MiB + 11, 9);
    {
        Mounted mounted(image);
        write_file(*mounted, fat_path({ "after fragmentation.bin" }), large);
        require_ok((*mounted).sync());
    }
    require_clean(image);
    CHECK(image.mtools_read("/after fragmentation.bin") == large);
    CHECK(image.mtools_read("/frag 7") == pattern_bytes(1500, 7));
}

TEST_CASE("Short names get ~N tails and long-name entries mtools shows")
{
    FatImage image(40);
    {
        Mounted mounted(image);
        auto& volume = *mounted;
        write_file(volume, fat_path({ "Long name number one.txt" }), "1");
        write_file(volume, fat_path({ "Long name number two.txt" }), "2");
        write_file(volume, fat_path({ ".hidden" }), "3");
        write_file(volume, fat_path({ "a+b=c.txt" }), "4");
        require_ok(volume.sync());
    }
    require_clean(image);
    auto listing = image.mdir("/");
    CHECK(listing.find("LONGNA~1 TXT") != std::string::npos);
    CHECK(listing.find("LONGNA~2 TXT") != std::string::npos);
    CHECK(listing.find("Long name number two.txt") != std::string::npos);
    CHECK(image.mtools_read("/Long name number one.txt") == "1");
    CHECK(image.mtools_read("/LONGNA~2.TXT") == "2");
    CHECK(image.mtools_read("/.hidden") == "3");
    CHECK(image.mtools_read("/a+b=c.txt") == "4");
}

TEST_CASE("Names compare without case; taken names, files as directories and bad names are refused")
{
    FatImage image(40);
    Mounted mounted(image);
    auto& volume = *mounted;
    write_file(volume, fat_path({ "Report.PDF" }), "pdf");
    CHECK(read_all(volume, fat_path({ "report.pdf" })) == "pdf");
    CHECK(volume.create_file(fat_path({ "REPORT.pdf" })).error().is(FatError::Exists));
    CHECK(volume.create_directory(fat_path({ "report.pdf" })).error().is(FatError::Exists));
    CHECK(volume.create_file(fat_path({ "Report.PDF", "inside" })).error().is(FatError::NotDirectory));
    CHECK(volume.open(fat_path({ "missing" })).error().is(FatError::NotFound));
    CHECK(volume.create_file(fat_path({ "what?" })).error().is(FatError::InvalidName));
    CHECK(volume.create_file(fat_path({ "trailing." })).error().is(FatError::InvalidName));
    CHECK(volume.create_file(fat_path({ "a:b" })).error().is(FatError::InvalidName));
    CHECK(volume.create_file(Path::root()).error().is(FatError::InvalidName));
    CHECK(volume.open(Path::root()).error().is(FatError::IsDirectory));
    require_ok(volume.create_directory(fat_path({ "dir" })));
    CHECK(volume.open(fat_path({ "dir" })).error().is(FatError::IsDirectory));
    require_ok(volume.sync());
    require_clean(image);
}

TEST_CASE("Rename, truncate, extend, remove and paged listing keep the volume clean for fsck.fat and mtools")
{
    FatImage image(40);
    std::string body = pattern_bytes(70000, 4);
    {
        Mounted mounted(image);
        auto& volume = *mounted;
        require_ok(volume.create_directory(fat_path({ "from" })));
        require_ok(volume.create_directory(fat_path({ "to" })));
        require_ok(volume.create_directory(fat_path({ "from", "moving directory" })));
        write_file(volume, fat_path({ "from", "moving directory", "inner.txt" }), "inner");
        write_file(volume, fat_path({ "from", "file to rename.bin" }), body);
        for (u32 index = 0; index < 23; ++index)
            write_file(volume, fat_path({ "to", "entry " + std::to_string(index) }), std::to_string(index));

        require_ok(volume.rename(fat_path({ "from", "file to rename.bin" }), fat_path({ "to", "renamed file.bin" })));
        CHECK(volume.open(fat_path({ "from", "file to rename.bin" })).error().is(FatError::NotFound));
        require_ok(volume.rename(fat_path({ "from", "moving directory" }), fat_path({ "to", "moved directory" })));
        CHECK(volume.rename(fat_path({ "to" }), fat_path({ "to", "x" })).error().is(ErrorCode::InvalidArgument));
        CHECK(volume.rename(fat_path({ "from" }), fat_path({ "to" })).error().is(FatError::Exists));

        auto file = volume.open(fat_path({ "to", "renamed file.bin" }));
        require_ok(file);
        require_ok(volume.truncate(file.value(), 1000));
        require_ok(volume.truncate(file.value(), 5000));
        require_ok(volume.write(file.value(), 8000, bytes_of("tail")));
        auto listed = listed_names(volume, fat_path({ "to" }), 4);
        CHECK(listed.size() == 25);
        CHECK(volume.remove(fat_path({ "to" })).error().is(FatError::NotEmpty));
        require_ok(volume.remove(fat_path({ "to", "entry 3" })));
        require_ok(volume.remove(fat_path({ "from" })));
        CHECK(volume.stat(fat_path({ "from" })).error().is(FatError::NotFound));
        require_ok(volume.sync());
    }
    require_clean(image);
    std::string expected = body.substr(0, 1000) + std::string(7000, '\0') + "tail";
    CHECK(image.mtools_read("/to/renamed file.bin") == expected);
    CHECK(image.mtools_read("/to/moved directory/inner.txt") == "inner");
    auto listing = image.mdir("/to");
    CHECK(listing.find("entry 3") == std::string::npos);
    CHECK(listing.find("entry 22") != std::string::npos);
}

TEST_CASE("Stat reports sizes and the clock's times; a removed file's handle is stale")
{
    struct FixedClock final : fat::Clock {
        fat::Timestamp now() const override { return { 2026, 12, 5, 7, 30, 42 }; }
    } clock;
    FatImage image(40);
    FileBlockDevice device(image.path());
    FatCacheMemory<16> cache;
    auto volume = fat::Volume::mount(device, cache.memory(), &clock).release_value();
    auto file = volume.create_file(fat_path({ "timed" })).release_value();
    require_ok(volume.write(file, 0, bytes_of("12345")));
    auto status = volume.stat(file).release_value();
    CHECK(status.size == 5);
    CHECK(status.modified == fat::Timestamp { 2026, 12, 5, 7, 30, 42 });
    CHECK(status.created == fat::Timestamp { 2026, 12, 5, 7, 30, 42 });
    require_ok(volume.remove(fat_path({ "timed" })));
    CHECK(volume.write(file, 0, bytes_of("x")).error().is(FatError::Stale));
    require_ok(volume.sync());
    require_clean(image);
}

TEST_CASE("Free space runs out with NoSpace and the volume stays clean")
{
    FatImage image(34);
    Mounted mounted(image);
    auto& volume = *mounted;
    auto file = volume.create_file(fat_path({ "filler" })).release_value();
    std::string chunk = pattern_bytes(1 * MiB, 5);
    ErrorOr<void> written {};
    for (u64 offset = 0; !written.is_error() && offset < 64 * MiB; offset += chunk.size())
        written = volume.write(file, offset, bytes_of(chunk));
    REQUIRE(written.is_error());
    CHECK(written.error().is(FatError::NoSpace));
    CHECK(volume.free_clusters() == 0);
    require_ok(volume.sync());
    require_clean(image);
}

TEST_CASE("Refusals at the edges: a cache too small, a device of another sector size, offsets past 4 GiB, moves into "
          "oneself by another case")
{
    FatImage image(40);
    FileBlockDevice device(image.path());
    FatCacheMemory<3> tiny;
    CHECK(fat::Volume::mount(device, tiny.memory()).error().is(ErrorCode::InvalidArgument));
    FatCacheMemory<8> short_of_bytes;
    CHECK(fat::Volume::mount(device, { short_of_bytes.slots, std::span<u8>(short_of_bytes.bytes, 1024) })
              .error()
              .is(ErrorCode::InvalidArgument));
    FileBlockDevice large_sectors(image.path(), 4096);
    FatCacheMemory<8, 4096> large_cache;
    CHECK(fat::Volume::mount(large_sectors, large_cache.memory()).error().is(FatError::DeviceMismatch));

    Mounted mounted(image);
    auto& volume = *mounted;
    auto file = volume.create_file(fat_path({ "edge" })).release_value();
    CHECK(volume.write(file, 0xFFFFFFFFull, bytes_of("x")).error().is(FatError::TooLarge));
    CHECK(volume.truncate(file, 0x100000000ull).error().is(FatError::TooLarge));
    u8 buffer[16];
    CHECK(volume.read(file, 1 * GiB, buffer).value() == 0);
    require_ok(volume.create_directory(fat_path({ "Outer" })));
    require_ok(volume.create_directory(fat_path({ "Outer", "inner" })));
    CHECK(volume.rename(fat_path({ "outer" }), fat_path({ "OUTER", "inner", "x" }))
              .error()
              .is(ErrorCode::InvalidArgument));
    CHECK(volume.rename(Path::root(), fat_path({ "x" })).error().is(ErrorCode::InvalidArgument));
    CHECK(volume.remove(Path::root()).error().is(ErrorCode::InvalidArgument));
    std::vector<fat::DirectoryEntry> page(4);
    auto past_end = volume.list(Path::root(), 60000, page);
    require_ok(past_end);
    CHECK(past_end.value().count == 0);
    CHECK(!past_end.value().more);
    CHECK(volume.list(fat_path({ "edge" }), 0, page).error().is(FatError::NotDirectory));
    require_ok(volume.sync());
    require_clean(image);
}

TEST_CASE("Past ~4, short-name tails come from a hash of the name and stay unique; mtools reads every file")
{
    FatImage image(40);
    {
        Mounted mounted(image);
        auto& volume = *mounted;
        for (u32 index = 0; index < 12; ++index)
            write_file(
                volume, fat_path({ "Quarterly report " + std::to_string(index) + ".txt" }), std::to_string(index));
        require_ok(volume.sync());
    }
    require_clean(image);
    auto listing = image.mdir("/");
    CHECK(listing.find("QUARTE~4 TXT") != std::string::npos);
    for (u32 index = 0; index < 12; ++index)
        CHECK(image.mtools_read("/Quarterly report " + std::to_string(index) + ".txt") == std::to_string(index));
}

TEST_CASE("A handle's remembered contiguous start never reads freed clusters after a truncate, remove or rename elsewhere")
{
    FatImage image(40);
    Mounted mounted(image);
    auto& volume = *mounted;
    std::string first = pattern_bytes(64 * 1024, 1);
    std::string second = pattern_bytes(64 * 1024, 2);
    auto read_through = [&](fat::File& file, usize size) -> ErrorOr<std::string> {
        std::string bytes(size, '\0');
        /* Odd offsets and lengths: runs that start and end inside clusters. */
        for (usize offset = 0; offset < size;) {
            usize chunk = std::min<usize>(size - offset, 7000);
            auto span = std::span<u8>(reinterpret_cast<u8*>(bytes.data()) + offset, chunk);
            auto got = volume.read(file, offset, span);
            if (got.is_error())
                return got.release_error();
            if (got.value() != chunk)
                return Error(ErrorCode::InvalidArgument, "short read");
            offset += chunk;
        }
        return bytes;
    };
    {
        auto created = volume.create_file(fat_path({ "big" })).release_value();
        require_ok(volume.write(created, 0, bytes_of(first)));
    }
    auto reader = volume.open(fat_path({ "big" })).release_value();
    REQUIRE(reader.contiguous_clusters == 128); /* 64 KiB of 512-byte clusters, allocated in order */
    REQUIRE(read_through(reader, first.size()).value() == first);

    /* Another handle keeps 10 clusters and writes the rest again: those come from elsewhere on the disk. */
    auto writer = volume.open(fat_path({ "big" })).release_value();
    require_ok(volume.truncate(writer, 10 * 512));
    require_ok(volume.write(writer, 10 * 512, bytes_of(second.substr(10 * 512))));
    std::string expected = first.substr(0, 10 * 512) + second.substr(10 * 512);
    auto again = read_through(reader, expected.size());
    REQUIRE(!again.is_error());
    REQUIRE(again.value() == expected);
    auto by_writer = read_through(writer, expected.size());
    REQUIRE(!by_writer.is_error());
    REQUIRE(by_writer.value() == expected);

    /* Renamed: the old handle is stale, never a reader of what moved. */
    require_ok(volume.rename(fat_path({ "big" }), fat_path({ "moved" })));
    CHECK(volume.read(reader, 0, std::span<u8>()).error().is(FatError::Stale));

    /* Removed and made again under the old name: a fresh open reads the new bytes. */
    auto moved = volume.open(fat_path({ "moved" })).release_value();
    require_ok(volume.remove(fat_path({ "moved" })));
    CHECK(volume.read(moved, 0, std::span<u8>()).error().is(FatError::Stale));
    {
        auto created = volume.create_file(fat_path({ "big" })).release_value();
        require_ok(volume.write(created, 0, bytes_of(second)));
    }
    auto reopened = volume.open(fat_path({ "big" })).release_value();
    REQUIRE(read_through(reopened, second.size()).value() == second);
    require_ok(volume.sync());
    require_clean(image);
}
