/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <string>
#include <vector>
#include <vectra/Bundle.h>
#include <vectra/Channel.h>
#include <vectra/kernel/Executor.h>
#include <vectra/Try.h>

using namespace vectra;

namespace {

constexpr u64 schema
    = schema_id_of("schema channel-test version 1\nmessage Numbered { u32 producer; u32 sequence; }\n");
constexpr u64 other_schema = schema_id_of("schema channel-test version 2\n");
constexpr usize producer_count = 4;
constexpr u32 messages_per_producer = 300;

struct Numbered {
    u32 producer;
    u32 sequence;
};

std::span<u8 const> bytes_of(Numbered const& message)
{
    return { reinterpret_cast<u8 const*>(&message), sizeof(message) };
}

std::string producer_slot(usize index) { return "producer-" + std::to_string(index); }

void reap_all(Executor& executor)
{
    while (Task* task = executor.tasks()) {
        REQUIRE(task->state() == TaskState::Exited);
        REQUIRE_FALSE(executor.reap(*task).is_error());
    }
}

/* Sends its numbered messages over the Ring in its "channel" slot; its number is in the "number" slot's signal bit. */
ErrorOr<i32> producer(Bundle& bundle)
{
    auto ring = TRY(bundle.take<RingCap>("channel"));
    auto number = TRY(bundle.take<SignalCap>("number"));
    u32 index = static_cast<u32>(TRY(this_task().capabilities().detail(number)));
    auto sender = TRY(ChannelSender::bind(ring, schema, SignalBit(1)));
    for (u32 sequence = 0; sequence < messages_per_producer; ++sequence) {
        TRY(sender.send(bytes_of({ index, sequence })));
        /* Uneven pace: some producers yield between messages, others only when their Ring is full. */
        if (index % 2 == 1)
            Executor::current().yield();
    }
    return 0;
}

/*
 * Receives every message of every producer. Fails unless each producer's messages arrive in
 * order, none missing and none extra. (Fairness is checked without Tasks, below, where the
 * test decides which Rings hold messages.)
 */
ErrorOr<i32> consumer(Bundle& bundle)
{
    ChannelReceiver channel(schema);
    for (usize index = 0; index < producer_count; ++index) {
        auto ring = TRY(bundle.take<RingCap>(producer_slot(index)));
        usize added = TRY(channel.add_producer(ring, SignalBit(static_cast<u8>(10 + index))));
        if (added != index)
            return Error(ErrorCode::InvalidArgument, "producers are numbered in bind order");
    }
    u32 next_sequence[producer_count] {};
    for (usize taken = 0; taken < producer_count * messages_per_producer; ++taken) {
        Numbered message {};
        auto received = TRY(channel.receive({ reinterpret_cast<u8*>(&message), sizeof(message) }));
        if (received.length != sizeof(message) || received.producer != message.producer)
            return Error(ErrorCode::MalformedMessage, "the message came from another producer than reported");
        if (message.sequence != next_sequence[message.producer])
            return Error(ErrorCode::MalformedMessage, "a producer's messages arrived out of order or were lost");
        ++next_sequence[message.producer];
    }
    Numbered extra {};
    if (channel.try_receive({ reinterpret_cast<u8*>(&extra), sizeof(extra) }).error().code() != ErrorCode::Empty)
        return Error(ErrorCode::MalformedMessage, "a message arrived that nobody sent");
    return 0;
}

/*
 * Rings of one channel, for tests that decide themselves which Rings hold messages: run inside
 * one Task (test::in_task), which binds the consumer's and the producers' ends alike, each
 * through its own attenuated RingCap; the Rings live in `rings`, which outlives the Task.
 */
struct Plumbing {
    explicit Plumbing(test::Arena& rings)
        : arena(rings)
    {
    }
    test::Arena& arena;
    ChannelReceiver channel { schema };

    static CapabilitySpace& space() { return this_task().capabilities(); }
    static u64 pending(u64 mask) { return this_task().signals().peek(mask); }

    RingCap ring(u32 slots = 8, u64 ring_schema = schema)
    {
        Ring* ring = Ring::try_create(arena.reticle(), slots, 32, ring_schema).release_value();
        return space().mint<CapabilityClass::Ring>(ring, all_rights).release_value();
    }
    ErrorOr<usize> add(RingCap const& original, u8 doorbell, Rights rights = RightReceive)
    {
        auto end = space().attenuate(original, rights).release_value();
        return channel.add_producer(end, SignalBit(doorbell));
    }
    ErrorOr<ChannelSender> sender(RingCap const& original, Rights rights = RightSend, u64 sender_schema = schema)
    {
        auto end = space().attenuate(original, rights).release_value();
        return ChannelSender::bind(end, sender_schema, SignalBit(1));
    }
};

}

TEST_CASE("several producer Tasks send numbered messages; the consumer gets all, in order per producer")
{
    test::Arena arena(2 * MiB);
    auto& executor = Executor::current();
    SignalMask numbers; /* outlives the space that names it */
    CapabilitySpace supervisor(allocate_space_id());
    Task* receiving = executor.spawn(arena.reticle(), { "consumer", consumer }).value();
    Task* sending[producer_count] {};
    for (usize index = 0; index < producer_count; ++index) {
        /* Small Rings, so producers fill them and wait for space many times. */
        Ring* ring = Ring::try_create(arena.reticle(), 4, 32, schema).value();
        auto original = supervisor.mint<CapabilityClass::Ring>(ring, all_rights).release_value();
        auto number = supervisor.mint<CapabilityClass::Signal>(&numbers, all_rights, index).release_value();
        sending[index] = executor.spawn(arena.reticle(), { "producer", producer }).value();
        REQUIRE_FALSE(sending[index]->bundle().grant("channel", supervisor, original, RightSend).is_error());
        REQUIRE_FALSE(sending[index]->bundle().grant("number", supervisor, number, RightRaise).is_error());
        REQUIRE_FALSE(receiving->bundle().grant(producer_slot(index), supervisor, original, RightReceive).is_error());
    }
    auto status = executor.run_until_exit(*receiving);
    REQUIRE(receiving->exit_cause() == ExitCause::Returned);
    REQUIRE(status.value() == 0);
    for (auto* task : sending) {
        REQUIRE(executor.run_until_exit(*task).value() == 0);
        REQUIRE(task->exit_cause() == ExitCause::Returned);
    }
    reap_all(executor);
}

TEST_CASE("receive takes round robin: a busy producer never starves the others")
{
    test::Arena memory(512 * KiB);
    test::Arena ring_memory(256 * KiB);
    auto ran = test::in_task(memory.reticle(), [&] {
        Plumbing plumbing(ring_memory);
        RingCap rings[3] = { plumbing.ring(), plumbing.ring(), plumbing.ring() };
        for (u8 index = 0; index < 3; ++index)
            REQUIRE(plumbing.add(rings[index], 20 + index).value() == index);
        auto busy_first = plumbing.sender(rings[0]).release_value();
        auto quiet = plumbing.sender(rings[1]).release_value();
        auto busy_second = plumbing.sender(rings[2]).release_value();
        /* Two producers fill their Rings; the quiet one sends once, while the others are busy. */
        for (u32 sequence = 0; sequence < 8; ++sequence) {
            REQUIRE_FALSE(busy_first.try_send(bytes_of({ 0, sequence })).is_error());
            REQUIRE_FALSE(busy_second.try_send(bytes_of({ 2, sequence })).is_error());
        }
        REQUIRE(plumbing.pending(plumbing.channel.doorbells()) == 0x5ull << 20);
        std::string order;
        Numbered message {};
        for (int take = 0; take < 4; ++take)
            order += static_cast<char>(
                '0' + plumbing.channel.try_receive({ reinterpret_cast<u8*>(&message), sizeof(message) }).value().producer);
        REQUIRE_FALSE(quiet.try_send(bytes_of({ 1, 0 })).is_error());
        REQUIRE(plumbing.pending(plumbing.channel.doorbells()) == 0x7ull << 20);
        for (;;) {
            auto received = plumbing.channel.try_receive({ reinterpret_cast<u8*>(&message), sizeof(message) });
            if (received.is_error()) {
                REQUIRE(received.error().code() == ErrorCode::Empty);
                break;
            }
            order += static_cast<char>('0' + received.value().producer);
        }
        REQUIRE(order == "02020120202020202");
    });
    REQUIRE(ran.value() == 0);
}

TEST_CASE("a full Ring raises its producer's space bit when the consumer takes from it")
{
    test::Arena memory(512 * KiB);
    test::Arena ring_memory(256 * KiB);
    auto ran = test::in_task(memory.reticle(), [&] {
        Plumbing plumbing(ring_memory);
        auto ring = plumbing.ring(2);
        REQUIRE_FALSE(plumbing.add(ring, 3).is_error());
        auto sender = plumbing.sender(ring).release_value();
        REQUIRE_FALSE(sender.try_send(bytes_of({ 0, 0 })).is_error());
        REQUIRE_FALSE(sender.try_send(bytes_of({ 0, 1 })).is_error());
        REQUIRE(sender.try_send(bytes_of({ 0, 2 })).error().code() == ErrorCode::Full);
        REQUIRE(plumbing.pending(SignalBit(1).mask()) == 0);
        Numbered message {};
        REQUIRE(plumbing.channel.try_receive({ reinterpret_cast<u8*>(&message), sizeof(message) }).value().producer == 0);
        REQUIRE(plumbing.pending(SignalBit(1).mask()) == SignalBit(1).mask());
    });
    REQUIRE(ran.value() == 0);
}

TEST_CASE("a channel end is refused a Ring of another schema or without the right it needs")
{
    test::Arena memory(512 * KiB);
    test::Arena ring_memory(256 * KiB);
    auto ran = test::in_task(memory.reticle(), [&] {
        Plumbing plumbing(ring_memory);
        auto foreign = plumbing.ring(8, other_schema);
        REQUIRE(plumbing.add(foreign, 4).error().code() == ErrorCode::SchemaMismatch);
        REQUIRE(plumbing.sender(foreign).error().code() == ErrorCode::SchemaMismatch);
        auto ring = plumbing.ring();
        REQUIRE(plumbing.sender(ring, RightSend, other_schema).error().code() == ErrorCode::SchemaMismatch);
        REQUIRE(plumbing.add(ring, 4, RightSend).error().code() == ErrorCode::MissingRight);
        REQUIRE(plumbing.sender(ring, RightReceive).error().code() == ErrorCode::MissingRight);
        REQUIRE(plumbing.channel.producer_count() == 0);
        REQUIRE(plumbing.channel.doorbells() == 0);
    });
    REQUIRE(ran.value() == 0);
}

TEST_CASE("a doorbell bit serves one producer, a channel has a bounded number, and an empty one will not wait")
{
    test::Arena memory(512 * KiB);
    test::Arena ring_memory(256 * KiB);
    auto ran = test::in_task(memory.reticle(), [&] {
        Plumbing plumbing(ring_memory);
        u8 buffer[32];
        REQUIRE(plumbing.channel.receive(buffer).error().code() == ErrorCode::NotFound);
        REQUIRE(plumbing.channel.try_receive(buffer).error().code() == ErrorCode::Empty);
        auto first = plumbing.ring(2);
        auto second = plumbing.ring(2);
        REQUIRE_FALSE(plumbing.add(first, 7).is_error());
        REQUIRE(plumbing.add(second, 7).error().code() == ErrorCode::AlreadyExists);
        for (u8 bit = 8; plumbing.channel.producer_count() < ChannelReceiver::maximum_producers; ++bit)
            REQUIRE_FALSE(plumbing.add(plumbing.ring(2), bit).is_error());
        REQUIRE(plumbing.add(second, 40).error().code() == ErrorCode::Full);
    });
    REQUIRE(ran.value() == 0);
}

TEST_CASE("a Ring reset by its owner reaches the consumer as PeerRestarted")
{
    test::Arena memory(512 * KiB);
    test::Arena ring_memory(256 * KiB);
    auto ran = test::in_task(memory.reticle(), [&] {
        Plumbing plumbing(ring_memory);
        auto ring = plumbing.ring();
        REQUIRE_FALSE(plumbing.add(ring, 2).is_error());
        plumbing.space().lookup(ring, RightRevoke).value()->reset();
        u8 buffer[32];
        REQUIRE(plumbing.channel.try_receive(buffer).error().code() == ErrorCode::PeerRestarted);
    });
    REQUIRE(ran.value() == 0);
}
