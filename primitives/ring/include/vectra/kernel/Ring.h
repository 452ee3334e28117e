/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <atomic>
#include <span>
#include <string_view>
#include <vectra/Ring.h>
#include <vectra/kernel/Capability.h>
#include <vectra/Error.h>
#include <vectra/kernel/Reticle.h>
#include <vectra/kernel/SignalMask.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * Single-producer / single-consumer queue of fixed-size slots in memory retyped from a Reticle.
 * The producer publishes a burst with one release store of the tail; the consumer takes a burst
 * with one acquire load of it. A publish that makes an empty Ring non-empty raises the
 * consumer's doorbell bit; a release that makes a full Ring non-full raises the producer's
 * space bit. A slot may carry one capability, moved out of the sender's space into the Ring
 * and on into the receiver's space; large payloads travel that way as a MemCap, uncopied.
 *
 * The owner (whoever holds the original RingCap with RightRevoke) may reset() the Ring, which
 * empties it and starts a new epoch: every binding made before then gets PeerRestarted.
 *
 * Each end is bound by at most one Task at a time, through one RingCap entry. The binding
 * ends when that Task exits, and is invalidated (the next call fails) when the Ring is reset
 * (PeerRestarted), when the entry it was bound through is revoked or deleted (Revoked), or
 * when the Ring's last RingCap goes (PeerClosed). An invalidated binding still holds the Ring's
 * memory until its Task binds again or exits, so no stale end ever touches reused memory.
 */
class Ring final : public KernelObject {
public:
    static constexpr usize header_bytes = ring_slot_header_bytes;

    [[nodiscard]] static ErrorOr<Ring*> try_create(Reticle&, u32 slot_count, u32 slot_size, u64 schema_id);

    Ring(Ring const&) = delete;
    Ring& operator=(Ring const&) = delete;

    [[nodiscard]] u32 slot_count() const { return m_slot_count; }
    [[nodiscard]] u32 slot_size() const { return m_slot_size; }
    [[nodiscard]] u32 payload_capacity() const { return m_slot_size - header_bytes; }
    [[nodiscard]] u64 schema_id() const { return m_schema_id; }
    /* The slots' memory: page-aligned and a whole number of pages, so a protection domain can map it alone. */
    [[nodiscard]] std::span<u8> slot_memory() const { return { m_slots, align_up(usize(m_slot_count) * m_slot_size, memory_granule) }; }
    static constexpr usize memory_granule = ring_slot_page_bytes; /* vectra/Ring.h counts it */
    /* Whether an end is bound, and by which space (the binder's Task). */
    [[nodiscard]] CapabilitySpace const* producer_space() const { return m_producer.attached_space(); }
    [[nodiscard]] CapabilitySpace const* consumer_space() const { return m_consumer.attached_space(); }

    [[nodiscard]] bool is_full() const;
    [[nodiscard]] bool is_empty() const;
    /* Messages sent and not yet received (0 to slot_count()). */
    [[nodiscard]] u32 depth() const { return m_tail.load(std::memory_order_relaxed) - m_head.load(std::memory_order_relaxed); }

    /* Empties the Ring, drops capabilities in flight and starts a new epoch (owner only: see RingOwner). */
    void reset();

    /*
     * Whether a consumer's release may trust program order instead of a full fence before it
     * looks at the tail again (ADR 0026 §13): the producer's and the consumer's masks both belong
     * to Tasks pinned to the CPU `running_processor()` names (not platform::no_processor), asked
     * only when the masks agree.
     */
    [[nodiscard]] static bool program_order_suffices(SignalMask const& producer, SignalMask const* consumer,
        u32 (*running_processor)());

private:
    friend class RingProducer;
    friend class RingConsumer;
    Ring(Reticle& origin, u8* slots, u32 slot_count, u32 slot_size, u64 schema_id, u32 space_id);

    /* One end's binding: owned by the binder's space, ended when that space is cleared. */
    class End final : public SpaceAttachment {
    public:
        explicit End(Ring& ring)
            : m_ring(ring)
        {
        }
        /* Changes whenever the binding stops being valid; the hot path compares it only. */
        std::atomic<u32> token { 0 };
        u32 bind_serial { 0 };
        ErrorCode invalid_because { ErrorCode::None };
        SignalMask* pinned_mask { nullptr }; /* the binder's mask, held while bound */
        SignalMask* doorbell_mask { nullptr }; /* raised on transitions; null once invalidated */
        SignalBit bit { 0 };
        CapabilityEntry const* through { nullptr };

    private:
        void space_cleared() override;
        Ring& m_ring;
    };

    void tear_down() override;
    void capability_deleted(CapabilityEntry const&) override;
    void capability_moved(CapabilityEntry const& from, CapabilityEntry const& to) override;

    [[nodiscard]] ErrorOr<End*> bind_end(End&, CapabilitySpace&, CapabilityEntry const& through, SignalMask&, SignalBit);
    void invalidate(End&, ErrorCode why);
    void release_end(End&);
    [[nodiscard]] static Error binding_error(End const&);

    struct SlotHeader {
        u32 length;
        u16 flags;
        u16 capability_slot;
        u32 capability_generation;
        u8 capability_class;
        u8 reserved[3];
    };
    static_assert(sizeof(SlotHeader) == header_bytes);
    static constexpr u16 flag_capability = 1;

    [[nodiscard]] u8* slot(u32 index) const { return m_slots + usize(index & (m_slot_count - 1)) * m_slot_size; }
    /*
     * Copies a message into or out of a slot. Short messages (the common case: a few words) move
     * as two fixed-size loads and stores that may overlap, inline, instead of a call to memcpy
     * whose size the compiler cannot see; at most `size` bytes are read and written.
     */
    static void copy_payload(u8* to, u8 const* from, usize size)
    {
        if (size > 16) [[unlikely]] {
            __builtin_memcpy(to, from, size);
            return;
        }
        if (size >= 8) {
            copy_overlapping<8>(to, from, size);
        } else if (size >= 4) {
            copy_overlapping<4>(to, from, size);
        } else if (size != 0) {
            to[0] = from[0];
            to[size / 2] = from[size / 2];
            to[size - 1] = from[size - 1];
        }
    }
    /* `size` between Width and 2 * Width bytes: the first Width and the last Width, overlapping in the middle. */
    template<usize Width>
    static void copy_overlapping(u8* to, u8 const* from, usize size)
    {
        u8 first[Width];
        u8 last[Width];
        __builtin_memcpy(first, from, Width);
        __builtin_memcpy(last, from + size - Width, Width);
        __builtin_memcpy(to, first, Width);
        __builtin_memcpy(to + size - Width, last, Width);
    }
    void ring_consumer_doorbell(u32 old_tail, u32 head_seen);

    alignas(64) std::atomic<u32> m_head { 0 }; /* next slot the consumer reads */
    alignas(64) std::atomic<u32> m_tail { 0 }; /* next slot the producer writes */
    alignas(64) u8* m_slots { nullptr };
    u32 m_slot_count { 0 };
    u32 m_slot_size { 0 };
    u64 m_schema_id { 0 };
    u32 m_next_token { 1 }; /* binding tokens and serials: a reset, revocation or close hands out new ones */
    End m_producer { *this };
    End m_consumer { *this };
    CapabilitySpace m_in_flight; /* capabilities travelling in slots */
};

static_assert(sizeof(Ring) + alignof(Ring) <= ring_object_bytes, "vectra/Ring.h's ring_object_bytes must bound a Ring");

/*
 * The producer end, bound once: the capability (RightSend) and the schema are checked here,
 * not per send. The hot path checks only the binding's token (one acquire load).
 */
class RingProducer {
public:
    RingProducer() = default;
    [[nodiscard]] static ErrorOr<RingProducer> bind(CapabilitySpace&, RingCap const&, u64 expected_schema_id,
        SignalMask& own_mask, SignalBit space_bit);

    [[nodiscard]] ErrorOr<void> try_send(std::span<u8 const> message);
    /* Sends as many of `messages` as fit, publishing them with one release store; returns how many. */
    [[nodiscard]] ErrorOr<usize> try_send_burst(std::span<std::span<u8 const> const> messages);
    /* Sends `message` with a capability moved out of `from` (the handle is emptied on success). */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<void> try_send_with(std::span<u8 const> message, CapabilitySpace& from, Handle<Class>&& capability)
    {
        auto sent = send_with_capability(message, from, Class, capability.space(), capability.slot(), capability.generation(),
            Transfer::Move, 0);
        if (!sent.is_error())
            capability = Handle<Class>();
        return sent;
    }

    /*
     * Sends `message` with a copy of a capability (needs RightGrant on it): a derived entry with
     * the `keep` subset of its rights travels; the sender keeps its own, and can revoke the copy.
     */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<void> try_send_copy(std::span<u8 const> message, CapabilitySpace& from, Handle<Class> const& capability,
        Rights keep)
    {
        return send_with_capability(message, from, Class, capability.space(), capability.slot(), capability.generation(),
            Transfer::Copy, keep);
    }

    /* Untyped form, for the kernel-call layer: `copy` derives with `keep` rights, else moves. */
    [[nodiscard]] ErrorOr<void> send_capability(std::span<u8 const> message, CapabilitySpace& from, CapabilityClass capability_class,
        RawHandle capability, bool copy, Rights keep)
    {
        return send_with_capability(message, from, capability_class, capability.space, capability.slot, capability.generation,
            copy ? Transfer::Copy : Transfer::Move, keep);
    }

    [[nodiscard]] u32 payload_capacity() const { return m_ring->payload_capacity(); }
    [[nodiscard]] SignalBit space_bit() const { return m_space_bit; }
    /* Whether the binding is still this end's and valid (the error says why not). */
    [[nodiscard]] ErrorOr<void> check_binding() const;
    /* The Ring this end was bound to (compared only: it is pinned while the binding holds). */
    [[nodiscard]] Ring const* ring() const { return m_ring; }
    [[nodiscard]] bool is_full() const { return m_ring->is_full(); }
    /* Slots free for messages now (the consumer may free more at any time). */
    [[nodiscard]] u32 free_slots() const { return m_ring->slot_count() - m_ring->depth(); }
    /* Give the end up now (it is given up anyway when the Task exits); later calls fail. */
    void unbind();

private:
    RingProducer(Ring* ring, SignalBit space_bit, u32 token, u32 bind_serial)
        : m_ring(ring)
        , m_space_bit(space_bit)
        , m_token(token)
        , m_bind_serial(bind_serial)
    {
    }
    enum class Transfer : u8 {
        Move,
        Copy,
    };
    [[nodiscard]] ErrorOr<void> send_with_capability(std::span<u8 const>, CapabilitySpace& from, CapabilityClass,
        u32 space, u16 slot, u32 generation, Transfer, Rights keep);

    Ring* m_ring { nullptr };
    SignalBit m_space_bit { 0 };
    u32 m_token { 0 }; /* the binding's token when bound */
    u32 m_bind_serial { 0 };
};

/* The consumer end, bound once (RightReceive). */
class RingConsumer {
public:
    RingConsumer() = default;
    [[nodiscard]] static ErrorOr<RingConsumer> bind(CapabilitySpace&, RingCap const&, u64 expected_schema_id,
        SignalMask& own_mask, SignalBit doorbell);

    /* Copies the next message into `buffer`; a capability in the slot lands in `into`. */
    [[nodiscard]] ErrorOr<ReceivedMessage> try_receive(std::span<u8> buffer, CapabilitySpace* into = nullptr);

    /*
     * Visits up to `maximum` messages in place (no copy) and releases them with one store;
     * returns how many were visited. Slots carrying capabilities end the burst before them:
     * take those with try_receive.
     */
    template<typename Visitor>
    [[nodiscard]] ErrorOr<usize> receive_burst(usize maximum, Visitor&& visit);

    [[nodiscard]] bool is_empty() const { return m_ring->is_empty(); }
    [[nodiscard]] SignalBit doorbell() const { return m_doorbell; }
    [[nodiscard]] u32 payload_capacity() const { return m_ring->payload_capacity(); }
    [[nodiscard]] ErrorOr<void> check_binding() const
    {
        /* Inline: receive_burst checks it once a burst; the error is built out of line. */
        if (m_ring->m_consumer.token.load(std::memory_order_acquire) != m_token) [[unlikely]]
            return Ring::binding_error(m_ring->m_consumer);
        return {};
    }
    [[nodiscard]] Ring const* ring() const { return m_ring; }
    /* Whether a release here and now would leave the fence out (Ring::program_order_suffices). */
    [[nodiscard]] bool release_trusts_program_order() const;
    /* Give the end up now (it is given up anyway when the Task exits); later calls fail. */
    void unbind();

private:
    RingConsumer(Ring* ring, SignalBit doorbell, u32 token, u32 bind_serial)
        : m_ring(ring)
        , m_doorbell(doorbell)
        , m_token(token)
        , m_bind_serial(bind_serial)
    {
    }
    void release(u32 head, u32 tail_seen, u32 count);

    Ring* m_ring { nullptr };
    SignalBit m_doorbell { 0 };
    u32 m_token { 0 }; /* the binding's token when bound */
    u32 m_bind_serial { 0 };
};

template<typename Visitor>
ErrorOr<usize> RingConsumer::receive_burst(usize maximum, Visitor&& visit)
{
    auto current = check_binding();
    if (current.is_error())
        return current.release_error();
    u32 head = m_ring->m_head.load(std::memory_order_relaxed);
    u32 tail = m_ring->m_tail.load(std::memory_order_acquire);
    /*
     * The geometry in locals, read once a burst: the visitor's stores could alias the Ring's
     * fields as far as the compiler knows, which would reload them for every message.
     */
    u8 const* const slots = m_ring->m_slots;
    u32 const index_mask = m_ring->m_slot_count - 1;
    usize const slot_size = m_ring->m_slot_size;
    u32 const capacity = m_ring->m_slot_size - Ring::header_bytes;
    u32 available = tail - head;
    u32 count = 0;
    u32 limit = maximum < available ? static_cast<u32>(maximum) : available;
    while (count < limit) {
        u8 const* slot = slots + usize((head + count) & index_mask) * slot_size;
        Ring::SlotHeader header;
        __builtin_memcpy(&header, slot, sizeof(header));
        /* The peer writes the slot: a length past the payload is refused here, whatever wrote it. */
        if ((header.flags & Ring::flag_capability) != 0 || header.length > capacity)
            break;
        visit(std::span<u8 const>(slot + Ring::header_bytes, header.length));
        ++count;
    }
    release(head, tail, count);
    return usize(count);
}

}
