/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "FatTestSupport.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <random>

using namespace vectra;
using namespace vectra::test;
using fat::FatError;

namespace {

fat::Geometry geometry_of(std::vector<u8> const& bytes)
{
    return fat::parse_boot_sector(std::span<u8 const>(bytes.data(), 512), 512, bytes.size() / 512).release_value();
}

/* The byte offset of the root directory entry whose 11-byte short name is `short_name`. */
usize entry_offset(std::vector<u8> const& bytes, char const* short_name)
{
    auto geometry = geometry_of(bytes);
    usize root = usize(geometry.cluster_sector(geometry.root_cluster)) * 512;
    for (usize offset = root; offset < root + geometry.cluster_bytes(); offset += 32)
        if (memcmp(&bytes[offset], short_name, 11) == 0)
            return offset;
    FAIL("no entry " << short_name);
    return 0;
}

u32 first_cluster_at(std::vector<u8> const& bytes, usize offset)
{
    return u32(bytes[offset + 26] | bytes[offset + 27] << 8 | bytes[offset + 20] << 16 | bytes[offset + 21] << 24);
}

void set_fat(std::vector<u8>& bytes, u32 cluster, u32 value)
{
    auto geometry = geometry_of(bytes);
    for (u32 copy = 0; copy < geometry.fat_count; ++copy)
        fat::write_u32(
            &bytes[(geometry.reserved_sectors + copy * geometry.sectors_per_fat) * 512 + cluster * 4], value);
}

struct MemoryVolume {
    explicit MemoryVolume(std::vector<u8> bytes)
        : image(std::move(bytes))
        , device(image)
    {
    }
    std::vector<u8> image;
    ErrorOr<fat::Volume> mount() { return fat::Volume::mount(device, cache.memory()); }
    CuttingBlockDevice device;
    FatCacheMemory<16> cache;
};

Error mount_error(std::vector<u8> bytes)
{
    MemoryVolume memory(std::move(bytes));
    auto mounted = memory.mount();
    REQUIRE(mounted.is_error());
    return mounted.release_error();
}

}

TEST_CASE("Mount refuses what is not FAT32 or does not fit its device, saying why")
{
    FatImage image(34);
    auto good = image.bytes();
    CHECK(mount_error(std::vector<u8>(good.size(), 0)).is(FatError::NotFat32));

    FatImage fat16(8, "-F 16 -s 1");
    CHECK(mount_error(fat16.bytes()).is(FatError::NotFat32));

    auto second_fat_media = good;
    auto geometry = geometry_of(good);
    second_fat_media[(geometry.reserved_sectors + geometry.sectors_per_fat) * 512] = 0xF0;
    CHECK(mount_error(second_fat_media).is(FatError::NotFat32));

    auto no_fsinfo = good;
    no_fsinfo[geometry.fsinfo_sector * 512] ^= 0xFF;
    CHECK(mount_error(no_fsinfo).is(FatError::NotFat32));

    auto root_out_of_range = good;
    fat::write_u32(&root_out_of_range[44], geometry.cluster_count + 2);
    CHECK(mount_error(root_out_of_range).is(FatError::NotFat32));

    auto cluster_size_not_power = good;
    cluster_size_not_power[13] = 3;
    CHECK(mount_error(cluster_size_not_power).is(FatError::NotFat32));

    auto shortened = good;
    shortened.resize(good.size() / 2);
    CHECK(mount_error(shortened).is(FatError::DeviceMismatch));

    auto root_loops = good;
    set_fat(root_loops, geometry.root_cluster, geometry.root_cluster);
    CHECK(mount_error(root_loops).is(FatError::Corrupt));

    MemoryVolume fine(good);
    require_ok(fine.mount());
}

TEST_CASE("Cluster chains that loop, run out of range or end early are errors, not hangs")
{
    FatImage image(34);
    image.mtools_write("/DATA.BIN", pattern_bytes(2000, 1));
    image.mtools("mmd", "::/SUB");
    for (u32 index = 0; index < 20; ++index)
        image.mtools_write("/SUB/F" + std::to_string(index), "x");
    auto good = image.bytes();
    usize data_entry = entry_offset(good, "DATA    BIN");
    u32 first = first_cluster_at(good, data_entry);
    usize sub_entry = entry_offset(good, "SUB        ");
    u32 sub = first_cluster_at(good, sub_entry);

    SECTION("a loop in a file's chain")
    {
        auto bytes = good;
        set_fat(bytes, first + 3, first);
        MemoryVolume memory(bytes);
        auto volume = memory.mount().release_value();
        CHECK(volume.open(fat_path({ "DATA.BIN" })).error().is(FatError::Corrupt));
    }
    SECTION("a chain into a free cluster or past the cluster count")
    {
        for (u32 bad : { 0u, 0x0FFFFFF0u, 0x0FFFFFF7u, 1u }) {
            auto bytes = good;
            set_fat(bytes, first + 1, bad);
            MemoryVolume memory(bytes);
            auto volume = memory.mount().release_value();
            CHECK(volume.open(fat_path({ "DATA.BIN" })).error().is(FatError::Corrupt));
        }
    }
    SECTION("a size larger than the chain")
    {
        auto bytes = good;
        fat::write_u32(&bytes[data_entry + 28], 100000);
        MemoryVolume memory(bytes);
        auto volume = memory.mount().release_value();
        CHECK(volume.open(fat_path({ "DATA.BIN" })).error().is(FatError::Corrupt));
    }
    SECTION("a directory whose chain loops")
    {
        /* The first cluster (".", ".." and 14 files) is full: no end marker stops the walk. */
        auto bytes = good;
        set_fat(bytes, sub, sub);
        MemoryVolume memory(bytes);
        auto volume = memory.mount().release_value();
        std::vector<fat::DirectoryEntry> page(64);
        CHECK(volume.list(fat_path({ "SUB" }), 0, page).error().is(FatError::Corrupt));
        CHECK(volume.create_file(fat_path({ "SUB", "new" })).error().is(FatError::Corrupt));
    }
    SECTION("a directory entry pointing outside the data region")
    {
        auto bytes = good;
        fat::write_u16(&bytes[sub_entry + 26], 0xFFFF);
        fat::write_u16(&bytes[sub_entry + 20], 0x0FFF);
        MemoryVolume memory(bytes);
        auto volume = memory.mount().release_value();
        std::vector<fat::DirectoryEntry> page(4);
        CHECK(volume.list(fat_path({ "SUB" }), 0, page).error().is(FatError::Corrupt));
    }
}

TEST_CASE("Long-name sequences with a bad checksum or out of order fall back to the short name and are reported")
{
    FatImage image(34);
    image.mtools_write("/A long file name.txt", "long");
    auto bytes = image.bytes();
    usize short_entry = entry_offset(bytes, "ALONGF~1TXT");
    REQUIRE(bytes[short_entry - 32 + 11] == 0x0F);

    SECTION("bad checksum") { bytes[short_entry - 32 + 13] ^= 0x5A; }
    SECTION("sequence number out of order") { bytes[short_entry - 32] = 0x03; }
    SECTION("long entry with a cluster number") { bytes[short_entry - 32 + 26] = 1; }
    MemoryVolume memory(bytes);
    auto volume = memory.mount().release_value();
    std::vector<fat::DirectoryEntry> page(8);
    auto listed = volume.list(Path::root(), 0, page);
    require_ok(listed);
    REQUIRE(listed.value().count == 1);
    CHECK(page[0].name.view() == "ALONGF~1.TXT");
    CHECK(volume.report().broken_long_names > 0);
    CHECK(read_all(volume, fat_path({ "alongf~1.txt" })) == "long");
}

TEST_CASE("Directories full of random bytes list or fail, and every listed name opens or fails, without crashing")
{
    FatImage image(34);
    image.mtools("mmd", "::/SUB");
    auto good = image.bytes();
    auto geometry = geometry_of(good);
    u32 sub = first_cluster_at(good, entry_offset(good, "SUB        "));
    std::mt19937 random(7);
    for (u32 round = 0; round < 50; ++round) {
        CuttingBlockDevice device(good);
        usize start = usize(geometry.cluster_sector(sub)) * 512 + 64;
        for (usize offset = start; offset < start + 448; ++offset)
            device.poke(offset, u8(random()));
        FatCacheMemory<16> cache;
        auto volume = fat::Volume::mount(device, cache.memory()).release_value();
        std::vector<fat::DirectoryEntry> page(32);
        auto listed = volume.list(fat_path({ "SUB" }), 0, page);
        if (listed.is_error())
            continue;
        for (usize index = 0; index < listed.value().count; ++index) {
            auto name = page[index].name.view();
            if (Path::validate_component(name).is_error())
                continue;
            auto path = fat_path({ "SUB", name });
            auto file = volume.open(path);
            if (file.is_error())
                continue;
            u8 buffer[4096];
            (void)volume.read(file.value(), 0, buffer);
        }
    }
}

TEST_CASE("Basis names follow the 8.3 rules: upper case, substitutions, cuts and NT case bits")
{
    auto plain = fat::basis_name("readme.txt");
    CHECK(std::string_view(reinterpret_cast<char const*>(plain.name.data()), 11) == "README  TXT");
    CHECK(!plain.needs_long_name);
    CHECK(plain.case_flags == (fat::case_lower_base | fat::case_lower_extension));
    auto mixed = fat::basis_name("ReadMe.txt");
    CHECK(mixed.needs_long_name);
    CHECK(!mixed.lossy);
    auto lossy = fat::basis_name("a long name.text");
    CHECK(lossy.lossy);
    CHECK(std::string_view(reinterpret_cast<char const*>(lossy.name.data()), 11) == "ALONGNAMTEX");
    auto tailed = fat::with_tail(lossy.name, 12);
    CHECK(std::string_view(reinterpret_cast<char const*>(tailed.data()), 11) == "ALONG~12TEX");
    auto substituted = fat::basis_name("a+b.c");
    CHECK(std::string_view(reinterpret_cast<char const*>(substituted.name.data()), 11) == "A_B     C  ");
    CHECK(fat::long_name_from_utf8("\xC0\xAF").error().is(FatError::InvalidName));
    CHECK(fat::long_name_from_utf8(std::string(256, 'a')).error().is(FatError::InvalidName));
    CHECK(fat::long_name_from_utf8(std::string(255, 'a')).value().entry_count() == 20);
}

namespace {

/* 16 sectors in memory; each sector's bytes are its number; device reads are counted. */
class CountingDevice final : public fat::BlockDevice {
public:
    CountingDevice()
    {
        for (usize sector = 0; sector < 16; ++sector)
            std::fill_n(m_bytes.begin() + i64(sector * 512), 512, u8(sector));
    }
    u32 sector_size() const override { return 512; }
    u64 sector_count() const override { return 16; }
    ErrorOr<void> read_sectors(u64 first, std::span<u8> into) override
    {
        ++reads;
        std::copy_n(m_bytes.begin() + i64(first * 512), into.size(), into.begin());
        return {};
    }
    ErrorOr<void> write_sectors(u64 first, std::span<u8 const> from) override
    {
        std::copy(from.begin(), from.end(), m_bytes.begin() + i64(first * 512));
        return {};
    }
    ErrorOr<void> flush() override { return {}; }
    u64 reads { 0 };

private:
    std::array<u8, 16 * 512> m_bytes {};
};

}

TEST_CASE("The cache's recent(): only the sector used last, its current bytes, and the order of reuse unchanged")
{
    CountingDevice device;
    fat::CacheSlot slots[4];
    alignas(8) u8 bytes[4 * 512];
    fat::Cache cache(device, slots, bytes);
    REQUIRE(cache.recent(1) == nullptr);
    for (u64 sector = 1; sector <= 4; ++sector)
        REQUIRE(!cache.read(sector).is_error());
    REQUIRE(device.reads == 4);
    auto const* last = cache.recent(4);
    REQUIRE(last != nullptr);
    REQUIRE(last[0] == 4);
    REQUIRE(cache.recent(3) == nullptr); /* cached, but not the slot used last */
    REQUIRE(cache.recent(5) == nullptr);
    /* A change through modify() is what recent() shows. */
    auto* changed = cache.modify(3).release_value();
    changed[0] = 0x33;
    REQUIRE(cache.recent(3) == changed);
    REQUIRE(cache.recent(3)[0] == 0x33);
    REQUIRE(cache.recent(4) == nullptr);
    /* recent() touches nothing: 1 was used first, so sector 5 takes its slot (2 and 4 stay). */
    for (int repeat = 0; repeat < 10; ++repeat)
        REQUIRE(cache.recent(3) != nullptr);
    REQUIRE(!cache.read(2).is_error());
    REQUIRE(!cache.read(4).is_error());
    REQUIRE(!cache.read(5).is_error());
    REQUIRE(device.reads == 5);
    REQUIRE(!cache.read(2).is_error());
    REQUIRE(!cache.read(3).is_error());
    REQUIRE(!cache.read(4).is_error());
    REQUIRE(device.reads == 5);
    REQUIRE(cache.read(3).value()[0] == 0x33);
    cache.forget_all();
    REQUIRE(cache.recent(4) == nullptr);
}
