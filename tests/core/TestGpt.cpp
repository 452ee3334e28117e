/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The GPT parser against disks made by Debian's sgdisk and sfdisk, then against the same disks
 * damaged one way at a time: each damage either falls back to the good copy (and says which copy
 * was bad) or refuses the disk with its reason; nothing is read past the disk.
 */

#include "BlockDisks.h"
#include <vectra/block/Crc32.h>

using namespace vectra;
using namespace vectra::block;
using test::MemoryDisk;
using test::TemporaryDisk;

namespace {

constexpr u64 disk_bytes = 4 * MiB; /* 8192 blocks */
constexpr u64 last_block = disk_bytes / 512 - 1;

/* sgdisk: three partitions, names, types; a gap between the second and third. */
MemoryDisk sgdisk_disk()
{
    TemporaryDisk file(disk_bytes);
    file.run("sgdisk -a 8 -U 11111111-2222-3333-4444-555555555555"
             " -n 1:2048:+1M -c 1:raw -t 1:8300 -u 1:AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE"
             " -n 2:4096:+1M -c 2:boot -t 2:0700"
             " -n 3:7000:8100 -c 3:'last one' -t 3:8300 " + file.quoted());
    return MemoryDisk::from_file(file.path());
}

std::string guid_text(gpt::Guid const& guid) { return std::string(guid.text().view()); }

/* Rewrites header `at` after an edit: header CRC recomputed (its entry CRC is taken as it stands). */
void reseal_header(MemoryDisk& disk, u64 at)
{
    auto block = disk.block(at);
    u32 size;
    std::memcpy(&size, block.data() + 12, 4);
    std::memset(block.data() + 16, 0, 4);
    u32 crc = crc32(block.first(size));
    std::memcpy(block.data() + 16, &crc, 4);
}

/* Writes `entry`'s first/last blocks in both entry arrays and reseals everything, so only the rule under test is broken. */
void set_partition(MemoryDisk& disk, u32 entry, u64 first, u64 last)
{
    for (u64 header_block : { u64(1), last_block }) {
        auto header = disk.block(header_block);
        u64 entries_block;
        u32 count, size;
        std::memcpy(&entries_block, header.data() + 72, 8);
        std::memcpy(&count, header.data() + 80, 4);
        std::memcpy(&size, header.data() + 84, 4);
        u8* entries = disk.bytes().data() + entries_block * 512;
        std::memcpy(entries + entry * size + 32, &first, 8);
        std::memcpy(entries + entry * size + 40, &last, 8);
        u32 crc = crc32(std::span<u8 const>(entries, usize(count) * size));
        std::memcpy(header.data() + 88, &crc, 4);
        reseal_header(disk, header_block);
    }
}

}

TEST_CASE("CRC-32 matches the standard check value", "[block][gpt]")
{
    char const* text = "123456789";
    REQUIRE(crc32(std::span<u8 const>(reinterpret_cast<u8 const*>(text), 9)) == 0xCBF43926u);
    Crc32 pieces;
    pieces.update(std::span<u8 const>(reinterpret_cast<u8 const*>(text), 4));
    pieces.update(std::span<u8 const>(reinterpret_cast<u8 const*>(text) + 4, 5));
    REQUIRE(pieces.value() == 0xCBF43926u);
}

TEST_CASE("a disk made by sgdisk reads back as sgdisk made it", "[block][gpt]")
{
    auto disk = sgdisk_disk();
    auto table = gpt::read(disk);
    REQUIRE(!table.is_error());
    auto const& read = table.value();
    REQUIRE(read.primary_problem == nullptr);
    REQUIRE(read.backup_problem == nullptr);
    REQUIRE(guid_text(read.disk) == "11111111-2222-3333-4444-555555555555");
    REQUIRE(read.first_usable == 34);
    REQUIRE(read.last_usable == last_block - 33);
    REQUIRE(read.used().size() == 3);
    auto const& raw = read.used()[0];
    REQUIRE(raw.entry == 0);
    REQUIRE(raw.name == "raw");
    REQUIRE(raw.first_block == 2048);
    REQUIRE(raw.last_block == 2048 + 2048 - 1);
    REQUIRE(raw.block_count() == 2048);
    REQUIRE(guid_text(raw.type) == "0FC63DAF-8483-4772-8E79-3D69D8477DE4"); /* 8300: Linux filesystem */
    REQUIRE(guid_text(raw.unique) == "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE");
    auto const* boot = read.find("boot");
    REQUIRE(boot != nullptr);
    REQUIRE(guid_text(boot->type) == "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"); /* 0700: basic data */
    REQUIRE(boot->first_block == 4096);
    auto const* last = read.find("last one");
    REQUIRE(last != nullptr);
    REQUIRE(last->first_block == 7000);
    REQUIRE(last->last_block == 8100);
    REQUIRE(read.find("missing") == nullptr);
}

TEST_CASE("a disk made by sfdisk reads back as sfdisk made it", "[block][gpt]")
{
    TemporaryDisk file(disk_bytes);
    file.run("printf 'label: gpt\\nlabel-id: 01234567-89AB-CDEF-0123-456789ABCDEF\\nfirst-lba: 34\\n"
             "start=100, size=200, name=first\\nstart=400, size=1000, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name=second\\n'"
             " | sfdisk --no-reread --no-tell-kernel " + file.quoted());
    auto disk = MemoryDisk::from_file(file.path());
    auto table = gpt::read(disk);
    REQUIRE(!table.is_error());
    REQUIRE(guid_text(table.value().disk) == "01234567-89AB-CDEF-0123-456789ABCDEF");
    REQUIRE(table.value().used().size() == 2);
    REQUIRE(table.value().find("first")->first_block == 100);
    REQUIRE(table.value().find("first")->last_block == 299);
    REQUIRE(table.value().find("second")->block_count() == 1000);
}

TEST_CASE("a damaged primary or backup falls back to the other copy and says so", "[block][gpt]")
{
    auto pristine = sgdisk_disk();

    SECTION("primary header CRC")
    {
        auto disk = pristine;
        disk.block(1)[40] ^= 1; /* first usable, not resealed */
        auto table = gpt::read(disk);
        REQUIRE(!table.is_error());
        REQUIRE(std::string(table.value().primary_problem) == "the header's CRC32 does not match");
        REQUIRE(table.value().backup_problem == nullptr);
        REQUIRE(table.value().used().size() == 3);
    }
    SECTION("primary entry array")
    {
        auto disk = pristine;
        disk.block(2)[60] ^= 0x20; /* the first partition's name */
        auto table = gpt::read(disk);
        REQUIRE(!table.is_error());
        REQUIRE(std::string(table.value().primary_problem) == "the partition entry array's CRC32 does not match its header");
        REQUIRE(table.value().find("raw") != nullptr); /* the backup's entries were used */
    }
    SECTION("backup header signature")
    {
        auto disk = pristine;
        disk.block(last_block)[0] = 'X';
        auto table = gpt::read(disk);
        REQUIRE(!table.is_error());
        REQUIRE(table.value().primary_problem == nullptr);
        REQUIRE(std::string(table.value().backup_problem) == "no \"EFI PART\" signature");
    }
    SECTION("both headers")
    {
        auto disk = pristine;
        disk.block(1)[0] = 'X';
        disk.block(last_block)[8] = 2;
        auto table = gpt::read(disk);
        REQUIRE(table.is_error());
        REQUIRE(table.error().is(gpt::GptError::NoValidHeader));
    }
    SECTION("headers that disagree, each valid on its own")
    {
        auto disk = pristine;
        disk.block(last_block)[56] ^= 0xFF; /* the disk GUID */
        reseal_header(disk, last_block);
        auto table = gpt::read(disk);
        REQUIRE(table.is_error());
        REQUIRE(table.error().is(gpt::GptError::HeadersDisagree));
    }
    SECTION("a header naming another block as its own")
    {
        auto disk = pristine;
        u64 elsewhere = 5;
        std::memcpy(disk.block(1).data() + 24, &elsewhere, 8);
        reseal_header(disk, 1);
        auto table = gpt::read(disk);
        REQUIRE(!table.is_error());
        REQUIRE(std::string(table.value().primary_problem) == "the header does not name the block it was found in");
    }
}

TEST_CASE("partitions outside the usable range or overlapping are refused", "[block][gpt]")
{
    auto pristine = sgdisk_disk();
    struct Case {
        char const* what;
        u32 entry;
        u64 first;
        u64 last;
        gpt::GptError expected;
    };
    Case cases[] = {
        { "past the last usable block", 2, 7000, last_block - 33 + 1, gpt::GptError::PartitionOutsideUsable },
        { "over the backup header", 2, 7000, last_block, gpt::GptError::PartitionOutsideUsable },
        { "before the first usable block", 0, 33, 4095, gpt::GptError::PartitionOutsideUsable },
        { "reversed", 0, 3000, 2048, gpt::GptError::PartitionOutsideUsable },
        { "overlapping the next by one block", 0, 2048, 4096, gpt::GptError::PartitionsOverlap },
        { "inside another", 2, 4100, 4200, gpt::GptError::PartitionsOverlap },
        { "wrapping around 2^64", 2, 7000, ~u64(0), gpt::GptError::PartitionOutsideUsable },
    };
    for (auto const& each : cases) {
        INFO(each.what);
        auto disk = pristine;
        set_partition(disk, each.entry, each.first, each.last);
        auto table = gpt::read(disk);
        REQUIRE(table.is_error());
        REQUIRE(table.error().is(each.expected));
    }
    auto disk = pristine;
    set_partition(disk, 2, 7000, last_block - 33); /* exactly the last usable block: fine */
    REQUIRE(!gpt::read(disk).is_error());
}

TEST_CASE("the protective MBR is required and a hybrid one refused", "[block][gpt]")
{
    auto pristine = sgdisk_disk();
    SECTION("no MBR")
    {
        auto disk = pristine;
        std::memset(disk.block(0).data(), 0, 512);
        REQUIRE(gpt::read(disk).error().is(gpt::GptError::NoProtectiveMbr));
    }
    SECTION("hybrid: a FAT partition beside the protective one")
    {
        auto disk = pristine;
        u8* second = disk.block(0).data() + 446 + 16;
        second[4] = 0x0C;
        u32 first = 2048, count = 2048;
        std::memcpy(second + 8, &first, 4);
        std::memcpy(second + 12, &count, 4);
        REQUIRE(gpt::read(disk).error().is(gpt::GptError::NoProtectiveMbr));
    }
    SECTION("protective partition not starting at block 1")
    {
        auto disk = pristine;
        disk.block(0)[446 + 8] = 2;
        REQUIRE(gpt::read(disk).error().is(gpt::GptError::NoProtectiveMbr));
    }
}

TEST_CASE("header fields that would steer reads off the disk are refused before any read", "[block][gpt]")
{
    auto pristine = sgdisk_disk();
    struct Case {
        char const* what;
        usize offset;
        u64 value;
        usize width;
    };
    Case cases[] = {
        { "entry array past the disk", 72, last_block, 8 },
        { "entry array over the usable range", 72, 40, 8 },
        { "entry array at block 0..", 72, 0, 8 },
        { "entry count above 1024", 80, 5000, 4 },
        { "entry count zero", 80, 0, 4 },
        { "entry size not a power of two", 84, 192, 4 },
        { "entry size above a block", 84, 1024, 4 },
        { "header size above its block", 12, 600, 4 },
        { "header size below 92", 12, 91, 4 },
        { "usable range reaching the backup header", 48, last_block, 8 },
        { "alternate past the disk", 32, last_block + 1, 8 },
    };
    for (auto const& each : cases) {
        INFO(each.what);
        auto disk = pristine;
        std::memcpy(disk.block(1).data() + each.offset, &each.value, each.width);
        std::memcpy(disk.block(last_block).data() + each.offset, &each.value, each.width);
        reseal_header(disk, 1);
        if (each.offset != 12)
            reseal_header(disk, last_block);
        auto table = gpt::read(disk);
        REQUIRE(table.is_error());
        REQUIRE(table.error().is(gpt::GptError::NoValidHeader));
        REQUIRE(disk.reads == 3); /* the MBR and the two headers: no entry array was read */
    }
}

TEST_CASE("disks too small or with odd block sizes are refused", "[block][gpt]")
{
    MemoryDisk tiny(std::vector<u8>(5 * 512));
    REQUIRE(gpt::read(tiny).error().is(gpt::GptError::UnsupportedGeometry));
    MemoryDisk odd(std::vector<u8>(64 * 520), 520);
    REQUIRE(gpt::read(odd).error().is(gpt::GptError::UnsupportedGeometry));
    MemoryDisk blank(std::vector<u8>(64 * 512));
    REQUIRE(gpt::read(blank).error().is(gpt::GptError::NoProtectiveMbr));
}
