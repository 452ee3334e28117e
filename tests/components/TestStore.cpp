/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "StoreSupport.h"
#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <random>
#include <vectra/block/Crc32.h>
#include <vectra/store/Layout.h>

using namespace vectra;
using namespace vectra::test;

namespace {

constexpr u64 disk_bytes = 4 * MiB;

template<typename T>
T must(ErrorOr<T> result)
{
    INFO((result.is_error() ? result.error().message() : "ok"));
    REQUIRE(!result.is_error());
    return result.release_value();
}

void must(ErrorOr<void> result)
{
    INFO((result.is_error() ? result.error().message() : "ok"));
    REQUIRE(!result.is_error());
}

struct Fixture {
    MemoryDevice device { disk_bytes };
    StoreMemory memory;

    /* `cache_slots`: the store's cache (none, or a few blocks so that writes back and reads ahead happen often). */
    explicit Fixture(usize cache_slots = 0)
        : memory(256, 1024, disk_bytes / store::block_size, 64 * KiB, cache_slots)
    {
        must(store::Store::format(device, memory.memory()));
    }
    store::Store mount() { return must(store::Store::mount(device, memory.memory())); }
};

std::string pattern(usize size, u32 seed)
{
    std::string bytes(size, '\0');
    std::mt19937 random(seed);
    for (auto& byte : bytes)
        byte = char(random());
    return bytes;
}

std::map<std::string, std::string> everything(store::Store& store)
{
    std::map<std::string, std::string> files;
    usize cursor = 0;
    store::Listing page[3];
    for (usize count; (count = store.list("", cursor, page)) != 0;) {
        for (usize index = 0; index < count; ++index) {
            auto file = must(store.open(page[index].name));
            files[std::string(page[index].name)] = read_whole(store, file);
        }
    }
    return files;
}

}

TEST_CASE("A store formats, mounts empty, and keeps what was synced across a mount")
{
    Fixture fixture;
    {
        auto store = fixture.mount();
        CHECK(everything(store).empty());
        CHECK(store.report().generation == 1);
        auto file = must(store.create("notes/first.txt"));
        auto bytes = pattern(10000, 1);
        must(store.write(file, 0, bytes_of_text(bytes)));
        CHECK(read_whole(store, file) == bytes);
        must(store.sync());
        CHECK(store.report().generation == 2);
    }
    auto store = fixture.mount();
    auto files = everything(store);
    REQUIRE(files.size() == 1);
    CHECK(files["notes/first.txt"] == pattern(10000, 1));
    CHECK(!store.report().fell_back);
}

TEST_CASE("What was not synced is not there after a mount, though its blocks were written")
{
    Fixture fixture(GENERATE(0, 8)); /* without a cache, and with 8 blocks of one */
    {
        auto store = fixture.mount();
        auto kept = must(store.create("kept"));
        must(store.write(kept, 0, bytes_of_text(pattern(5000, 2))));
        must(store.sync());
        must(store.write(kept, 100, bytes_of_text(pattern(9000, 3))));
        auto lost = must(store.create("lost"));
        must(store.write(lost, 0, bytes_of_text(pattern(100, 4))));
        must(store.rename("kept", "renamed"));
    }
    auto store = fixture.mount();
    auto files = everything(store);
    REQUIRE(files.size() == 1);
    CHECK(files["kept"] == pattern(5000, 2));
}

TEST_CASE("A file rewritten in 512-byte pieces between syncs stays one run of blocks, and reads back")
{
    /* SQLite writes a page as eight vfs messages and rewrites pages again and again: each piece of a block written
     * since the last sync goes in place, and a block copied away from its commit goes after its file neighbour. */
    Fixture fixture(GENERATE(0, 8)); /* without a cache, and with 8 blocks of one */
    constexpr usize blocks = 64;
    auto store = fixture.mount();
    auto file = must(store.create("database"));
    auto expected = pattern(blocks * store::block_size, 1);
    must(store.write(file, 0, bytes_of_text(expected)));
    must(store.sync());
    u64 free_after_first = store.report().free_blocks;
    for (u32 round = 2; round < 12; ++round) {
        auto bytes = pattern(blocks * store::block_size, round);
        for (usize at = 0; at < bytes.size(); at += 512)
            must(store.write(file, at, bytes_of_text(bytes.substr(at, 512))));
        INFO("round " << round);
        CHECK(store.report().extents == 1);
        CHECK(read_whole(store, file) == bytes);
        expected = bytes;
        must(store.sync());
        /* The old commit's blocks came back: nothing leaks across rounds. */
        CHECK(store.report().free_blocks == free_after_first);
    }
    auto again = fixture.mount();
    CHECK(read_whole(again, must(again.open("database"))) == expected);
    CHECK(again.report().extents == 1);
}

TEST_CASE("Writes at offsets, holes, truncation and extension read back as a byte model says")
{
    Fixture fixture(GENERATE(0, 8)); /* without a cache, and with 8 blocks of one */
    auto store = fixture.mount();
    auto file = must(store.create("model"));
    std::string model;
    std::mt19937 random(7);
    for (int step = 0; step < 300; ++step) {
        if (random() % 5 == 0) {
            usize size = random() % 40000;
            must(store.truncate(file, size));
            model.resize(size, '\0');
        } else {
            usize offset = random() % 40000;
            auto bytes = pattern(1 + random() % (random() % 3 ? 9000 : 20000), u32(step));
            must(store.write(file, offset, bytes_of_text(bytes)));
            if (model.size() < offset + bytes.size())
                model.resize(offset + bytes.size(), '\0');
            model.replace(offset, bytes.size(), bytes);
        }
        if (random() % 7 == 0)
            must(store.sync());
        REQUIRE(read_whole(store, file) == model);
    }
    must(store.sync());
    auto again = fixture.mount();
    CHECK(read_whole(again, must(again.open("model"))) == model);
    /* Copy-on-write frees the old blocks at each commit: the disk does not fill up. */
    CHECK(again.report().free_blocks > again.report().block_count / 2);
}

TEST_CASE("A file past 4 GiB keeps its size and bytes; its hole reads as zeroes and takes no blocks")
{
    Fixture fixture;
    {
        auto store = fixture.mount();
        auto file = must(store.create("large"));
        u64 offset = 5 * GiB + 123;
        must(store.write(file, offset, bytes_of_text(pattern(7000, 9))));
        must(store.sync());
    }
    auto store = fixture.mount();
    auto file = must(store.open("large"));
    auto status = must(store.stat(file));
    CHECK(status.size == 5 * GiB + 123 + 7000);
    CHECK(status.blocks == 2); /* bytes 123 to 7123 of the block at 5 GiB and the next */
    std::string tail(7000, '\0');
    CHECK(must(store.read(file, 5 * GiB + 123, { reinterpret_cast<u8*>(tail.data()), tail.size() })) == 7000);
    CHECK(tail == pattern(7000, 9));
    std::string hole(10000, 'x');
    CHECK(must(store.read(file, 4 * GiB - 5000, { reinterpret_cast<u8*>(hole.data()), hole.size() })) == 10000);
    CHECK(hole == std::string(10000, '\0'));
    CHECK(must(store.read(file, status.size + 1, { reinterpret_cast<u8*>(hole.data()), hole.size() })) == 0);
}

TEST_CASE("Rename replaces its target, remove forgets, and handles of a replaced file go stale")
{
    Fixture fixture(GENERATE(0, 8)); /* without a cache, and with 8 blocks of one */
    auto store = fixture.mount();
    auto first = must(store.create("a"));
    must(store.write(first, 0, bytes_of_text(std::string("first"))));
    auto second = must(store.create("b"));
    must(store.write(second, 0, bytes_of_text(std::string("second"))));
    CHECK(store.create("a").error().is(store::StoreError::Exists));
    must(store.rename("a", "b"));
    CHECK(store.stat(second).error().is(store::StoreError::Stale));
    CHECK(read_whole(store, first) == "first");
    CHECK(store.open("a").error().is(store::StoreError::NotFound));
    must(store.remove("b"));
    CHECK(store.stat(first).error().is(store::StoreError::Stale));
    CHECK(store.remove("b").error().is(store::StoreError::NotFound));
    CHECK(store.create("").error().is(store::StoreError::InvalidName));
    CHECK(store.create(std::string(256, 'n')).error().is(store::StoreError::InvalidName));
    CHECK(store.create(std::string_view("a\0b", 3)).error().is(store::StoreError::InvalidName));
    auto reborn = must(store.create("b"));
    CHECK(store.stat(first).error().is(store::StoreError::Stale));
    CHECK(must(store.stat(reborn)).size == 0);
}

TEST_CASE("Listing pages through names with a prefix, each once")
{
    Fixture fixture;
    auto store = fixture.mount();
    for (int index = 0; index < 100; ++index)
        (void)must(store.create((index % 2 ? "dir/" : "other/") + std::to_string(index)));
    must(store.remove("dir/51"));
    std::vector<std::string> names;
    usize cursor = 0;
    store::Listing page[7];
    for (usize count; (count = store.list("dir/", cursor, page)) != 0;)
        for (usize index = 0; index < count; ++index)
            names.emplace_back(page[index].name);
    CHECK(names.size() == 49);
    std::sort(names.begin(), names.end());
    CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
}

TEST_CASE("A full store says no-space and keeps every committed file")
{
    Fixture fixture(GENERATE(0, 8)); /* without a cache, and with 8 blocks of one */
    auto store = fixture.mount();
    auto kept = must(store.create("kept"));
    must(store.write(kept, 0, bytes_of_text(pattern(100000, 5))));
    must(store.sync());
    auto big = must(store.create("big"));
    auto huge = pattern(disk_bytes, 6);
    auto written = store.write(big, 0, bytes_of_text(huge));
    REQUIRE(written.is_error());
    CHECK(written.error().is(store::StoreError::NoSpace));
    must(store.remove("big"));
    must(store.sync());
    auto again = fixture.mount();
    CHECK(read_whole(again, must(again.open("kept"))) == pattern(100000, 5));
    CHECK(everything(again).size() == 1);
}

TEST_CASE("Mount refuses what is not a store, and takes the older commit when the newer is damaged")
{
    SECTION("zeroes are not a store")
    {
        MemoryDevice device(disk_bytes);
        StoreMemory memory(16, 64, disk_bytes / store::block_size, 64 * KiB);
        CHECK(store::Store::mount(device, memory.memory()).error().is(store::StoreError::NotAStore));
    }
    Fixture fixture;
    {
        auto store = fixture.mount();
        auto file = must(store.create("one"));
        must(store.write(file, 0, bytes_of_text(std::string("generation two"))));
        must(store.sync());
        must(store.write(file, 0, bytes_of_text(std::string("generation 3!!"))));
        must(store.sync());
        CHECK(store.report().generation == 3);
    }
    auto newest = fixture.mount().report();
    SECTION("a damaged newer superblock")
    {
        fixture.device.bytes()[(newest.generation % 2) * store::block_size + 20] ^= 1;
        auto store = fixture.mount();
        CHECK(store.report().generation == 2);
        CHECK(read_whole(store, must(store.open("one"))) == "generation two");
    }
    SECTION("a damaged newer catalog")
    {
        std::array<u8, store::superblock_bytes> sector;
        std::copy_n(fixture.device.bytes().begin() + i64((newest.generation % 2) * store::block_size), sector.size(),
            sector.begin());
        auto superblock = must(store::decode_superblock(sector, disk_bytes / store::block_size));
        fixture.device.bytes()[superblock.catalog_block * store::block_size + 20] ^= 0x40;
        auto store = fixture.mount();
        CHECK(store.report().fell_back);
        CHECK(read_whole(store, must(store.open("one"))) == "generation two");
        /* The next commit goes to the damaged one's slot and is the newest after it. */
        auto file = must(store.open("one"));
        must(store.write(file, 0, bytes_of_text(std::string("generation 3b"))));
        must(store.sync());
        auto again = fixture.mount();
        CHECK(!again.report().fell_back);
        CHECK(read_whole(again, must(again.open("one"))) == "generation 3bo");
    }
    SECTION("both superblocks damaged")
    {
        fixture.device.bytes()[20] ^= 1;
        fixture.device.bytes()[store::block_size + 20] ^= 1;
        CHECK(store::Store::mount(fixture.device, fixture.memory.memory()).error().is(store::StoreError::Corrupt));
    }
    SECTION("a store larger than its device")
    {
        MemoryDevice smaller(
            std::vector<u8>(fixture.device.bytes().begin(), fixture.device.bytes().begin() + disk_bytes / 2));
        CHECK(store::Store::mount(smaller, fixture.memory.memory()).error().is(store::StoreError::DeviceMismatch));
    }
    SECTION("memory too small for the catalog's files")
    {
        StoreMemory small(0 + 1, 1, disk_bytes / store::block_size, 64 * KiB);
        auto store = fixture.mount();
        (void)must(store.create("two"));
        must(store.sync());
        CHECK(store::Store::mount(fixture.device, small.memory()).error().is(store::StoreError::OutOfMemory));
    }
}

TEST_CASE("Ten thousand names, after a removal left a free node and a removed slot in the index")
{
    MemoryDevice device(64 * MiB);
    StoreMemory memory(10016, 40000, 64 * MiB / store::block_size, 1 * MiB);
    must(store::Store::format(device, memory.memory()));
    {
        auto store = must(store::Store::mount(device, memory.memory()));
        (void)must(store.create("big.bin"));
        must(store.sync());
    }
    auto store = must(store::Store::mount(device, memory.memory()));
    must(store.remove("big.bin"));
    must(store.sync());
    char name[32];
    for (u32 index = 0; index < 10000; ++index) {
        snprintf(name, sizeof(name), "small/file%05u.txt", index);
        INFO(name);
        auto file = must(store.create(name));
        must(store.write(file, 0, bytes_of_text(std::string(name))));
    }
    must(store.sync());
    auto again = must(store::Store::mount(device, memory.memory()));
    for (u32 index = 0; index < 10000; index += 997) {
        snprintf(name, sizeof(name), "small/file%05u.txt", index);
        CHECK(read_whole(again, must(again.open(name))) == name);
    }
    /* Removing them all rebuilds the index on the way (most of its slots become removed ones)... */
    for (u32 index = 0; index < 10000; ++index) {
        snprintf(name, sizeof(name), "small/file%05u.txt", index);
        must(again.remove(name));
    }
    for (u32 index = 0; index < 10000; index += 7) {
        snprintf(name, sizeof(name), "small/file%05u.txt", index);
        CHECK(again.open(name).error().is(store::StoreError::NotFound));
    }
    /* ...and every name can be created again, renamed, and found under its new name only. */
    for (u32 index = 0; index < 10000; ++index) {
        snprintf(name, sizeof(name), "small/file%05u.txt", index);
        INFO(name);
        (void)must(again.create(name));
        if (index % 3 == 0)
            must(again.rename(name, std::string(name) + ".moved"));
    }
    for (u32 index = 0; index < 10000; index += 3) {
        snprintf(name, sizeof(name), "small/file%05u.txt", index);
        CHECK(again.open(name).error().is(store::StoreError::NotFound));
        (void)must(again.open(std::string(name) + ".moved"));
    }
}

namespace {

/* A disk whose flushes fail from the `failing`-th on (counting from 1), as a disk that went away does. */
class FailingFlushes final : public block::Device {
public:
    FailingFlushes(block::Device& disk, u32 failing)
        : m_disk(disk)
        , m_failing(failing)
    {
    }
    u32 sector_size() const override { return m_disk.sector_size(); }
    u64 sector_count() const override { return m_disk.sector_count(); }
    ErrorOr<void> read_sectors(u64 first, std::span<u8> into) override { return m_disk.read_sectors(first, into); }
    ErrorOr<void> write_sectors(u64 first, std::span<u8 const> from) override
    {
        return m_disk.write_sectors(first, from);
    }
    ErrorOr<void> flush() override
    {
        if (++m_flushes >= m_failing)
            return Error(ErrorCode::Unsupported, "the disk is gone");
        return m_disk.flush();
    }

private:
    block::Device& m_disk;
    u32 m_failing;
    u32 m_flushes { 0 };
};

}

TEST_CASE("After a sync fails, every change is refused until the store is mounted again")
{
    for (u32 failing : { 1u, 2u }) {
        Fixture fixture;
        {
            auto store = fixture.mount();
            auto file = must(store.create("kept"));
            must(store.write(file, 0, bytes_of_text(std::string("committed"))));
            must(store.sync());
        }
        FailingFlushes disk(fixture.device, failing);
        auto store = must(store::Store::mount(disk, fixture.memory.memory()));
        auto file = must(store.open("kept"));
        must(store.write(file, 0, bytes_of_text(std::string("COMMITTED?"))));
        INFO("the flush that fails: " << failing);
        CHECK(store.sync().is_error());
        CHECK(store.write(file, 0, bytes_of_text(std::string("x"))).error().is(store::StoreError::Stale));
        CHECK(store.create("new").error().is(store::StoreError::Stale));
        CHECK(store.rename("kept", "moved").error().is(store::StoreError::Stale));
        CHECK(store.remove("kept").error().is(store::StoreError::Stale));
        CHECK(store.truncate(file, 0).error().is(store::StoreError::Stale));
        CHECK(store.sync().error().is(store::StoreError::Stale));
        /* The memory disk kept every write: the failed flush was the first (before the superblock) or the second. */
        auto again = fixture.mount();
        CHECK(read_whole(again, must(again.open("kept"))) == (failing == 1 ? "committed" : "COMMITTED?"));
    }
}

namespace {

/* `count` files of 100 bytes, created and written, then synced; each file's bytes its number's pattern. */
void small_files(store::Store& store, u32 count)
{
    for (u32 number = 0; number < count; ++number) {
        auto file = must(store.create("small/" + std::to_string(number)));
        must(store.write(file, 0, bytes_of_text(pattern(100, number))));
    }
    must(store.sync());
}

/* Whether the disk holds `bytes` anywhere. */
bool on_disk(MemoryDevice const& device, std::string const& bytes)
{
    auto const& disk = device.bytes();
    return std::search(disk.begin(), disk.end(), bytes.begin(), bytes.end(), [](u8 held, char wanted) {
        return held == u8(wanted);
    }) != disk.end();
}

bool small_files_read_back(store::Store& store, u32 count)
{
    for (u32 number = 0; number < count; ++number) {
        if (read_whole(store, must(store.open("small/" + std::to_string(number)))) != pattern(100, number))
            return false;
    }
    return true;
}

}

TEST_CASE("With a cache, 200 small files cost a few device requests in runs, not one or two each")
{
    /* What the cache is for, counted: without it each small file's create is a write request and each read a read
     * request; with 64 blocks of cache the writes go out in runs when the cache fills and at the sync, and a read
     * that misses brings the next files' blocks with it. */
    constexpr u32 files = 200;
    Fixture uncached(0);
    auto plain = uncached.mount();
    small_files(plain, files);
    CHECK(small_files_read_back(plain, files));
    auto without = plain.report();

    Fixture cached(64);
    auto store = cached.mount();
    small_files(store, files);
    CHECK(small_files_read_back(store, files));
    auto with = store.report();
    INFO("without a cache: " << without.device_writes << " writes, " << without.device_reads << " reads; with: "
                             << with.device_writes << " writes, " << with.device_reads << " reads, "
                             << with.cache_hits << " hits");
    CHECK(without.device_writes >= files);
    CHECK(without.device_reads >= files);
    CHECK(with.device_writes <= files / 8);
    CHECK(with.device_reads <= files / 8);
    CHECK(with.blocks_written >= files); /* every file's block did reach the disk */
    CHECK(without.flushes == 2); /* the commit: blocks and catalog, flush, superblock, flush */
    CHECK(with.flushes == 2); /* it adds 200 blocks, more than the cache holds: the same two flushes */
    CHECK(with.single_flush_commits == 0);
    auto again = cached.mount();
    CHECK(small_files_read_back(again, files));
}

TEST_CASE("With a cache, a block written since the last sync reaches the disk only through a sync or a write-back")
{
    Fixture fixture(64);
    auto store = fixture.mount();
    auto file = must(store.create("pending"));
    u64 writes_before = fixture.device.writes();
    must(store.write(file, 0, bytes_of_text(pattern(100, 41))));
    must(store.write(file, 50, bytes_of_text(pattern(3000, 42))));
    CHECK(fixture.device.writes() == writes_before);
    std::string expected = pattern(100, 41).substr(0, 50) + pattern(3000, 42);
    CHECK(read_whole(store, file) == expected);
    CHECK(!on_disk(fixture.device, pattern(3000, 42)));
    must(store.sync());
    CHECK(on_disk(fixture.device, expected));
    auto again = fixture.mount();
    CHECK(read_whole(again, must(again.open("pending"))) == expected);
}

TEST_CASE("With a cache, a dirty block freed before the sync never reaches the disk, and another file's is kept")
{
    /* The rule: a freed block's cached bytes belong to nothing. A cache that kept them would write them back into a
     * free block (or over a block reused since). */
    Fixture fixture(64);
    auto store = fixture.mount();
    auto doomed = must(store.create("doomed"));
    must(store.write(doomed, 0, bytes_of_text(pattern(300, 51))));
    auto truncated = must(store.create("truncated"));
    must(store.write(truncated, 0, bytes_of_text(pattern(8192, 52))));
    must(store.truncate(truncated, 10));
    auto kept = must(store.create("kept"));
    must(store.write(kept, 0, bytes_of_text(pattern(300, 53))));
    must(store.remove("doomed"));
    must(store.sync());
    CHECK(!on_disk(fixture.device, pattern(300, 51)));
    CHECK(!on_disk(fixture.device, pattern(8192, 52).substr(4096))); /* the truncated file's second block */
    CHECK(on_disk(fixture.device, pattern(300, 53)));
    auto again = fixture.mount();
    CHECK(read_whole(again, must(again.open("kept"))) == pattern(300, 53));
    CHECK(read_whole(again, must(again.open("truncated"))) == pattern(8192, 52).substr(0, 10));
}

TEST_CASE("With a cache, a long read straight from the device sees the blocks still dirty in the cache")
{
    /* 64 blocks written in one request (straight to the device), then bytes inside block 30 rewritten before any sync:
     * that block is rewritten in place, so it is dirty in the cache in the middle of the file's one run, and a read of
     * the whole file (one device request for the run) must take it from the cache. */
    Fixture fixture(8);
    auto store = fixture.mount();
    auto file = must(store.create("long"));
    auto bytes = pattern(64 * store::block_size, 61);
    must(store.write(file, 0, bytes_of_text(bytes)));
    auto patch = pattern(100, 62);
    must(store.write(file, 30 * store::block_size + 7, bytes_of_text(patch)));
    bytes.replace(30 * store::block_size + 7, patch.size(), patch);
    CHECK(store.report().extents == 1);
    u64 reads_before = store.report().device_reads;
    CHECK(read_whole(store, file) == bytes);
    CHECK(store.report().device_reads - reads_before == 1);
    must(store.sync());
    auto again = fixture.mount();
    CHECK(read_whole(again, must(again.open("long"))) == bytes);
}

TEST_CASE("A cache of one slot is refused; none and two are taken")
{
    for (usize slots : { usize(0), usize(1), usize(2) }) {
        MemoryDevice device(disk_bytes);
        StoreMemory memory(16, 64, disk_bytes / store::block_size, 64 * KiB, slots);
        auto formatted = store::Store::format(device, memory.memory());
        INFO(slots << " slots");
        CHECK(formatted.is_error() == (slots == 1));
        if (slots == 1)
            CHECK(formatted.error().is(store::StoreError::OutOfMemory));
    }
}

TEST_CASE("A commit whose added blocks are all in the cache takes one flush; a mount missing one takes the older commit")
{
    Fixture fixture(64);
    {
        auto store = fixture.mount();
        auto first = must(store.create("first"));
        must(store.write(first, 0, bytes_of_text(pattern(100, 71))));
        must(store.sync());
        u64 flushes = store.report().flushes;
        auto second = must(store.create("second"));
        must(store.write(second, 0, bytes_of_text(pattern(5000, 72))));
        must(store.sync());
        CHECK(store.report().flushes - flushes == 1);
        CHECK(store.report().single_flush_commits == 2);
        CHECK(store.report().commits == 2);
    }
    /* Every commit found whole mounts as it is. */
    {
        auto again = fixture.mount();
        CHECK(!again.report().fell_back);
        CHECK(read_whole(again, must(again.open("second"))) == pattern(5000, 72));
    }
    /* The cut the single flush allows: the superblock and catalog reached the disk, one block of "second" did not. */
    auto& disk = fixture.device.bytes();
    auto block = pattern(5000, 72).substr(0, store::block_size);
    auto at = std::search(disk.begin(), disk.end(), block.begin(), block.end(),
        [](u8 held, char wanted) { return held == u8(wanted); });
    REQUIRE(at != disk.end());
    REQUIRE((at - disk.begin()) % store::block_size == 0);
    std::fill(at, at + store::block_size, u8(0));
    auto store = fixture.mount();
    CHECK(store.report().fell_back);
    CHECK(store.report().generation == 2);
    auto second = store.open("second");
    REQUIRE(second.is_error());
    CHECK(second.error().is(store::StoreError::NotFound));
    CHECK(read_whole(store, must(store.open("first"))) == pattern(100, 71));
}

TEST_CASE("A version 1 store is refused with a message that says so")
{
    Fixture fixture;
    auto& disk = fixture.device.bytes();
    for (u64 slot = 0; slot < 2; ++slot) {
        std::span<u8> sector(disk.data() + slot * store::block_size, store::superblock_bytes);
        if (sector[0] != 'V')
            continue;
        sector[8] = 1;
        block::Crc32 crc;
        crc.update(sector.first(52));
        u32 value = crc.value();
        for (int index = 0; index < 4; ++index)
            sector[52 + index] = u8(value >> (8 * index));
    }
    auto mounted = store::Store::mount(fixture.device, fixture.memory.memory());
    REQUIRE(mounted.is_error());
    CHECK(mounted.error().is(store::StoreError::NotAStore));
    CHECK(std::string_view(mounted.error().message()).find("version 1") != std::string_view::npos);
}

TEST_CASE("A catalog's verified runs are refused when empty, past the bound, outside the store or on no file's block")
{
    Fixture fixture(64);
    {
        auto store = fixture.mount();
        auto file = must(store.create("a"));
        must(store.write(file, 0, bytes_of_text(pattern(5000, 81))));
        must(store.sync());
        REQUIRE(store.report().single_flush_commits == 1);
    }
    constexpr u64 blocks = disk_bytes / store::block_size;
    auto const& disk = fixture.device.bytes();
    std::optional<store::Superblock> newest;
    for (u64 slot = 0; slot < 2; ++slot) {
        auto decoded = store::decode_superblock(
            std::span<u8 const, store::superblock_bytes>(disk.data() + slot * store::block_size, store::superblock_bytes),
            blocks);
        if (!decoded.is_error() && (!newest || decoded.value().generation > newest->generation))
            newest = decoded.value();
    }
    REQUIRE(newest);
    std::vector<u8> catalog(disk.begin() + i64(newest->catalog_block * store::block_size),
        disk.begin() + i64(newest->catalog_block * store::block_size + newest->catalog_bytes));
    REQUIRE(catalog[12] == 1); /* one verified run: the file's two blocks */
    usize run = catalog.size() - store::catalog_verified_bytes;
    auto parse = [&](std::vector<u8> const& bytes) {
        StoreMemory memory(256, 1024, blocks, 64 * KiB);
        std::vector<u64> in_use((blocks + 63) / 64);
        return store::parse_catalog(bytes, blocks, memory.memory(), in_use);
    };
    auto refused = [&](std::vector<u8> const& bytes, std::string_view because) {
        auto parsed = parse(bytes);
        INFO(because);
        REQUIRE(parsed.is_error());
        CHECK(parsed.error().is(store::StoreError::Corrupt));
        CHECK(std::string_view(parsed.error().message()).find(because) != std::string_view::npos);
    };
    auto parsed = parse(catalog);
    REQUIRE(!parsed.is_error());
    CHECK(parsed.value().verified_count == 1);
    auto changed = [&](usize at, u64 value, usize width) {
        auto bytes = catalog;
        for (usize index = 0; index < width; ++index)
            bytes[at + index] = u8(value >> (8 * index));
        return bytes;
    };
    refused(changed(run + 8, 0, 4), "a verified run is empty");
    refused(changed(run + 8, store::maximum_verified_blocks + 1, 4), "more blocks than a single-flush commit");
    refused(changed(run, blocks, 8), "outside the store's data blocks");
    refused(changed(run, 0, 8), "outside the store's data blocks");
    refused(changed(run, blocks - 2, 8), "names a block no extent holds");
    refused(changed(12, store::maximum_verified_blocks + 1, 4), "verifies more runs");
    refused(changed(12, 2, 4), "ends inside a record");
    refused(changed(12, 0, 4), "length or extent count disagrees");
}
