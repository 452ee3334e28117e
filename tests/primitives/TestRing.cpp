/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>
#include <vectra/Bytes.h>
#include <vectra/kernel/MemoryObject.h>
#include <vectra/kernel/Ring.h>

using namespace vectra;

namespace {

constexpr u64 schema = schema_id_of("schema test version 1\n");

std::span<u8 const> bytes_of(u32 const& value) { return { reinterpret_cast<u8 const*>(&value), sizeof(value) }; }

/* A Ring with both ends bound, as a producer Task and a consumer Task would hold them. */
struct Pair {
    test::Arena arena { 256 * KiB };
    /* The masks outlive the spaces whose bindings pin them. */
    SignalMask producer_mask;
    SignalMask consumer_mask;
    CapabilitySpace producer_space { allocate_space_id() };
    CapabilitySpace consumer_space { allocate_space_id() };
    RingCap original;
    Ring* ring { nullptr };

    Pair(u32 slots, u32 size)
    {
        ring = Ring::try_create(arena.reticle(), slots, size, schema).release_value();
        original = producer_space.mint<CapabilityClass::Ring>(ring, all_rights).release_value();
    }
    RingProducer sender()
    {
        auto end = producer_space.attenuate(original, RightSend).release_value();
        return RingProducer::bind(producer_space, end, schema, producer_mask, SignalBit(6)).release_value();
    }
    RingConsumer receiver()
    {
        auto end = producer_space.copy_to(consumer_space, original, RightReceive).release_value();
        return RingConsumer::bind(consumer_space, end, schema, consumer_mask, SignalBit(5)).release_value();
    }
};

}

TEST_CASE("Ring geometry must be powers of two")
{
    test::Arena arena(64 * KiB);
    REQUIRE(Ring::try_create(arena.reticle(), 3, 64, schema).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(Ring::try_create(arena.reticle(), 4, 48, schema).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(Ring::try_create(arena.reticle(), 4, 16, schema).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(Ring::try_create(arena.reticle(), 1024, 1024, schema).error().code() == ErrorCode::OutOfMemory);
    REQUIRE_FALSE(Ring::try_create(arena.reticle(), 4, 64, schema).is_error());
}

TEST_CASE("a new Ring's slots are zeroed, though their pages held an earlier Ring's messages")
{
    test::Arena arena(64 * KiB);
    Ring* first = Ring::try_create(arena.reticle(), 4, 1024, schema).release_value();
    auto old_slots = first->slot_memory();
    for (auto& byte : old_slots)
        byte = 0xa7;
    first->abandon();
    REQUIRE_FALSE(arena.reticle().try_reclaim().is_error());
    Ring* second = Ring::try_create(arena.reticle(), 4, 1024, schema).release_value();
    REQUIRE(second->slot_memory().data() == old_slots.data());
    usize leaked = 0;
    for (u8 byte : second->slot_memory())
        leaked += byte != 0;
    REQUIRE(leaked == 0);
    second->abandon();
}

TEST_CASE("Ring delivers messages in order, across many wrap-arounds; free slots counted")
{
    Pair pair(4, 64);
    auto sender = pair.sender();
    auto receiver = pair.receiver();
    u32 sent = 0;
    u32 received = 0;
    for (int round = 0; round < 1000; ++round) {
        while (!sender.is_full()) {
            REQUIRE(sender.free_slots() == 4 - (sent - received));
            REQUIRE_FALSE(sender.try_send(bytes_of(sent)).is_error());
            ++sent;
        }
        REQUIRE(sender.free_slots() == 0);
        REQUIRE(sender.try_send(bytes_of(sent)).error().code() == ErrorCode::Full);
        for (int take = 0; take < 3; ++take) {
            u32 value = 0;
            REQUIRE(receiver.try_receive({ reinterpret_cast<u8*>(&value), sizeof(value) }).value().length == sizeof(value));
            REQUIRE(value == received);
            ++received;
        }
    }
    REQUIRE(sent - received == 1);
}

TEST_CASE("bursts publish and release many messages at once, in order")
{
    Pair pair(8, 32);
    auto sender = pair.sender();
    auto receiver = pair.receiver();
    u32 values[12];
    std::span<u8 const> messages[12];
    for (u32 index = 0; index < 12; ++index) {
        values[index] = index * 10;
        messages[index] = bytes_of(values[index]);
    }
    REQUIRE(sender.try_send_burst(messages).value() == 8);
    REQUIRE(pair.consumer_mask.take(~u64(0)) == SignalBit(5).mask());
    REQUIRE(sender.try_send_burst(std::span<std::span<u8 const> const>(messages + 8, 4)).error().code() == ErrorCode::Full);
    std::vector<u32> seen;
    REQUIRE(receiver.receive_burst(5, [&](std::span<u8 const> message) {
        u32 value;
        memcpy(&value, message.data(), sizeof(value));
        seen.push_back(value);
    }).value() == 5);
    REQUIRE(pair.producer_mask.take(~u64(0)) == SignalBit(6).mask());
    REQUIRE(receiver.receive_burst(100, [&](std::span<u8 const> message) {
        u32 value;
        memcpy(&value, message.data(), sizeof(value));
        seen.push_back(value);
    }).value() == 3);
    REQUIRE(seen == std::vector<u32> { 0, 10, 20, 30, 40, 50, 60, 70 });
    REQUIRE(sender.try_send_burst(std::span<std::span<u8 const> const>(messages + 8, 4)).value() == 4);
}

TEST_CASE("Ring refuses oversize messages and undersized receive buffers without losing data")
{
    Pair pair(2, 32);
    auto sender = pair.sender();
    auto receiver = pair.receiver();
    u8 big[32] {};
    REQUIRE(sender.try_send(big).error().code() == ErrorCode::TooLarge);
    REQUIRE_FALSE(sender.try_send(std::span<u8 const>(big, sender.payload_capacity())).is_error());
    u8 small[4];
    REQUIRE(receiver.try_receive(small).error().code() == ErrorCode::TooLarge);
    u8 enough[32];
    REQUIRE(receiver.try_receive(enough).value().length == sender.payload_capacity());
    REQUIRE(receiver.try_receive(enough).error().code() == ErrorCode::Empty);
}

TEST_CASE("a burst stops before an oversize message: those before it are published, nothing after it")
{
    Pair pair(8, 32);
    auto sender = pair.sender();
    auto receiver = pair.receiver();
    u32 first = 11;
    u32 second = 22;
    u32 after = 33;
    u8 big[32] {};
    std::span<u8 const> messages[] = { bytes_of(first), bytes_of(second), std::span<u8 const>(big), bytes_of(after) };
    REQUIRE(sender.try_send_burst(messages).value() == 2);
    REQUIRE(pair.ring->depth() == 2);
    /* A burst that starts with it is refused whole, and leaves the Ring as it was. */
    auto from_the_big_one = std::span<std::span<u8 const> const>(messages + 2, 2);
    REQUIRE(sender.try_send_burst(from_the_big_one).error().code() == ErrorCode::TooLarge);
    REQUIRE(pair.ring->depth() == 2);
    std::vector<u32> seen;
    REQUIRE(receiver.receive_burst(8, [&](std::span<u8 const> message) {
        REQUIRE(message.size() == sizeof(u32));
        u32 value;
        memcpy(&value, message.data(), sizeof(value));
        seen.push_back(value);
    }).value() == 2);
    REQUIRE(seen == std::vector<u32> { 11, 22 });
}

TEST_CASE("every message length from empty to the slot's payload arrives byte for byte, nothing written past it")
{
    /* Short messages are copied with overlapping fixed-size moves: each length has its own pair of offsets. */
    Pair pair(4, 64);
    auto sender = pair.sender();
    auto receiver = pair.receiver();
    u32 capacity = sender.payload_capacity();
    for (u32 length = 0; length <= capacity; ++length) {
        std::vector<u8> message(length);
        for (u32 index = 0; index < length; ++index)
            message[index] = static_cast<u8>(length * 31 + index + 1);
        /* One message through try_send and try_receive, into a buffer with a canary after the length. */
        REQUIRE_FALSE(sender.try_send(message).is_error());
        std::vector<u8> buffer(capacity + 1, 0xee);
        REQUIRE(receiver.try_receive(buffer).value().length == length);
        REQUIRE(std::vector<u8>(buffer.begin(), buffer.begin() + length) == message);
        for (u32 index = length; index < buffer.size(); ++index)
            REQUIRE(buffer[index] == 0xee);
        /* The same through a burst, seen in place. */
        std::span<u8 const> burst[] = { message, message };
        REQUIRE(sender.try_send_burst(burst).value() == 2);
        usize visited = 0;
        REQUIRE(receiver.receive_burst(2, [&](std::span<u8 const> seen) {
            REQUIRE(std::vector<u8>(seen.begin(), seen.end()) == message);
            ++visited;
        }).value() == 2);
        REQUIRE(visited == 2);
    }
}

TEST_CASE("a slot whose length a peer made impossible ends a burst before it, and is dropped by try_receive")
{
    /* A protection domain maps the slots: the producer's side may write any header. */
    Pair pair(4, 32);
    auto sender = pair.sender();
    auto receiver = pair.receiver();
    u32 values[] = { 1, 2, 3 };
    std::span<u8 const> messages[] = { bytes_of(values[0]), bytes_of(values[1]), bytes_of(values[2]) };
    REQUIRE(sender.try_send_burst(messages).value() == 3);
    u32 impossible = sender.payload_capacity() + 1;
    memcpy(pair.ring->slot_memory().data() + 32, &impossible, sizeof(impossible)); /* the second slot's length */
    usize visited = 0;
    REQUIRE(receiver.receive_burst(8, [&](std::span<u8 const> message) {
        REQUIRE(message.size() == sizeof(u32));
        ++visited;
    }).value() == 1);
    REQUIRE(visited == 1);
    REQUIRE(receiver.receive_burst(8, [&](std::span<u8 const>) { ++visited; }).value() == 0);
    u8 buffer[64];
    REQUIRE(receiver.try_receive(buffer).error().code() == ErrorCode::MalformedMessage);
    u32 last = 0;
    REQUIRE(receiver.try_receive({ reinterpret_cast<u8*>(&last), sizeof(last) }).value().length == sizeof(last));
    REQUIRE(last == 3);
}

TEST_CASE("the doorbell rings on the empty to non-empty transition only; space rings on full to non-full")
{
    Pair pair(2, 32);
    auto sender = pair.sender();
    auto receiver = pair.receiver();
    u32 value = 1;
    REQUIRE_FALSE(sender.try_send(bytes_of(value)).is_error());
    REQUIRE(pair.consumer_mask.take(~u64(0)) == SignalBit(5).mask());
    REQUIRE_FALSE(sender.try_send(bytes_of(value)).is_error());
    REQUIRE(pair.consumer_mask.take(~u64(0)) == 0);
    u8 buffer[8];
    REQUIRE_FALSE(receiver.try_receive(buffer).is_error());
    REQUIRE(pair.producer_mask.take(~u64(0)) == SignalBit(6).mask());
    REQUIRE_FALSE(receiver.try_receive(buffer).is_error());
    REQUIRE(pair.producer_mask.take(~u64(0)) == 0);
}

TEST_CASE("a consumer that binds after messages were sent is woken at once")
{
    Pair pair(2, 32);
    auto sender = pair.sender();
    u32 value = 9;
    REQUIRE_FALSE(sender.try_send(bytes_of(value)).is_error());
    auto receiver = pair.receiver();
    REQUIRE(pair.consumer_mask.take(~u64(0)) == SignalBit(5).mask());
    REQUIRE_FALSE(receiver.is_empty());
}

TEST_CASE("binding checks the schema, the end's right and the handle's space")
{
    Pair pair(2, 32);
    SignalMask mask;
    constexpr u64 other = schema_id_of("schema test version 2\n");
    REQUIRE(other != schema);
    auto receive_end = pair.producer_space.attenuate(pair.original, RightReceive).release_value();
    auto send_end = pair.producer_space.attenuate(pair.original, RightSend).release_value();
    auto& space = pair.producer_space;
    REQUIRE(RingConsumer::bind(space, receive_end, other, mask, SignalBit(0)).error().code() == ErrorCode::SchemaMismatch);
    REQUIRE(RingProducer::bind(space, send_end, other, mask, SignalBit(0)).error().code() == ErrorCode::SchemaMismatch);
    REQUIRE(RingConsumer::bind(space, send_end, schema, mask, SignalBit(0)).error().code() == ErrorCode::MissingRight);
    REQUIRE(RingProducer::bind(space, receive_end, schema, mask, SignalBit(0)).error().code() == ErrorCode::MissingRight);
    REQUIRE(RingProducer::bind(space, RingCap(), schema, mask, SignalBit(0)).error().code() == ErrorCode::StaleHandle);
    REQUIRE(RingProducer::bind(pair.consumer_space, send_end, schema, mask, SignalBit(0)).error().code() == ErrorCode::ForeignHandle);
}

TEST_CASE("a capability rides in a slot: moved out of the sender, into the receiver")
{
    Pair pair(4, 64);
    auto sender = pair.sender();
    auto receiver = pair.receiver();
    auto memory = MemoryObject::try_create(pair.arena.reticle(), pair.producer_space, 4096).release_value();
    auto bytes = writable_view(pair.producer_space, memory).release_value();
    for (usize index = 0; index < bytes.size(); ++index)
        bytes[index] = static_cast<u8>(index);
    usize before = pair.producer_space.count();
    REQUIRE_FALSE(sender.try_send_with(as_bytes("payload"), pair.producer_space, std::move(memory)).is_error());
    REQUIRE(memory.is_empty());
    REQUIRE(pair.producer_space.count() == before - 1);

    u8 buffer[64];
    /* A receiver that takes no capabilities drops it with its message, and moves on. */
    REQUIRE(receiver.try_receive(buffer).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(pair.arena.reticle().live_contents() == 1); /* dropped: only the Ring itself is left */

    auto second = MemoryObject::try_create(pair.arena.reticle(), pair.producer_space, 4096).release_value();
    auto second_bytes = writable_view(pair.producer_space, second).release_value();
    second_bytes[100] = 0xab;
    REQUIRE_FALSE(sender.try_send_with(as_bytes("payload"), pair.producer_space, std::move(second)).is_error());
    auto received = receiver.try_receive(buffer, &pair.consumer_space).release_value();
    REQUIRE(as_text(std::span<u8 const>(buffer, received.length)) == "payload");
    REQUIRE(received.has_capability);
    REQUIRE(received.capability.as<CapabilityClass::Ring>().error().code() == ErrorCode::WrongClass);
    auto arrived = received.capability.as<CapabilityClass::Memory>().release_value();
    auto view = readable_view(pair.consumer_space, arrived).release_value();
    /* Zero copy: the receiver sees the very bytes the sender wrote. */
    REQUIRE(view.data() == second_bytes.data());
    REQUIRE(view[100] == 0xab);
}

TEST_CASE("a capability without the move right does not ride in a slot: refused, the Ring stays empty, the sender keeps it")
{
    test::Arena other(64 * KiB); /* outlives the spaces that name it */
    Pair pair(4, 64);
    auto sender = pair.sender();
    auto receiver = pair.receiver();
    /* A Ring end, as a Task holds a connection the manifest gave it without RightMove. */
    auto pinned = pair.producer_space.attenuate(pair.original, RightSend | RightGrant | RightRevoke).release_value();
    REQUIRE(sender.try_send_with(as_bytes("take it"), pair.producer_space, std::move(pinned)).error().code()
        == ErrorCode::NotMovable);
    REQUIRE_FALSE(pinned.is_empty());
    REQUIRE(pair.producer_space.lookup(pinned, RightSend).value() == pair.ring);
    u8 buffer[64];
    REQUIRE(receiver.try_receive(buffer, &pair.consumer_space).error().code() == ErrorCode::Empty);
    /* A copy (it holds grant) may not carry the move right it lacks. */
    REQUIRE(sender.try_send_copy(as_bytes("copy"), pair.producer_space, pinned, RightSend | RightMove).error().code()
        == ErrorCode::MissingRight);
    REQUIRE(receiver.try_receive(buffer, &pair.consumer_space).error().code() == ErrorCode::Empty);
    /* A copy without it arrives (the delivery asks no right) and stays with its receiver. */
    REQUIRE_FALSE(sender.try_send_copy(as_bytes("copy"), pair.producer_space, pinned, RightSend).is_error());
    auto received = receiver.try_receive(buffer, &pair.consumer_space).release_value();
    auto copy = received.capability.as<CapabilityClass::Ring>().release_value();
    CapabilitySpace elsewhere(allocate_space_id());
    REQUIRE(pair.consumer_space.move_to(elsewhere, std::move(copy)).error().code() == ErrorCode::NotMovable);
    /* A capability moved with the right arrives with exactly its rights: move, but no grant it never had. */
    auto movable = pair.producer_space.mint<CapabilityClass::Reticle>(&other.reticle(), RightRetype | RightMove).release_value();
    REQUIRE_FALSE(sender.try_send_with(as_bytes("moved"), pair.producer_space, std::move(movable)).is_error());
    auto moved = receiver.try_receive(buffer, &pair.consumer_space).release_value().capability.as<CapabilityClass::Reticle>()
                     .release_value();
    REQUIRE(pair.consumer_space.view(moved.space(), moved.slot(), moved.generation()).value().rights == (RightRetype | RightMove));
}

TEST_CASE("a reset by the owner empties the Ring and bound ends see PeerRestarted until they bind again")
{
    Pair pair(4, 32);
    auto sender = pair.sender();
    auto receiver = pair.receiver();
    u32 value = 5;
    REQUIRE_FALSE(sender.try_send(bytes_of(value)).is_error());
    (void)pair.consumer_mask.take(~u64(0));
    pair.ring->reset();
    REQUIRE(pair.consumer_mask.take(~u64(0)) == SignalBit(5).mask());
    u8 buffer[8];
    REQUIRE(receiver.try_receive(buffer).error().code() == ErrorCode::PeerRestarted);
    REQUIRE(sender.try_send(bytes_of(value)).error().code() == ErrorCode::PeerRestarted);
    auto fresh_receiver = pair.receiver();
    auto fresh_sender = pair.sender();
    REQUIRE(fresh_receiver.try_receive(buffer).error().code() == ErrorCode::Empty);
    REQUIRE_FALSE(fresh_sender.try_send(bytes_of(value)).is_error());
    REQUIRE(fresh_receiver.try_receive(buffer).value().length == 4);
}

TEST_CASE("a capability is copied through a Ring only with the grant right, and the copy is revocable")
{
    test::Arena other(64 * KiB); /* outlives the spaces that name it */
    Pair pair(4, 64);
    auto sender = pair.sender();
    auto receiver = pair.receiver();
    auto shared = pair.producer_space.mint<CapabilityClass::Reticle>(&other.reticle(), RightRetype | RightRevoke).release_value();
    REQUIRE(sender.try_send_copy(as_bytes("no"), pair.producer_space, shared, RightRetype).error().code() == ErrorCode::MissingRight);
    auto grantable = pair.producer_space.mint<CapabilityClass::Reticle>(&other.reticle(), RightRetype | RightGrant | RightRevoke)
                         .release_value();
    REQUIRE(sender.try_send_copy(as_bytes("yes"), pair.producer_space, grantable, RightRetype | RightSpawn).error().code()
        == ErrorCode::MissingRight);
    REQUIRE_FALSE(sender.try_send_copy(as_bytes("yes"), pair.producer_space, grantable, RightRetype).is_error());
    /* The sender keeps its own capability. */
    REQUIRE(pair.producer_space.lookup(grantable, RightGrant).value() == &other.reticle());
    u8 buffer[64];
    auto received = receiver.try_receive(buffer, &pair.consumer_space).release_value();
    auto copy = received.capability.as<CapabilityClass::Reticle>().release_value();
    REQUIRE(pair.consumer_space.lookup(copy, RightRetype).value() == &other.reticle());
    REQUIRE(pair.consumer_space.lookup(copy, RightGrant).error().code() == ErrorCode::MissingRight);
    /* Revoking the sender's original reaches the copy in the receiver's space. */
    REQUIRE(pair.producer_space.revoke(grantable).value() == 1);
    REQUIRE(pair.consumer_space.lookup(copy, 0).error().code() == ErrorCode::StaleHandle);
}

TEST_CASE("across two threads no doorbell or space bit is ever lost")
{
    /* Each side waits only on its bit (spinning on take), as a Task on another CPU would. */
    Pair pair(4, 32);
    auto sender = pair.sender();
    auto receiver = pair.receiver();
    constexpr u32 count = 200000;
    std::atomic<bool> stuck { false };
    auto wait_for = [&](SignalMask& mask, SignalBit bit) {
        auto start = std::chrono::steady_clock::now();
        while (mask.take(bit.mask()) == 0) {
            if (std::chrono::steady_clock::now() - start > std::chrono::seconds(5)) {
                stuck = true;
                return false;
            }
        }
        return true;
    };
    std::thread producer([&] {
        for (u32 value = 0; value < count && !stuck;) {
            if (sender.try_send(bytes_of(value)).is_error()) {
                if (!wait_for(pair.producer_mask, SignalBit(6)))
                    return;
                continue;
            }
            ++value;
        }
    });
    u32 expected = 0;
    bool in_order = true;
    while (expected < count && !stuck) {
        u32 value = 0;
        auto got = receiver.try_receive({ reinterpret_cast<u8*>(&value), sizeof(value) });
        if (got.is_error()) {
            if (!wait_for(pair.consumer_mask, SignalBit(5)))
                break;
            continue;
        }
        in_order = in_order && value == expected;
        ++expected;
    }
    producer.join();
    REQUIRE_FALSE(stuck);
    REQUIRE(in_order);
    REQUIRE(expected == count);
}

namespace {

/* What a protection domain watches: the rights its space holds over each object, after every change. */
struct SpaceWatch final : SpaceObserver {
    void capabilities_changed(CapabilitySpace& space, KernelObject& object, CapabilityClass capability_class) override
    {
        if (capability_class == CapabilityClass::Memory)
            memory_rights = space.rights_over(object, capability_class);
    }
    Rights memory_rights { 0 };
};

}

TEST_CASE("a MemCap delivered through a Ring slot, and leaving with its receiver's exit, is heard by the receiver's observer")
{
    Pair pair(4, 64);
    SpaceWatch watch;
    pair.consumer_space.set_observer(&watch);
    pair.producer_space.set_observer(nullptr);
    auto sender = pair.sender();
    auto receiver = pair.receiver();
    auto memory = MemoryObject::try_create(pair.arena.reticle(), pair.producer_space, 4096).release_value();
    auto copy = pair.producer_space.attenuate(memory, RightRead | RightGrant | RightRevoke).release_value();
    REQUIRE_FALSE(sender.try_send_copy(as_bytes("payload"), pair.producer_space, copy, RightRead).is_error());
    REQUIRE(watch.memory_rights == 0); /* in flight: in nobody's space */
    u8 buffer[64];
    auto received = receiver.try_receive(buffer, &pair.consumer_space).release_value();
    REQUIRE(received.has_capability);
    REQUIRE(watch.memory_rights == RightRead); /* delivered: mapped read-only in a domain */
    /* The sender revokes what it handed out: the receiver's copy goes, and is heard going. */
    REQUIRE(pair.producer_space.revoke(copy).value() == 1);
    REQUIRE(watch.memory_rights == 0);
    pair.consumer_space.set_observer(nullptr);
}
