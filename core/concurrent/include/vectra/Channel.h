/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <optional>
#include <span>
#include <vectra/Error.h>
#include <vectra/Ring.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * A many-producer, one-consumer channel made of one SPSC Ring per producer — no locks, no
 * shared tail — and Signal bits. Whoever sets the channel up (a supervisor) creates the Rings,
 * all with the channel's schema, and grants each producer RightSend on its own Ring and the
 * consumer RightReceive on all of them. Each end is then bound from those RingCaps in the
 * binder's own capability space, and each wait is on the binder's own Signal Mask.
 *
 * The consumer binds each Ring to a distinct bit of its own Signal Mask; receive() waits once
 * on the union of those doorbells and takes one message at a time round robin across
 * producers, so a busy producer cannot starve the others: between two messages of one producer
 * every other producer with a message waiting gets one taken. Messages of one producer arrive
 * in the order it sent them; none are lost (a full Ring makes its producer wait, it never drops).
 *
 * receive() and send() park the calling Task (system::wait), so the mask they are bound to
 * must be the calling Task's own.
 */
class ChannelSender {
public:
    /* Needs RightSend on `ring`, and its schema must be `schema_id` (SchemaMismatch otherwise). */
    [[nodiscard]] static ErrorOr<ChannelSender> bind(RingCap const& ring, u64 schema_id, SignalBit space_bit);

    /* Sends `message`, waiting on the space bit while the Ring is full. */
    [[nodiscard]] ErrorOr<void> send(std::span<u8 const> message);
    /* Sends `message` if there is room; Full otherwise. */
    [[nodiscard]] ErrorOr<void> try_send(std::span<u8 const> message) { return m_ring.try_send(message); }

    [[nodiscard]] u32 payload_capacity() const { return m_ring.payload_capacity(); }

private:
    explicit ChannelSender(RingSender ring)
        : m_ring(ring)
    {
    }

    RingSender m_ring;
};

/* What receive() took: its length in the caller's buffer and which producer (bind order) sent it. */
struct ChannelMessage {
    usize length { 0 };
    usize producer { 0 };
};

class ChannelReceiver {
public:
    static constexpr usize maximum_producers = 16;

    explicit ChannelReceiver(u64 schema_id)
        : m_schema_id(schema_id)
    {
    }

    /*
     * Binds one producer's Ring (RightReceive, the channel's schema) to `doorbell`, a bit of the
     * consumer's own mask no other producer of this channel uses. Returns the producer's index.
     * Refused: Full (maximum_producers already), AlreadyExists (the bit is taken), and the
     * Ring's own refusals (MissingRight, SchemaMismatch, WrongClass, StaleHandle…).
     */
    [[nodiscard]] ErrorOr<usize> add_producer(RingCap const& ring, SignalBit doorbell);

    /*
     * Takes the next message, round robin across producers, waiting on the union of the
     * doorbells while every Ring is empty. Returns a Ring's error other than Empty as it is
     * (PeerRestarted after a reset, TooLarge when `buffer` is smaller than the next message).
     */
    [[nodiscard]] ErrorOr<ChannelMessage> receive(std::span<u8> buffer);
    /* As receive(), without waiting: Empty when no producer has a message. */
    [[nodiscard]] ErrorOr<ChannelMessage> try_receive(std::span<u8> buffer);

    [[nodiscard]] usize producer_count() const { return m_count; }
    /* The union of the producers' doorbell bits: what receive() waits on. */
    [[nodiscard]] u64 doorbells() const { return m_doorbells; }

private:
    u64 m_schema_id;
    std::optional<RingReceiver> m_receivers[maximum_producers];
    usize m_count { 0 };
    usize m_next { 0 }; /* the producer whose turn it is */
    u64 m_doorbells { 0 };
};

}
