/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The checks every vectra.block server makes (Window.h): a partition's window refuses every
 * request that crosses its end — never clipped — including ones built to overflow, and the
 * session's in-flight limit and counters.
 */

#include <catch2/catch.hpp>
#include <vectra/block/Window.h>

using namespace vectra;
using namespace vectra::block;

TEST_CASE("a window translates requests inside it and refuses every one crossing its end", "[block][window]")
{
    Window disk { 0, 10000, 256, false };
    auto partition = disk.narrowed(2048, 1000, false);
    REQUIRE(!partition.is_error());
    Window const& window = partition.value();
    REQUIRE(window.translate(0, 1).value() == 2048);
    REQUIRE(window.translate(999, 1).value() == 3047);
    REQUIRE(window.translate(744, 256).value() == 2792);

    struct Case {
        u64 block;
        u32 count;
        BlockError expected;
    };
    Case refused[] = {
        { 1000, 1, BlockError::OutOfRange },     /* one past the end */
        { 999, 2, BlockError::OutOfRange },      /* crosses the end by one */
        { 0, 0, BlockError::TooManyBlocks },     /* nothing */
        { 0, 257, BlockError::TooManyBlocks },   /* above the maximum */
        { ~u64(0), 1, BlockError::OutOfRange },  /* first + block would wrap */
        { ~u64(0) - 2047, 8, BlockError::OutOfRange }, /* lands on block 0 of the disk after wrapping */
        { 1u << 20, 1, BlockError::OutOfRange }, /* another partition's blocks, by number */
    };
    for (auto const& each : refused) {
        INFO("block " << each.block << " count " << each.count);
        auto translated = window.translate(each.block, each.count);
        REQUIRE(translated.is_error());
        REQUIRE(translated.error().is(each.expected));
    }
}

TEST_CASE("read-only windows refuse writing and narrowing keeps read-only", "[block][window]")
{
    Window disk { 0, 100, 8, true };
    REQUIRE(disk.translate_for_writing(0, 1).error().is(BlockError::ReadOnly));
    auto partition = disk.narrowed(10, 10, false).value();
    REQUIRE(partition.read_only);
    REQUIRE(Window { 0, 100, 8, false }.narrowed(10, 10, true).value().read_only);
    REQUIRE(!Window { 0, 100, 8, false }.narrowed(10, 10, false).value().translate_for_writing(9, 1).is_error());
    REQUIRE(disk.narrowed(95, 6, false).error().is(BlockError::OutOfRange));
    REQUIRE(disk.narrowed(100, 1, false).error().is(BlockError::OutOfRange));
    REQUIRE(disk.narrowed(0, 0, false).error().is(BlockError::OutOfRange));
    REQUIRE(disk.narrowed(~u64(0), 2, false).error().is(BlockError::OutOfRange));
}

TEST_CASE("buffers must hold offset + count x block size", "[block][window]")
{
    REQUIRE(!check_buffer(0, 8, 512, 4096).is_error());
    REQUIRE(!check_buffer(512, 7, 512, 4096).is_error());
    REQUIRE(check_buffer(513, 7, 512, 4096).error().is(BlockError::BufferUnusable));
    REQUIRE(check_buffer(0, 9, 512, 4096).error().is(BlockError::BufferUnusable));
    REQUIRE(check_buffer(~u64(0), 1, 512, 4096).error().is(BlockError::BufferUnusable));
    REQUIRE(!check_buffer(4096, 0xFFFFFFFFu, 4096, ~u64(0)).is_error()); /* 2^44 bytes fit in 2^64 */
    REQUIRE(check_buffer(4096, 0xFFFFFFFFu, 4096, u64(1) << 43).error().is(BlockError::BufferUnusable));
}

TEST_CASE("a session's queue limit refuses one request more and counts everything", "[block][window]")
{
    SessionAccount account(32);
    for (int index = 0; index < 32; ++index)
        REQUIRE(!account.begin().is_error());
    REQUIRE(account.begin().error().is(BlockError::TooManyInFlight));
    REQUIRE(account.counters().refused == 1);
    REQUIRE(account.counters().in_flight_peak == 32);
    account.complete(RequestKind::Read, 4096, 500);      /* < 1 µs: bucket 0 */
    account.complete(RequestKind::Write, 512, 3000);     /* 3 µs: bucket 1 */
    account.complete(RequestKind::Flush, 0, 1'500'000);  /* 1500 µs: bucket 10 */
    account.complete(RequestKind::Other, 0, ~u64(0));    /* clamped to the last */
    REQUIRE(account.in_flight() == 28);
    REQUIRE(!account.begin().is_error());
    auto const& counters = account.counters();
    REQUIRE(counters.reads == 1);
    REQUIRE(counters.writes == 1);
    REQUIRE(counters.flushes == 1);
    REQUIRE(counters.other == 1);
    REQUIRE(counters.bytes_read == 4096);
    REQUIRE(counters.bytes_written == 512);
    REQUIRE(counters.latency[0] == 1);
    REQUIRE(counters.latency[1] == 1);
    REQUIRE(counters.latency[10] == 1);
    REQUIRE(counters.latency[latency_buckets - 1] == 1);
    REQUIRE(latency_bucket(2000) == 1);
    REQUIRE(latency_bucket(1999) == 0);
    REQUIRE(latency_bucket(4000) == 2);
}
