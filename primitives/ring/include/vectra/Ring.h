/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <atomic>
#include <span>
#include <string_view>
#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/Reticle.h>
#include <vectra/SignalMask.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * A Ring schema is identified by a 64-bit hash of its canonical description (the message
 * types and their versions, written out as text next to the protocol). Binding either end of
 * a Ring with a different schema id fails.
 */
[[nodiscard]] constexpr u64 schema_id_of(std::string_view canonical_description)
{
    /* FNV-1a, 64-bit: stable, constexpr, dependency-free. */
    u64 hash = 0xcbf29ce484222325ull;
    for (char character : canonical_description) {
        hash ^= static_cast<u8>(character);
        hash *= 0x100000001b3ull;
    }
    return hash;
}

/*
 * Single-producer / single-consumer queue of fixed-size slots in memory retyped from a
 * Reticle. The producer publishes with one release store of the tail; the consumer takes with
 * one acquire load of it. A send that makes an empty Ring non-empty raises the consumer's
 * doorbell bit; a receive that makes a full Ring non-full raises the producer's space bit.
 */
class Ring {
public:
    static constexpr usize header_bytes = 8; /* u32 length + u32 reserved, before each payload */

    [[nodiscard]] static ErrorOr<Ring*> try_create(Reticle&, u32 slot_count, u32 slot_size, u64 schema_id);

    Ring(Ring const&) = delete;
    Ring& operator=(Ring const&) = delete;

    [[nodiscard]] u32 slot_count() const { return m_slot_count; }
    [[nodiscard]] u32 slot_size() const { return m_slot_size; }
    [[nodiscard]] u32 payload_capacity() const { return m_slot_size - header_bytes; }
    [[nodiscard]] u64 schema_id() const { return m_schema_id; }

    /* Producer side. */
    [[nodiscard]] ErrorOr<void> try_send(std::span<u8 const> message);
    [[nodiscard]] bool is_full() const;
    /* Consumer side: copies the next message into `buffer`, returns its length. */
    [[nodiscard]] ErrorOr<usize> try_receive(std::span<u8> buffer);
    [[nodiscard]] bool is_empty() const;

    void set_consumer_doorbell(SignalMask* mask, SignalBit bit);
    void set_producer_doorbell(SignalMask* mask, SignalBit bit);

private:
    Ring(u8* slots, u32 slot_count, u32 slot_size, u64 schema_id);

    alignas(64) std::atomic<u32> m_head { 0 }; /* next slot the consumer reads */
    alignas(64) std::atomic<u32> m_tail { 0 }; /* next slot the producer writes */
    alignas(64) u8* m_slots { nullptr };
    u32 m_slot_count { 0 };
    u32 m_slot_size { 0 };
    u64 m_schema_id { 0 };
    SignalMask* m_consumer_mask { nullptr };
    SignalBit m_consumer_bit { 0 };
    SignalMask* m_producer_mask { nullptr };
    SignalBit m_producer_bit { 0 };
};

/* The producer end, bound once: the capability and the schema are checked here, not per send. */
class RingSender {
public:
    [[nodiscard]] static ErrorOr<RingSender> bind(RingCap, u64 expected_schema_id, SignalMask& own_mask, SignalBit space_bit);
    [[nodiscard]] ErrorOr<void> try_send(std::span<u8 const> message) { return m_ring->try_send(message); }
    [[nodiscard]] u32 payload_capacity() const { return m_ring->payload_capacity(); }
    [[nodiscard]] SignalBit space_bit() const { return m_space_bit; }

private:
    RingSender(Ring* ring, SignalBit space_bit)
        : m_ring(ring)
        , m_space_bit(space_bit)
    {
    }
    Ring* m_ring;
    SignalBit m_space_bit;
};

/* The consumer end, bound once. */
class RingReceiver {
public:
    [[nodiscard]] static ErrorOr<RingReceiver> bind(RingCap, u64 expected_schema_id, SignalMask& own_mask, SignalBit doorbell);
    [[nodiscard]] ErrorOr<usize> try_receive(std::span<u8> buffer) { return m_ring->try_receive(buffer); }
    [[nodiscard]] bool is_empty() const { return m_ring->is_empty(); }
    [[nodiscard]] SignalBit doorbell() const { return m_doorbell; }
    [[nodiscard]] u32 payload_capacity() const { return m_ring->payload_capacity(); }

private:
    RingReceiver(Ring* ring, SignalBit doorbell)
        : m_ring(ring)
        , m_doorbell(doorbell)
    {
    }
    Ring* m_ring;
    SignalBit m_doorbell;
};

}
