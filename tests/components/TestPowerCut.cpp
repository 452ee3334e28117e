/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "StoreSupport.h"
#include <catch2/catch.hpp>
#include <hostblk/PowerCut.h>

using namespace vectra;
using namespace vectra::test;

namespace {

std::vector<u8> sectors(usize count, u8 value) { return std::vector<u8>(count * 512, value); }

void must(ErrorOr<void> result)
{
    INFO((result.is_error() ? result.error().message() : "ok"));
    REQUIRE(!result.is_error());
}

}

TEST_CASE("Held writes are read back, reach the disk only at a flush, and in order")
{
    MemoryDevice disk(64 * 512);
    std::vector<u8> cache(64 * KiB);
    hostblk::PowerCut power(disk, cache);
    must(power.write_sectors(2, sectors(3, 0xAA)));
    must(power.write_sectors(3, sectors(1, 0xBB)));
    CHECK(disk.writes() == 0);
    auto read = sectors(4, 0);
    must(power.read_sectors(1, read));
    CHECK(read[0] == 0);
    CHECK(read[512] == 0xAA);
    CHECK(read[1024] == 0xBB); /* the later write wins */
    CHECK(read[1536] == 0xAA);
    must(power.flush());
    CHECK(disk.flushes() == 1);
    CHECK(disk.bytes()[3 * 512] == 0xBB);
    CHECK(disk.bytes()[4 * 512] == 0xAA);
}

TEST_CASE("A cut keeps, drops or tears each held write, the same way for the same seed, and then refuses everything")
{
    auto run = [](u64 seed, hostblk::PowerCutReport& report) {
        MemoryDevice disk(256 * 512);
        std::vector<u8> cache(256 * KiB);
        hostblk::PowerCut power(disk, cache);
        must(power.write_sectors(0, sectors(1, 1)));
        must(power.flush());
        power.cut_after(40, seed);
        for (u8 index = 0; index < 39; ++index)
            must(power.write_sectors(index * 6, sectors(6, u8(index + 10))));
        CHECK(!power.is_cut());
        auto last = power.write_sectors(250, sectors(6, 0xFF));
        CHECK(last.is_error());
        CHECK(power.is_cut());
        auto read = sectors(1, 0);
        CHECK(power.read_sectors(0, read).is_error());
        CHECK(power.write_sectors(0, read).is_error());
        CHECK(power.flush().is_error());
        report = power.report();
        power.restore_power();
        must(power.read_sectors(0, read));
        return disk.bytes();
    };
    hostblk::PowerCutReport first;
    hostblk::PowerCutReport second;
    hostblk::PowerCutReport other;
    auto bytes = run(5, first);
    CHECK(run(5, second) == bytes);
    CHECK(run(6, other) != bytes);
    CHECK(first.kept + first.dropped + first.torn == 40);
    CHECK(first.kept > 0);
    CHECK(first.dropped > 0);
    CHECK(first.torn > 0);
    /* A torn write keeps a prefix of whole sectors: no sector mixes, and nothing follows a gap. */
    for (u8 index = 0; index < 39; ++index) {
        bool gap = false;
        for (usize sector = 0; sector < 6; ++sector) {
            u8 value = bytes[(index * 6 + sector) * 512];
            bool written = value == index + 10;
            CHECK(std::all_of(bytes.begin() + i64((index * 6 + sector) * 512),
                bytes.begin() + i64((index * 6 + sector + 1) * 512), [&](u8 byte) { return byte == value; }));
            CHECK(!(gap && written));
            gap = gap || !written;
        }
    }
}

TEST_CASE("A full cache writes its held writes through without a flush, and counts it")
{
    MemoryDevice disk(64 * 512);
    std::vector<u8> cache(2 * 512 + 32);
    hostblk::PowerCut power(disk, cache);
    must(power.write_sectors(0, sectors(1, 1)));
    must(power.write_sectors(1, sectors(1, 2)));
    CHECK(disk.writes() == 0);
    must(power.write_sectors(2, sectors(1, 3)));
    CHECK(disk.writes() == 2);
    CHECK(disk.flushes() == 0);
    CHECK(power.report().write_backs == 1);
    CHECK(power.write_sectors(63, sectors(2, 0)).is_error());
}
