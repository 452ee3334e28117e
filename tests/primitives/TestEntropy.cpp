/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The kernel's entropy pool and the EntropySource capability (ADR 0025 §3). BLAKE2s against
 * RFC 7693 / reference known answers; the pool refuses output until 32 bytes were credited and
 * answers once they are; credit is at most what a feed carried, at most 64 per feed, and
 * saturates; and what a feeder sends — zeros, the same bytes again, a thousand chosen inputs —
 * changes the pool without lowering it or setting it to anything the feeder can predict. Over
 * the kernel call: no capability, a guessed or foreign handle, another DeviceCap kind, a
 * Reticle, a read-only copy, a revoked copy, a removed (stale) handle, an oversized feed.
 */

#include "../TestSupport.h"
#include "DeviceTestTask.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <vectra/ClockAndEntropy.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/Entropy.h>

using namespace vectra;

namespace {

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

std::array<u8, 32> hex32(char const* text)
{
    std::array<u8, 32> bytes {};
    for (usize index = 0; index < 32; ++index) {
        auto nibble = [](char c) { return u8(c <= '9' ? c - '0' : c - 'a' + 10); };
        bytes[index] = u8(nibble(text[2 * index]) << 4 | nibble(text[2 * index + 1]));
    }
    return bytes;
}

std::array<u8, 32> output_of(EntropyPool pool)
{
    std::array<u8, 32> bytes {};
    REQUIRE(pool.extract(bytes) == 32);
    return bytes;
}

/* A pool credited with 32 bytes of `seed`. */
EntropyPool seeded(u8 seed)
{
    EntropyPool pool;
    u8 bytes[32];
    std::memset(bytes, seed, sizeof(bytes));
    pool.mix(bytes, 32);
    return pool;
}

}

TEST_CASE("BLAKE2s-256, keyed: the reference known answers, input split anywhere")
{
    u8 key[32];
    for (usize index = 0; index < 32; ++index)
        key[index] = u8(index);
    u8 message[255];
    for (usize index = 0; index < sizeof(message); ++index)
        message[index] = u8(index);
    std::array<u8, 32> digest {};
    blake2s_keyed(key, { std::span<u8 const>() }, digest);
    CHECK(digest == hex32("48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49"));
    blake2s_keyed(key, { std::span<u8 const>(message, 255) }, digest);
    CHECK(digest == hex32("3fb735061abc519dfe979e54c1ee5bfad0a9d858b3315bad34bde999efd724dd"));
    for (usize split : { 0, 1, 63, 64, 65, 128, 200, 255 }) {
        std::array<u8, 32> pieces {};
        blake2s_keyed(key, { std::span<u8 const>(message, split), std::span<u8 const>(message + split, 255 - split) }, pieces);
        CHECK(pieces == digest);
    }
}

TEST_CASE("the pool answers nothing until 32 bytes were credited, then any length")
{
    EntropyPool pool;
    u8 output[100] {};
    CHECK(pool.extract(output) == 0);
    u8 bytes[31];
    std::memset(bytes, 0x5a, sizeof(bytes));
    CHECK(pool.mix(bytes, 31) == 31);
    CHECK(pool.extract(output) == 0);
    CHECK(!pool.ready());
    CHECK(pool.mix(std::span<u8 const>(bytes, 1), 1) == 1);
    CHECK(pool.ready());
    CHECK(pool.extract(output) == 100);
    /* No 32-byte block of one answer repeats, and two answers differ. */
    CHECK(std::memcmp(output, output + 32, 32) != 0);
    CHECK(std::memcmp(output + 32, output + 64, 32) != 0);
    u8 again[100] {};
    CHECK(pool.extract(again) == 100);
    CHECK(std::memcmp(output, again, sizeof(output)) != 0);
}

TEST_CASE("credit is at most the bytes given, at most 64 per feed, and saturates instead of wrapping")
{
    EntropyPool pool;
    u8 bytes[EntropyPool::maximum_feed] {};
    CHECK(pool.mix(std::span<u8 const>(bytes, 8), 1'000'000) == 8);
    CHECK(pool.mix(std::span<u8 const>(bytes, 8), usize(-1)) == 8);
    CHECK(pool.mix(bytes, usize(-1)) == EntropyPool::maximum_credit_per_feed);
    CHECK(pool.mix(std::span<u8 const>(), 64) == 0);
    CHECK(pool.mix(bytes, 0) == 0);
    CHECK(pool.credited() == 8 + 8 + 64);
    for (u32 feed = 0; feed < EntropyPool::maximum_credit / EntropyPool::maximum_credit_per_feed + 10; ++feed)
        pool.mix(std::span<u8 const>(bytes, 64), 64);
    CHECK(pool.credited() == EntropyPool::maximum_credit);
    CHECK(pool.mix(std::span<u8 const>(bytes, 64), 64) == 64);
    CHECK(pool.credited() == EntropyPool::maximum_credit);
}

TEST_CASE("zeros, the same bytes again, or chosen inputs change the pool but never set or lower it")
{
    EntropyPool first = seeded(0x11);
    auto untouched = output_of(first);

    /* Zeros: the output differs from the pool not fed. */
    EntropyPool zeroed = first;
    u8 zeros[64] {};
    zeroed.mix(zeros, 0);
    CHECK(output_of(zeroed) != untouched);

    /* The same bytes again: each feed moves the pool on; it never returns to where it was. */
    EntropyPool twice = first;
    u8 chosen[32];
    std::memset(chosen, 0xa5, sizeof(chosen));
    twice.mix(chosen, 32);
    auto once = output_of(twice);
    twice.mix(chosen, 32);
    CHECK(output_of(twice) != once);
    CHECK(output_of(twice) != untouched);

    /* A feeder that knows every input it sends cannot bring two pools of different secrets together. */
    EntropyPool second = seeded(0x22);
    for (u32 round = 0; round < 1000; ++round) {
        u8 input[16] {};
        std::memcpy(input, &round, sizeof(round));
        first.mix(input, 16);
        second.mix(input, 16);
    }
    CHECK(output_of(first) != output_of(second));

    /* Inputs are framed by their length: a feed of "ab" is not the feed of "a" then "b" nor of "a" "b" joined differently. */
    EntropyPool joined = seeded(0x33);
    EntropyPool split = joined;
    u8 ab[2] = { 'a', 'b' };
    joined.mix(ab, 0);
    split.mix(std::span<u8 const>(ab, 1), 0);
    split.mix(std::span<u8 const>(ab + 1, 1), 0);
    CHECK(output_of(joined) != output_of(split));
}

namespace {

struct Machine {
    test::Arena arena { 256 * KiB };
    bool grant_source { true };

    auto fill()
    {
        return [this](Task& task) {
            auto& space = task.capabilities();
            if (grant_source) {
                auto* source = MUST(arena.reticle().try_create<EntropyDevice>(&arena.reticle()));
                MUST(task.bundle().give("entropy", space, MUST(space.mint<CapabilityClass::Device>(source, RightWrite | RightGrant | RightRevoke))));
            }
            test::give_console_and_memory(task, arena.reticle(), 64 * KiB);
        };
    }
};

}

TEST_CASE("system::entropy refuses (0 bytes) until an EntropySource credited 32 bytes, then answers")
{
    kernel::entropy_pool() = EntropyPool {};
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto source = TRY(bundle.take<DeviceCap>("entropy"));
        u8 output[48] {};
        if (system::entropy(output, sizeof(output)) != 0)
            return 1;
        u8 bytes[32];
        std::memset(bytes, 0x77, sizeof(bytes));
        /* Credit asked beyond the bytes given is not given. */
        if (TRY(system::entropy_feed(source, std::span<u8 const>(bytes, 20), 200)) != 20)
            return 2;
        if (TRY(system::entropy_feed(source, std::span<u8 const>(bytes, 11), 11)) != 11)
            return 3;
        if (system::entropy(output, sizeof(output)) != 0)
            return 4; /* 31 bytes credited: still refused */
        if (TRY(system::entropy_feed(source, std::span<u8 const>(bytes, 1), 1)) != 1)
            return 5;
        if (system::entropy(output, sizeof(output)) != sizeof(output))
            return 6;
        u8 zeros[sizeof(output)] {};
        if (std::memcmp(output, zeros, sizeof(output)) == 0)
            return 7;
        return 0;
    });
    CHECK(result.value() == 0);
    CHECK(kernel::entropy_pool().credited() == 32);
}

TEST_CASE("feeding without the EntropySource: not granted, guessed, foreign, another device, a Reticle, a copy without write, revoked, stale, oversized")
{
    kernel::entropy_pool() = EntropyPool {};
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto source = TRY(bundle.take<DeviceCap>("entropy"));
        auto console = TRY(bundle.take<ConsoleCap>("console"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        u8 bytes[EntropyPool::maximum_feed + 1] {};
        std::span<u8 const> some(bytes, 32);
        for (u16 slot = 0; slot < 16; ++slot) {
            DeviceCap guessed(source.space(), slot, 7);
            if (code_of(system::entropy_feed(guessed, some, 32)) == ErrorCode::None)
                return 1;
        }
        DeviceCap foreign(source.space() + 1, source.slot(), source.generation());
        if (code_of(system::entropy_feed(foreign, some, 32)) != ErrorCode::ForeignHandle)
            return 2;
        if (code_of(system::entropy_feed(console, some, 32)) != ErrorCode::WrongClass)
            return 3;
        DeviceCap reticle(memory.space(), memory.slot(), memory.generation());
        if (code_of(system::entropy_feed(reticle, some, 32)) != ErrorCode::WrongClass)
            return 4;
        auto without_write = TRY(system::attenuate(source, RightGrant));
        if (code_of(system::entropy_feed(without_write, some, 32)) != ErrorCode::MissingRight)
            return 5;
        if (code_of(system::entropy_feed(source, std::span<u8 const>(bytes, sizeof(bytes)), 32)) != ErrorCode::TooLarge)
            return 6;
        /* A copy the holder revoked (its derivations) is gone; a removed handle is stale. */
        auto copy = TRY(system::attenuate(source, RightWrite));
        DeviceCap kept_copy(copy.space(), copy.slot(), copy.generation());
        TRY(system::revoke(source));
        if (code_of(system::entropy_feed(kept_copy, some, 32)) == ErrorCode::None)
            return 7;
        DeviceCap kept(source.space(), source.slot(), source.generation());
        TRY(system::remove(std::move(source)));
        if (code_of(system::entropy_feed(kept, some, 32)) != ErrorCode::StaleHandle)
            return 8;
        return 0;
    });
    INFO((result.is_error() ? result.error().message() : ""));
    REQUIRE(!result.is_error());
    CHECK(result.value() == 0);
    CHECK(kernel::entropy_pool().credited() == 0);
    CHECK(!kernel::entropy_pool().ready());
}

TEST_CASE("a Task not granted the EntropySource has nothing to feed with")
{
    kernel::entropy_pool() = EntropyPool {};
    Machine machine;
    machine.grant_source = false;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        if (!bundle.take<DeviceCap>("entropy").is_error())
            return 1;
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        u8 bytes[32] {};
        for (u16 slot = 0; slot < 64; ++slot) {
            for (u16 generation = 0; generation < 4; ++generation) {
                DeviceCap guessed(memory.space(), slot, generation);
                if (code_of(system::entropy_feed(guessed, bytes, 32)) == ErrorCode::None)
                    return 2;
            }
        }
        u8 output[32] {};
        return system::entropy(output, sizeof(output)) == 0 ? 0 : 3;
    });
    CHECK(result.value() == 0);
    CHECK(kernel::entropy_pool().credited() == 0);
}
