/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "CryptoTestSupport.h"
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <type_traits>
#include <vector>
#include <vectra/Random.h>

using namespace vectra;
using test::to_hex;

namespace {

/* Gives a fixed byte pattern, at most `budget` bytes in all, at most `per_call` per call. */
class ScriptedEntropy final : public EntropySource {
public:
    ScriptedEntropy(usize budget, usize per_call = 1024, u8 first = 1)
        : m_budget(budget)
        , m_per_call(per_call)
        , m_next(first)
    {
    }

    usize gather(std::span<u8> buffer) override
    {
        ++m_calls;
        usize count = std::min({ buffer.size(), m_budget, m_per_call });
        for (usize index = 0; index < count; ++index)
            buffer[index] = m_next++;
        m_budget -= count;
        m_given += count;
        return count;
    }

    usize m_budget;
    usize m_per_call;
    u8 m_next;
    usize m_calls { 0 };
    usize m_given { 0 };
};

template<typename Generator>
std::vector<u8> draw(Generator& generator, usize count)
{
    std::vector<u8> bytes(count);
    generator.fill(bytes);
    return bytes;
}

}

TEST_CASE("the confidence level is part of the generator's type", "[random]")
{
    STATIC_REQUIRE(!std::is_same_v<HighRng, StandardRng>);
    STATIC_REQUIRE(!std::is_convertible_v<StandardRng&, HighRng&>);
    STATIC_REQUIRE(!std::is_convertible_v<SloppyRng&, HighRng&>);
    STATIC_REQUIRE(!std::is_convertible_v<SloppyRng&, StandardRng&>);
    STATIC_REQUIRE(HighRng::confidence == Confidence::High);
    STATIC_REQUIRE(!std::is_copy_constructible_v<HighRng>);
    STATIC_REQUIRE(!std::is_copy_constructible_v<StandardRng>);
    REQUIRE(std::string(confidence_name(Confidence::High)) == "high");
}

TEST_CASE("High randomness is refused when the platform gives no entropy", "[random][refusal]")
{
    ScriptedEntropy none(0);
    auto generator = HighRng::create(none);
    REQUIRE(generator.is_error());
    REQUIRE(generator.error().code() == ErrorCode::Empty);
    REQUIRE(std::string(generator.error().message()).find("High randomness refused") != std::string::npos);
}

TEST_CASE("High randomness is refused with 31 of the 32 bytes it needs, not downgraded", "[random][refusal]")
{
    ScriptedEntropy almost(31, 8);
    auto generator = HighRng::create(almost);
    REQUIRE(generator.is_error());
    REQUIRE(generator.error().code() == ErrorCode::Empty);
    REQUIRE(almost.m_given == 31);
}

TEST_CASE("High randomness gathers its 32 bytes across several short answers", "[random]")
{
    ScriptedEntropy trickle(32, 8);
    auto generator = HighRng::create(trickle);
    REQUIRE(!generator.is_error());
    REQUIRE(trickle.m_calls == 4);
}

TEST_CASE("High randomness from the platform works on the hosted platform (getrandom)", "[random]")
{
    PlatformEntropy platform;
    u8 bytes[32] {};
    REQUIRE(platform.gather(bytes) == 32);
    auto generator = MUST(HighRng::create(platform));
    auto first = draw(generator, 64);
    auto second = draw(generator, 64);
    REQUIRE(first != second);
    REQUIRE(std::count(first.begin(), first.end(), 0) < 16);
}

TEST_CASE("the same seed gives the same High stream; another seed another stream", "[random]")
{
    ScriptedEntropy left_source(1024), right_source(1024), other_source(1024, 1024, 2);
    auto left = MUST(HighRng::create(left_source));
    auto right = MUST(HighRng::create(right_source));
    auto other = MUST(HighRng::create(other_source));
    for (usize size : { 1u, 31u, 513u, 4096u, 10000u }) {
        auto a = draw(left, size);
        REQUIRE(a == draw(right, size));
        REQUIRE(a != draw(other, size));
    }
}

TEST_CASE("the ChaCha20 generator's output is the ChaCha20-IETF keystream with fast key erasure", "[random]")
{
    /* With an all-zero seed the first refill is ChaCha20(key 0, nonce 0, counter 0), RFC 8439
     * A.1 test vector #1: its first 32 bytes become the next key and are never served; the
     * output starts with keystream bytes 32-63. */
    u8 seed[32] {};
    random::ChaChaGenerator generator { std::span<u8 const, 32>(seed) };
    u8 output[32];
    generator.generate(output);
    REQUIRE(to_hex(output) == "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
}

TEST_CASE("every request continues the stream: chunked draws equal one whole draw", "[random]")
{
    ScriptedEntropy left_source(1024), right_source(1024);
    auto chunked = MUST(HighRng::create(left_source));
    auto whole = MUST(HighRng::create(right_source));
    std::vector<u8> pieces;
    for (usize size : { 5u, 100u, 400u, 7u }) {
        auto part = draw(chunked, size);
        pieces.insert(pieces.end(), part.begin(), part.end());
    }
    REQUIRE(pieces == draw(whole, 512));
}

namespace {

/* The same 32 bytes on every call: a reseed adds nothing new, so only the generator's own state moves on. */
class RepeatingEntropy final : public EntropySource {
public:
    usize gather(std::span<u8> buffer) override
    {
        usize count = std::min<usize>(buffer.size(), 32);
        std::memset(buffer.data(), 0x5a, count);
        return count;
    }
};

/* Whether any 8 bytes occur twice in `stream`, at any two offsets. */
bool has_repeated_window(std::vector<u8> const& stream)
{
    std::vector<u64> windows(stream.size() - 7);
    for (usize offset = 0; offset < windows.size(); ++offset)
        std::memcpy(&windows[offset], stream.data() + offset, sizeof(u64));
    std::sort(windows.begin(), windows.end());
    return std::adjacent_find(windows.begin(), windows.end()) != windows.end();
}

}

TEST_CASE("served bytes never repeat over a generator's lifetime, across its reseeds", "[random]")
{
    /*
     * 2.25 MiB crosses two reseeds (every 1 MiB), drawn in irregular sizes across the 512-byte
     * refill buffer. Any 8 bytes served twice, at any offset, would show up as two equal
     * windows; for distinct random windows a collision has a chance of about 1 in 10^7.
     */
    RepeatingEntropy source;
    auto generator = MUST(HighRng::create(source));
    std::vector<u8> stream;
    usize const total = 2 * MiB + 256 * KiB;
    stream.reserve(total);
    usize const sizes[] = { 1, 7, 500, 513, 4096, 31, 65536 };
    for (usize turn = 0; stream.size() < total; ++turn) {
        auto part = draw(generator, std::min(sizes[turn % std::size(sizes)], total - stream.size()));
        stream.insert(stream.end(), part.begin(), part.end());
    }
    REQUIRE_FALSE(has_repeated_window(stream));

    /* The control: a stream that did repeat its first refill is caught. */
    std::vector<u8> repeated(stream.begin(), stream.begin() + 4096);
    repeated.insert(repeated.end(), stream.begin(), stream.begin() + 512);
    REQUIRE(has_repeated_window(repeated));
}

TEST_CASE("a High generator reseeds from the platform after 1 MiB", "[random]")
{
    ScriptedEntropy source(1024);
    auto generator = MUST(HighRng::create(source));
    REQUIRE(source.m_given == 32);
    std::vector<u8> bytes(HighRng::reseed_interval_bytes - 1);
    generator.fill(bytes);
    REQUIRE(source.m_given == 32);
    u8 one[1];
    generator.fill(one);
    REQUIRE(source.m_given == 64);
}

TEST_CASE("a moved High generator continues the same stream", "[random]")
{
    ScriptedEntropy left_source(1024), right_source(1024);
    auto generator = MUST(HighRng::create(left_source));
    auto reference = MUST(HighRng::create(right_source));
    REQUIRE(draw(generator, 10) == draw(reference, 10));
    HighRng moved(std::move(generator));
    REQUIRE(draw(moved, 100) == draw(reference, 100));
}

TEST_CASE("Standard randomness never fails, and says whether it had true entropy", "[random]")
{
    ScriptedEntropy none(0);
    auto weak = StandardRng::create(none);
    REQUIRE(!weak.seeded_with_true_entropy());
    auto first = draw(weak, 32);
    REQUIRE(first != draw(weak, 32));

    ScriptedEntropy plenty(1024);
    auto strong = StandardRng::create(plenty);
    REQUIRE(strong.seeded_with_true_entropy());
}

TEST_CASE("Sloppy randomness is xoshiro256** seeded by SplitMix64, reproducible from its seed", "[random]")
{
    /* Expected values from an independent transcription of the published algorithms
     * (Blackman and Vigna's xoshiro256** 1.0 and SplitMix64), seed 0. */
    SloppyRng generator(0);
    REQUIRE(generator.next_u64() == 0x99ec5f36cb75f2b4ull);
    REQUIRE(generator.next_u64() == 0xbf6e1f784956452aull);
    REQUIRE(generator.next_u64() == 0x1a5f849d4933e6e0ull);
    REQUIRE(generator.next_u64() == 0x6aa594f1262d2d2cull);
    SloppyRng other(1);
    REQUIRE(other.next_u64() != 0x99ec5f36cb75f2b4ull);
}

TEST_CASE("uniform stays below its bound and reaches every value", "[random]")
{
    SloppyRng generator(42);
    bool seen[7] {};
    for (int index = 0; index < 1000; ++index) {
        u32 value = generator.uniform(7);
        REQUIRE(value < 7);
        seen[value] = true;
    }
    for (bool value : seen)
        REQUIRE(value);
    REQUIRE(generator.uniform(0) == 0);
    REQUIRE(generator.uniform(1) == 0);
}
