/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/Ring.h>
#include <vectra/Try.h>

namespace vectra {

ErrorOr<Ring*> Ring::try_create(Reticle& reticle, u32 slot_count, u32 slot_size, u64 schema_id)
{
    if (!is_power_of_two(slot_count) || slot_count < 2)
        return Error(ErrorCode::InvalidArgument, "Ring slot count must be a power of two, at least 2");
    if (!is_power_of_two(slot_size) || slot_size <= header_bytes)
        return Error(ErrorCode::InvalidArgument, "Ring slot size must be a power of two larger than the slot header");
    void* slots = TRY(reticle.try_retype(usize(slot_count) * slot_size, 64));
    void* storage = TRY(reticle.try_retype(sizeof(Ring), alignof(Ring)));
    return new (storage) Ring(static_cast<u8*>(slots), slot_count, slot_size, schema_id);
}

Ring::Ring(u8* slots, u32 slot_count, u32 slot_size, u64 schema_id)
    : m_slots(slots)
    , m_slot_count(slot_count)
    , m_slot_size(slot_size)
    , m_schema_id(schema_id)
{
}

bool Ring::is_full() const
{
    return m_tail.load(std::memory_order_relaxed) - m_head.load(std::memory_order_acquire) == m_slot_count;
}

bool Ring::is_empty() const
{
    return m_tail.load(std::memory_order_acquire) == m_head.load(std::memory_order_relaxed);
}

ErrorOr<void> Ring::try_send(std::span<u8 const> message)
{
    if (message.size() > payload_capacity())
        return Error(ErrorCode::TooLarge, "message larger than the Ring's slot payload");
    u32 tail = m_tail.load(std::memory_order_relaxed);
    u32 head = m_head.load(std::memory_order_acquire);
    if (tail - head == m_slot_count)
        return Error(ErrorCode::Full, "Ring is full");
    u8* slot = m_slots + usize(tail & (m_slot_count - 1)) * m_slot_size;
    u32 length = static_cast<u32>(message.size());
    memcpy(slot, &length, sizeof(length));
    if (!message.empty())
        memcpy(slot + header_bytes, message.data(), message.size());
    m_tail.store(tail + 1, std::memory_order_release);
    /* Doorbell on the empty → non-empty transition; the bit stays set until the consumer takes it. */
    if (tail == head && m_consumer_mask)
        m_consumer_mask->raise(m_consumer_bit);
    return {};
}

ErrorOr<usize> Ring::try_receive(std::span<u8> buffer)
{
    u32 head = m_head.load(std::memory_order_relaxed);
    u32 tail = m_tail.load(std::memory_order_acquire);
    if (head == tail)
        return Error(ErrorCode::Empty, "Ring is empty");
    u8 const* slot = m_slots + usize(head & (m_slot_count - 1)) * m_slot_size;
    u32 length = 0;
    memcpy(&length, slot, sizeof(length));
    if (length > payload_capacity()) {
        /* Cannot happen through try_send; the slot memory was corrupted. Drop the slot. */
        m_head.store(head + 1, std::memory_order_release);
        return Error(ErrorCode::MalformedMessage, "Ring slot holds an impossible length");
    }
    if (length > buffer.size())
        return Error(ErrorCode::TooLarge, "receive buffer smaller than the next message");
    if (length != 0)
        memcpy(buffer.data(), slot + header_bytes, length);
    m_head.store(head + 1, std::memory_order_release);
    if (tail - head == m_slot_count && m_producer_mask)
        m_producer_mask->raise(m_producer_bit);
    return usize(length);
}

void Ring::set_consumer_doorbell(SignalMask* mask, SignalBit bit)
{
    m_consumer_bit = bit;
    m_consumer_mask = mask;
    /* Messages sent before the consumer bound must still wake it. */
    if (mask && !is_empty())
        mask->raise(bit);
}

void Ring::set_producer_doorbell(SignalMask* mask, SignalBit bit)
{
    m_producer_bit = bit;
    m_producer_mask = mask;
}

ErrorOr<RingSender> RingSender::bind(RingCap capability, u64 expected_schema_id, SignalMask& own_mask, SignalBit space_bit)
{
    Ring* ring = TRY(capability.object_with(RightSend));
    if (ring->schema_id() != expected_schema_id)
        return Error(ErrorCode::SchemaMismatch, "Ring schema differs from the one the producer speaks");
    ring->set_producer_doorbell(&own_mask, space_bit);
    return RingSender(ring, space_bit);
}

ErrorOr<RingReceiver> RingReceiver::bind(RingCap capability, u64 expected_schema_id, SignalMask& own_mask, SignalBit doorbell)
{
    Ring* ring = TRY(capability.object_with(RightReceive));
    if (ring->schema_id() != expected_schema_id)
        return Error(ErrorCode::SchemaMismatch, "Ring schema differs from the one the consumer speaks");
    ring->set_consumer_doorbell(&own_mask, doorbell);
    return RingReceiver(ring, doorbell);
}

}
