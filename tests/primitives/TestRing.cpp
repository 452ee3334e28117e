/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <vectra/Bytes.h>
#include <vectra/Ring.h>

using namespace vectra;

namespace {

constexpr u64 schema = schema_id_of("schema test version 1\n");

std::span<u8 const> bytes_of(u32 const& value) { return { reinterpret_cast<u8 const*>(&value), sizeof(value) }; }

}

TEST_CASE("Ring geometry must be powers of two")
{
    test::Arena arena(64 * KiB);
    REQUIRE(Ring::try_create(arena.reticle(), 3, 64, schema).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(Ring::try_create(arena.reticle(), 4, 48, schema).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(Ring::try_create(arena.reticle(), 4, 8, schema).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(Ring::try_create(arena.reticle(), 1024, 1024, schema).error().code() == ErrorCode::OutOfMemory);
    REQUIRE_FALSE(Ring::try_create(arena.reticle(), 4, 64, schema).is_error());
}

TEST_CASE("Ring delivers messages in order, across many wrap-arounds")
{
    test::Arena arena(64 * KiB);
    Ring* ring = Ring::try_create(arena.reticle(), 4, 64, schema).value();
    u32 sent = 0;
    u32 received = 0;
    for (int round = 0; round < 1000; ++round) {
        while (!ring->is_full()) {
            REQUIRE_FALSE(ring->try_send(bytes_of(sent)).is_error());
            ++sent;
        }
        REQUIRE(ring->try_send(bytes_of(sent)).error().code() == ErrorCode::Full);
        for (int take = 0; take < 3; ++take) {
            u32 value = 0;
            REQUIRE(ring->try_receive({ reinterpret_cast<u8*>(&value), sizeof(value) }).value() == sizeof(value));
            REQUIRE(value == received);
            ++received;
        }
    }
    REQUIRE(sent - received == 1);
}

TEST_CASE("Ring refuses oversize messages and undersized receive buffers without losing data")
{
    test::Arena arena(64 * KiB);
    Ring* ring = Ring::try_create(arena.reticle(), 2, 32, schema).value();
    u8 big[32] {};
    REQUIRE(ring->try_send(big).error().code() == ErrorCode::TooLarge);
    REQUIRE_FALSE(ring->try_send(std::span<u8 const>(big, ring->payload_capacity())).is_error());
    u8 small[4];
    REQUIRE(ring->try_receive(small).error().code() == ErrorCode::TooLarge);
    u8 enough[32];
    REQUIRE(ring->try_receive(enough).value() == ring->payload_capacity());
    REQUIRE(ring->try_receive(enough).error().code() == ErrorCode::Empty);
}

TEST_CASE("the doorbell rings on the empty to non-empty transition only; space rings on full to non-full")
{
    test::Arena arena(64 * KiB);
    Ring* ring = Ring::try_create(arena.reticle(), 2, 16, schema).value();
    SignalMask consumer;
    SignalMask producer;
    auto receiver = RingReceiver::bind(RingCap(ring, RightReceive), schema, consumer, SignalBit(5)).value();
    auto sender = RingSender::bind(RingCap(ring, RightSend), schema, producer, SignalBit(6)).value();
    u32 value = 1;
    REQUIRE_FALSE(sender.try_send(bytes_of(value)).is_error());
    REQUIRE(consumer.take(~u64(0)) == SignalBit(5).mask());
    REQUIRE_FALSE(sender.try_send(bytes_of(value)).is_error());
    REQUIRE(consumer.take(~u64(0)) == 0);
    u8 buffer[8];
    REQUIRE_FALSE(receiver.try_receive(buffer).is_error());
    REQUIRE(producer.take(~u64(0)) == SignalBit(6).mask());
    REQUIRE_FALSE(receiver.try_receive(buffer).is_error());
    REQUIRE(producer.take(~u64(0)) == 0);
}

TEST_CASE("a consumer that binds after messages were sent is woken at once")
{
    test::Arena arena(64 * KiB);
    Ring* ring = Ring::try_create(arena.reticle(), 2, 16, schema).value();
    u32 value = 9;
    REQUIRE_FALSE(ring->try_send(bytes_of(value)).is_error());
    SignalMask consumer;
    REQUIRE_FALSE(RingReceiver::bind(RingCap(ring, RightReceive), schema, consumer, SignalBit(1)).is_error());
    REQUIRE(consumer.take(~u64(0)) == SignalBit(1).mask());
}

TEST_CASE("binding checks the schema and the end's right")
{
    test::Arena arena(64 * KiB);
    Ring* ring = Ring::try_create(arena.reticle(), 2, 16, schema).value();
    SignalMask mask;
    constexpr u64 other = schema_id_of("schema test version 2\n");
    REQUIRE(other != schema);
    REQUIRE(RingReceiver::bind(RingCap(ring, RightReceive), other, mask, SignalBit(0)).error().code() == ErrorCode::SchemaMismatch);
    REQUIRE(RingSender::bind(RingCap(ring, RightSend), other, mask, SignalBit(0)).error().code() == ErrorCode::SchemaMismatch);
    REQUIRE(RingReceiver::bind(RingCap(ring, RightSend), schema, mask, SignalBit(0)).error().code() == ErrorCode::MissingRight);
    REQUIRE(RingSender::bind(RingCap(ring, RightReceive), schema, mask, SignalBit(0)).error().code() == ErrorCode::MissingRight);
    REQUIRE(RingSender::bind(RingCap(), schema, mask, SignalBit(0)).error().code() == ErrorCode::StaleHandle);
}
