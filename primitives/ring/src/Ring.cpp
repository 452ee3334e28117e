/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/kernel/Ring.h>
#include <vectra/Try.h>
#include <vectra/platform/ConsoleLine.h>
#include <vectra/platform/Platform.h>

namespace vectra {

ErrorOr<Ring*> Ring::try_create(Reticle& reticle, u32 slot_count, u32 slot_size, u64 schema_id)
{
    if (!is_power_of_two(slot_count) || slot_count < 2)
        return Error(ErrorCode::InvalidArgument, "Ring slot count must be a power of two, at least 2");
    if (!is_power_of_two(slot_size) || slot_size <= header_bytes)
        return Error(ErrorCode::InvalidArgument, "Ring slot size must be a power of two larger than the slot header");
    /* Whole pages of their own: a protection domain maps them without exposing the Ring's bookkeeping. */
    usize slot_bytes = align_up(usize(slot_count) * slot_size, memory_granule);
    void* slots = TRY(reticle.try_retype(slot_bytes, memory_granule));
    /* Slots a domain maps start empty: after a reclaim these pages may hold another holder's bytes. */
    __builtin_memset(slots, 0, slot_bytes);
    void* storage = TRY(reticle.try_retype(sizeof(Ring), alignof(Ring)));
    return new (storage) Ring(reticle, static_cast<u8*>(slots), slot_count, slot_size, schema_id, allocate_space_id());
}

Ring::Ring(Reticle& origin, u8* slots, u32 slot_count, u32 slot_size, u64 schema_id, u32 space_id)
    : KernelObject(CapabilityClass::Ring, &origin)
    , m_slots(slots)
    , m_slot_count(slot_count)
    , m_slot_size(slot_size)
    , m_schema_id(schema_id)
    , m_in_flight(space_id)
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

void Ring::ring_consumer_doorbell(u32 old_tail, u32 head_seen)
{
    SignalMask* mask = m_consumer.doorbell_mask;
    if (!mask)
        return;
    /*
     * Doorbell on the empty → non-empty transition; the bit stays set until the consumer takes
     * it. The head seen before publishing may be stale when the consumer runs on another CPU:
     * after a full fence, look again — if the consumer has caught up with everything before this
     * burst, it may be about to wait, so ring.
     */
    bool was_empty = old_tail == head_seen;
    if (!was_empty) {
        std::atomic_thread_fence(std::memory_order_seq_cst);
        was_empty = m_head.load(std::memory_order_relaxed) == old_tail;
    }
    if (was_empty)
        mask->raise(m_consumer.bit);
}

void Ring::reset()
{
    (void)m_in_flight.clear();
    m_head.store(0, std::memory_order_relaxed);
    m_tail.store(0, std::memory_order_relaxed);
    /* Every binding made before now gets PeerRestarted; its Task keeps the end and binds again. */
    invalidate(m_producer, ErrorCode::PeerRestarted);
    invalidate(m_consumer, ErrorCode::PeerRestarted);
}

void Ring::invalidate(End& end, ErrorCode why)
{
    if (!end.attached_space() || end.invalid_because != ErrorCode::None)
        return;
    end.invalid_because = why;
    end.token.store(m_next_token++, std::memory_order_release);
    /* Wake the binder once so it notices at once; after that nothing raises its bit. */
    if (SignalMask* mask = end.doorbell_mask) {
        end.doorbell_mask = nullptr;
        mask->raise(end.bit);
    }
}

void Ring::release_end(End& end)
{
    end.doorbell_mask = nullptr; /* its own Task gives it up: nobody to wake */
    invalidate(end, ErrorCode::NotFound);
    if (auto* space = end.attached_space())
        space->detach(end);
    end.through = nullptr;
    if (SignalMask* mask = end.pinned_mask) {
        end.pinned_mask = nullptr;
        mask->release();
    }
    release(); /* the binding held the Ring: it may retire now */
}

void Ring::End::space_cleared()
{
    /* Detached already (its Task is gone); the rest is what unbinding does. */
    m_ring.release_end(*this);
}

ErrorOr<Ring::End*> Ring::bind_end(End& end, CapabilitySpace& space, CapabilityEntry const& through, SignalMask& mask,
    SignalBit bit)
{
    if (end.attached_space() && end.attached_space() != &space)
        return Error(ErrorCode::Busy, "this Ring end is bound by another Task");
    mask.retain();
    if (!end.attached_space()) {
        space.attach(end);
        retain();
    } else if (end.pinned_mask) {
        end.pinned_mask->release(); /* the same Task binds again: its old binding ends */
    }
    end.pinned_mask = &mask;
    end.doorbell_mask = &mask;
    end.bit = bit;
    end.through = &through;
    end.invalid_because = ErrorCode::None;
    end.bind_serial = m_next_token++;
    end.token.store(m_next_token++, std::memory_order_release);
    return &end;
}

void Ring::tear_down()
{
    /* The last RingCap is gone: what travels in it is dropped, and both ends see PeerClosed. */
    (void)m_in_flight.clear();
    for (End* end : { &m_producer, &m_consumer }) {
        invalidate(*end, ErrorCode::PeerClosed);
        /* Ends bound through copies were revoked a moment ago by the same deletion: closed says more. */
        if (end->attached_space())
            end->invalid_because = ErrorCode::PeerClosed;
    }
}

void Ring::capability_deleted(CapabilityEntry const& entry)
{
    /* Revoking the capability an end was bound through revokes the binding too. */
    if (m_producer.through == &entry)
        invalidate(m_producer, ErrorCode::Revoked);
    if (m_consumer.through == &entry)
        invalidate(m_consumer, ErrorCode::Revoked);
}

void Ring::capability_moved(CapabilityEntry const& from, CapabilityEntry const& to)
{
    if (m_producer.through == &from)
        m_producer.through = &to;
    if (m_consumer.through == &from)
        m_consumer.through = &to;
}

Error Ring::binding_error(End const& end)
{
    switch (end.invalid_because) {
    case ErrorCode::PeerRestarted:
        return Error(ErrorCode::PeerRestarted, "the Ring was reset by its owner (the peer restarted); bind again");
    case ErrorCode::Revoked:
        return Error(ErrorCode::Revoked, "the RingCap this end was bound through was revoked");
    case ErrorCode::PeerClosed:
        return Error(ErrorCode::PeerClosed, "the Ring's last capability is gone: the peer closed it");
    default:
        return Error(ErrorCode::StaleHandle, "this Ring end is no longer bound here (bound again, or given up)");
    }
}

ErrorOr<void> RingProducer::check_binding() const
{
    if (m_ring->m_producer.token.load(std::memory_order_acquire) != m_token) [[unlikely]]
        return Ring::binding_error(m_ring->m_producer);
    return {};
}

void RingProducer::unbind()
{
    if (m_ring && m_ring->m_producer.bind_serial == m_bind_serial && m_ring->m_producer.attached_space())
        m_ring->release_end(m_ring->m_producer);
}

void RingConsumer::unbind()
{
    if (m_ring && m_ring->m_consumer.bind_serial == m_bind_serial && m_ring->m_consumer.attached_space())
        m_ring->release_end(m_ring->m_consumer);
}

ErrorOr<usize> RingProducer::try_send_burst(std::span<std::span<u8 const> const> messages)
{
    TRY(check_binding());
    Ring& ring = *m_ring;
    u32 tail = ring.m_tail.load(std::memory_order_relaxed);
    u32 head = ring.m_head.load(std::memory_order_acquire);
    u32 room = ring.m_slot_count - (tail - head);
    usize count = messages.size() < room ? messages.size() : room;
    /*
     * One pass: each message is checked, then written. Slots past the tail are the producer's
     * until it publishes, so a burst cut short by an oversize message leaves nothing visible.
     * The geometry in locals: the slot stores could alias the Ring's fields for the compiler.
     */
    u8* const slots = ring.m_slots;
    u32 const index_mask = ring.m_slot_count - 1;
    usize const slot_size = ring.m_slot_size;
    usize const capacity = slot_size - Ring::header_bytes;
    usize written = 0;
    for (; written < count; ++written) {
        std::span<u8 const> message = messages[written];
        if (message.size() > capacity) [[unlikely]]
            break;
        u8* slot = slots + usize((tail + static_cast<u32>(written)) & index_mask) * slot_size;
        Ring::SlotHeader header {};
        header.length = static_cast<u32>(message.size());
        __builtin_memcpy(slot, &header, sizeof(header));
        Ring::copy_payload(slot + Ring::header_bytes, message.data(), message.size());
    }
    if (written == 0) {
        if (messages.empty())
            return usize(0);
        if (count != 0)
            return Error(ErrorCode::TooLarge, "message larger than the Ring's slot payload");
        return Error(ErrorCode::Full, "Ring is full");
    }
    count = written;
    /* One release store publishes the whole burst. */
    ring.m_tail.store(tail + static_cast<u32>(count), std::memory_order_release);
    ring.ring_consumer_doorbell(tail, head);
    return count;
}

ErrorOr<void> RingProducer::try_send(std::span<u8 const> message)
{
    std::span<u8 const> one[] = { message };
    TRY(try_send_burst(one));
    return {};
}

ErrorOr<void> RingProducer::send_with_capability(std::span<u8 const> message, CapabilitySpace& from,
    CapabilityClass capability_class, u32 space, u16 slot_index, u32 generation, Transfer transfer, Rights keep)
{
    TRY(check_binding());
    Ring& ring = *m_ring;
    if (message.size() > ring.payload_capacity())
        return Error(ErrorCode::TooLarge, "message larger than the Ring's slot payload");
    u32 tail = ring.m_tail.load(std::memory_order_relaxed);
    u32 head = ring.m_head.load(std::memory_order_acquire);
    if (tail - head == ring.m_slot_count)
        return Error(ErrorCode::Full, "Ring is full");
    /* Validate and move (with the move right) or copy (with the grant right) the capability into the Ring before the slot becomes visible. */
    auto moved = transfer == Transfer::Move
        ? TRY(from.transfer(space, slot_index, generation, capability_class, ring.m_in_flight, MoveBy::Holder))
        : TRY(from.derive(space, slot_index, generation, capability_class, keep, ring.m_in_flight, RightGrant));
    u8* slot = ring.slot(tail);
    Ring::SlotHeader header {};
    header.length = static_cast<u32>(message.size());
    header.flags = Ring::flag_capability;
    header.capability_slot = moved.slot;
    header.capability_generation = moved.generation;
    header.capability_class = static_cast<u8>(capability_class);
    memcpy(slot, &header, sizeof(header));
    if (!message.empty())
        memcpy(slot + Ring::header_bytes, message.data(), message.size());
    ring.m_tail.store(tail + 1, std::memory_order_release);
    ring.ring_consumer_doorbell(tail, head);
    return {};
}

bool Ring::program_order_suffices(SignalMask const& producer, SignalMask const* consumer, u32 (*running_processor)())
{
    u32 processor = producer.pinned_processor();
    if (processor == SignalMask::not_pinned || !consumer || consumer->pinned_processor() != processor)
        return false;
    /* Asked last: on x86_64 with several CPUs it is an rdtscp, which a release across CPUs need not pay. */
    return running_processor() == processor;
}

bool RingConsumer::release_trusts_program_order() const
{
    SignalMask const* producer = m_ring->m_producer.doorbell_mask;
    return producer && Ring::program_order_suffices(*producer, m_ring->m_consumer.pinned_mask, platform::processor_running_this);
}

void RingConsumer::release(u32 head, u32 tail_seen, u32 count)
{
    if (count == 0)
        return;
    m_ring->m_head.store(head + count, std::memory_order_release);
    /*
     * Space bit on the full → non-full transition. The tail seen before may be stale: the
     * producer may have filled the Ring and gone to wait since — on another CPU, or on this one
     * while the visitor waited. Look again, so such a producer is never left waiting; across
     * CPUs only after a full fence (Dekker: the producer stores the tail, then loads the head).
     */
    SignalMask* mask = m_ring->m_producer.doorbell_mask;
    if (!mask)
        return;
    bool was_full = tail_seen - head == m_ring->m_slot_count;
    if (!was_full) {
        /*
         * Both ends' Tasks pinned to the CPU running this: the producer is not running now, and
         * whatever it stored came before this in the CPU's own program order (ADR 0026 §13) —
         * the compiler must still not move the load above the store (an interrupt may switch
         * Tasks between them).
         */
        if (release_trusts_program_order())
            std::atomic_signal_fence(std::memory_order_seq_cst);
        else
            std::atomic_thread_fence(std::memory_order_seq_cst);
        was_full = m_ring->m_tail.load(std::memory_order_relaxed) - head == m_ring->m_slot_count;
    }
    if (was_full)
        mask->raise(m_ring->m_producer.bit);
}

ErrorOr<ReceivedMessage> RingConsumer::try_receive(std::span<u8> buffer, CapabilitySpace* into)
{
    TRY(check_binding());
    Ring& ring = *m_ring;
    u32 head = ring.m_head.load(std::memory_order_relaxed);
    u32 tail = ring.m_tail.load(std::memory_order_acquire);
    if (head == tail)
        return Error(ErrorCode::Empty, "Ring is empty");
    u8 const* slot = ring.slot(head);
    Ring::SlotHeader header;
    memcpy(&header, slot, sizeof(header));
    if (header.length > ring.payload_capacity()) {
        /* Cannot happen through RingProducer; the slot memory was corrupted. Drop the slot. */
        release(head, tail, 1);
        return Error(ErrorCode::MalformedMessage, "Ring slot holds an impossible length");
    }
    if (header.length > buffer.size())
        return Error(ErrorCode::TooLarge, "receive buffer smaller than the next message");
    ReceivedMessage received;
    received.length = header.length;
    if ((header.flags & Ring::flag_capability) != 0) {
        auto capability_class = static_cast<CapabilityClass>(header.capability_class);
        if (!into) {
            /* The receiver takes no capabilities here: drop it with its message, so the Ring moves on. */
            (void)ring.m_in_flight.erase(ring.m_in_flight.id(), header.capability_slot, header.capability_generation,
                capability_class);
            release(head, tail, 1);
            return Error(ErrorCode::InvalidArgument, "a message carried a capability this receiver does not take; dropped");
        }
        auto moved = ring.m_in_flight.transfer(ring.m_in_flight.id(), header.capability_slot,
            header.capability_generation, capability_class, *into, MoveBy::Delivery);
        if (moved.is_error()) {
            if (moved.error().code() != ErrorCode::StaleHandle)
                return moved.release_error(); /* the receiver's space is full: the slot waits */
            /* Revoked by its sender while in flight: the message arrives without it. */
            received.capability_error = ErrorCode::Revoked;
        } else {
            received.has_capability = true;
            received.capability = ReceivedCapability { capability_class, moved.value() };
        }
    }
    Ring::copy_payload(buffer.data(), slot + Ring::header_bytes, header.length);
    release(head, tail, 1);
    return received;
}

namespace {

ErrorOr<Ring*> bind_ring(CapabilitySpace& space, RingCap const& capability, Rights right, u64 expected_schema_id)
{
    Ring* ring = TRY(space.lookup(capability, right));
    /* A bound end raises its binder's mask: the mask comes with the space (see bind). */
    if (ring->schema_id() != expected_schema_id) {
        platform::console_format("vectra: Ring schema mismatch: the Ring speaks {:#018x}, the binder speaks {:#018x}",
            ring->schema_id(), expected_schema_id);
        return Error(ErrorCode::SchemaMismatch, "Ring schema differs from the one the binder speaks");
    }
    return ring;
}

}

ErrorOr<RingProducer> RingProducer::bind(CapabilitySpace& space, RingCap const& capability, u64 expected_schema_id,
    SignalMask& own_mask, SignalBit space_bit)
{
    Ring* ring = TRY(bind_ring(space, capability, RightSend, expected_schema_id));
    auto* end = TRY(ring->bind_end(ring->m_producer, space, *TRY(space.entry_of(capability)), own_mask, space_bit));
    return RingProducer(ring, space_bit, end->token.load(std::memory_order_relaxed), end->bind_serial);
}

ErrorOr<RingConsumer> RingConsumer::bind(CapabilitySpace& space, RingCap const& capability, u64 expected_schema_id,
    SignalMask& own_mask, SignalBit doorbell)
{
    Ring* ring = TRY(bind_ring(space, capability, RightReceive, expected_schema_id));
    auto* end = TRY(ring->bind_end(ring->m_consumer, space, *TRY(space.entry_of(capability)), own_mask, doorbell));
    /* Messages sent before the consumer bound must still wake it. */
    if (!ring->is_empty())
        own_mask.raise(doorbell);
    return RingConsumer(ring, doorbell, end->token.load(std::memory_order_relaxed), end->bind_serial);
}

}
