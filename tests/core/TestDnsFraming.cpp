/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * DNS messages over a byte stream (core/dns Framing.h): a query after its two-byte length; a
 * stream's bytes cut anywhere and messages back to back handed out whole, in order; a length
 * shorter than a header refused, and nothing after it until reset; storage too small refused.
 */

#include <catch2/catch.hpp>
#include <cstring>
#include <vector>
#include <vectra/dns/Framing.h>

using namespace vectra;
using namespace vectra::dns;

namespace {

std::vector<u8> framed(usize length, u8 fill)
{
    std::vector<u8> bytes { u8(length >> 8), u8(length) };
    bytes.resize(2 + length, fill);
    return bytes;
}

/* Feeds `bytes` to `frames` `piece` bytes at a time, collecting every message handed out. */
std::vector<std::vector<u8>> feed(StreamFrames& frames, std::vector<u8> const& bytes, usize piece)
{
    std::vector<std::vector<u8>> messages;
    for (usize at = 0; at < bytes.size();) {
        auto space = frames.space();
        usize count = std::min({ piece, bytes.size() - at, space.size() });
        std::memcpy(space.data(), bytes.data() + at, count);
        frames.received(count);
        at += count;
        for (;;) {
            auto next = frames.next();
            REQUIRE(!next.is_error());
            if (!next.value())
                break;
            messages.emplace_back(next.value()->begin(), next.value()->end());
        }
    }
    return messages;
}

}

TEST_CASE("A framed query is the query after its length in two bytes, big-endian", "[dns][framing]")
{
    Query query;
    query.id = 0x1234;
    query.name = MUST(Name::from_text("www.example.com"));
    query.type = RecordType::AAAA;
    u8 plain[maximum_query_bytes];
    usize plain_length = MUST(build_query(query, plain));
    u8 bytes[length_prefix_bytes + maximum_query_bytes];
    usize length = MUST(frame_query(query, bytes));
    REQUIRE(length == 2 + plain_length);
    REQUIRE((bytes[0] << 8 | bytes[1]) == int(plain_length));
    REQUIRE(std::memcmp(bytes + 2, plain, plain_length) == 0);
    u8 small[1];
    REQUIRE(frame_query(query, small).error().is(ErrorCode::InvalidArgument));
}

TEST_CASE("Messages cut anywhere and sent back to back come out whole and in order", "[dns][framing]")
{
    std::vector<u8> storage(largest_frame_bytes);
    auto frames = MUST(StreamFrames::create(storage));
    std::vector<u8> stream;
    for (auto [length, fill] : { std::pair<usize, u8> { 12, 1 }, { 300, 2 }, { 65535, 3 }, { 40, 4 } }) {
        auto one = framed(length, fill);
        stream.insert(stream.end(), one.begin(), one.end());
    }
    for (usize piece : { usize(1), usize(7), usize(1536), usize(70000) }) {
        frames.reset();
        auto messages = feed(frames, stream, piece);
        REQUIRE(messages.size() == 4);
        REQUIRE(messages[0].size() == 12);
        REQUIRE(messages[1].size() == 300);
        REQUIRE(messages[2].size() == 65535);
        REQUIRE(messages[3].size() == 40);
        for (usize index = 0; index < 4; ++index)
            REQUIRE(std::all_of(messages[index].begin(), messages[index].end(), [&](u8 byte) { return byte == index + 1; }));
        REQUIRE(frames.pending() == 0);
    }
}

TEST_CASE("A message not yet whole is not handed out", "[dns][framing]")
{
    std::vector<u8> storage(largest_frame_bytes);
    auto frames = MUST(StreamFrames::create(storage));
    auto one = framed(100, 9);
    auto messages = feed(frames, std::vector<u8>(one.begin(), one.end() - 1), 1536);
    REQUIRE(messages.empty());
    REQUIRE(frames.pending() == 101);
    messages = feed(frames, std::vector<u8> { 9 }, 1);
    REQUIRE(messages.size() == 1);
}

TEST_CASE("A length shorter than a DNS header is malformed, and so is everything after it until reset", "[dns][framing]")
{
    std::vector<u8> storage(largest_frame_bytes);
    auto frames = MUST(StreamFrames::create(storage));
    for (usize length : { usize(0), usize(1), usize(11) }) {
        frames.reset();
        auto space = frames.space();
        auto bad = framed(length, 0);
        auto good = framed(12, 5);
        bad.insert(bad.end(), good.begin(), good.end());
        std::memcpy(space.data(), bad.data(), bad.size());
        frames.received(bad.size());
        REQUIRE(frames.next().error().is(DnsError::Malformed));
        REQUIRE(frames.next().error().is(DnsError::Malformed)); /* the good one after it is never trusted */
    }
    frames.reset();
    REQUIRE(feed(frames, framed(12, 5), 1536).size() == 1);
}

TEST_CASE("Storage smaller than the largest message and its length is refused", "[dns][framing]")
{
    std::vector<u8> storage(largest_frame_bytes - 1);
    REQUIRE(StreamFrames::create(storage).error().is(ErrorCode::InvalidArgument));
}
