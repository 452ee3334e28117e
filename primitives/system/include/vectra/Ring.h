/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Ring ends as a component holds them. A RingSender or RingReceiver names a binding the kernel
 * keeps for the calling Task (an index and its generation); every operation is a kernel call
 * that checks the binding is still the caller's and still valid. The Ring's rules are in
 * docs/primitives.md.
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/SignalBit.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * A Ring schema is identified by a 64-bit hash of its canonical description. Binding either
 * end of a Ring with a different schema id fails.
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

/* Every Ring slot starts with the kernel's header; a message gets the rest of the slot. */
inline constexpr usize ring_slot_header_bytes = 16;

/*
 * The most Reticle memory one Ring takes besides its slots: the kernel's Ring object and its
 * alignment (kernel/Ring.h checks this bound). What a client donating memory for Rings counts.
 */
inline constexpr usize ring_object_bytes = 8192;
/*
 * A Ring's slots are whole pages of their own (so a protection domain can map exactly them):
 * their bytes rounded up to pages, plus up to a page lost aligning them.
 */
inline constexpr usize ring_slot_page_bytes = 4096;
[[nodiscard]] constexpr usize ring_memory_bytes(u32 slot_count, u32 slot_size)
{
    usize slots = usize(slot_count) * slot_size;
    return (slots + ring_slot_page_bytes - 1) / ring_slot_page_bytes * ring_slot_page_bytes + ring_slot_page_bytes
        + ring_object_bytes;
}

/* A capability that rode in a Ring slot, now in the receiver's space: untyped until checked. */
struct ReceivedCapability {
    CapabilityClass capability_class;
    RawHandle handle;

    /* The typed handle, if the class is the one expected; WrongClass otherwise (the entry stays). */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<Handle<Class>> as() const
    {
        if (capability_class != Class)
            return Error(ErrorCode::WrongClass, "the capability in the Ring slot is of another class");
        return Handle<Class>(handle.space, handle.slot, handle.generation);
    }
};

struct ReceivedMessage {
    usize length { 0 };
    bool has_capability { false };
    ReceivedCapability capability { CapabilityClass::Task, { 0, 0, 0 } };
    /*
     * The message carried a capability that was revoked before it was delivered: it was
     * dropped, and this says why (ErrorCode::Revoked); the message itself arrived.
     */
    ErrorCode capability_error { ErrorCode::None };
};

/* The kernel's name for one of the calling Task's Ring bindings. */
struct RingBinding {
    u32 index { 0 };
    u32 generation { 0 };
};

/*
 * The producer end, bound once: the capability (RightSend) and the schema are checked at bind.
 * `space_bit` of the caller's own mask is raised when a full Ring gets room.
 */
class RingSender {
public:
    RingSender() = default;
    [[nodiscard]] static ErrorOr<RingSender> bind(RingCap const&, u64 expected_schema_id, SignalBit space_bit);

    [[nodiscard]] ErrorOr<void> try_send(std::span<u8 const> message);
    /* Sends as many of `messages` as fit, published together; returns how many. */
    [[nodiscard]] ErrorOr<usize> try_send_burst(std::span<std::span<u8 const> const> messages);

    /* Sends `message` with a capability moved out of the caller's space (emptied on success). */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<void> try_send_with(std::span<u8 const> message, Handle<Class>&& capability)
    {
        RawHandle raw { capability.space(), capability.slot(), capability.generation() };
        auto sent = send_with_capability(message, Class, raw, false, 0);
        if (!sent.is_error())
            capability = Handle<Class>();
        return sent;
    }

    /*
     * Sends `message` with a copy of a capability (needs RightGrant on it): a derived entry with
     * the `keep` subset of its rights travels; the sender keeps its own, and can revoke the copy.
     */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<void> try_send_copy(std::span<u8 const> message, Handle<Class> const& capability, Rights keep)
    {
        RawHandle raw { capability.space(), capability.slot(), capability.generation() };
        return send_with_capability(message, Class, raw, true, keep);
    }

    [[nodiscard]] u32 payload_capacity() const { return m_payload_capacity; }
    [[nodiscard]] SignalBit space_bit() const { return m_space_bit; }
    [[nodiscard]] bool is_full() const;
    /* Slots free now (0 when the end is gone); the consumer may free more at any time, never fewer. */
    [[nodiscard]] u32 free_slots() const;
    /* Give the end up now (it is given up anyway when the Task exits); later calls fail. */
    void unbind();

private:
    [[nodiscard]] ErrorOr<void> send_with_capability(std::span<u8 const>, CapabilityClass, RawHandle, bool copy, Rights keep);

    RingBinding m_binding;
    u32 m_payload_capacity { 0 };
    SignalBit m_space_bit { 0 };
};

/* The consumer end, bound once (RightReceive); `doorbell` of the caller's mask rings on arrivals. */
class RingReceiver {
public:
    RingReceiver() = default;
    [[nodiscard]] static ErrorOr<RingReceiver> bind(RingCap const&, u64 expected_schema_id, SignalBit doorbell);

    /* Copies the next message into `buffer`; a capability in the slot lands in the caller's space. */
    [[nodiscard]] ErrorOr<ReceivedMessage> try_receive(std::span<u8> buffer);

    /*
     * Takes up to `maximum` messages in one kernel call and visits each; returns how many.
     * Slots carrying capabilities end the burst before them: take those with try_receive.
     */
    template<typename Visitor>
    [[nodiscard]] ErrorOr<usize> receive_burst(usize maximum, Visitor&& visit);

    [[nodiscard]] bool is_empty() const;
    /* Whether this end is still bound: the binding's error (Revoked, PeerClosed, …) when it is not. */
    [[nodiscard]] ErrorOr<void> check_bound() const;
    [[nodiscard]] SignalBit doorbell() const { return m_doorbell; }
    [[nodiscard]] u32 payload_capacity() const { return m_payload_capacity; }
    void unbind();

private:
    /* Messages copied out by one burst call: each a u32 length, then its bytes, 4-byte aligned. */
    static constexpr usize burst_buffer_bytes = 2048;
    [[nodiscard]] ErrorOr<usize> take_burst(std::span<u8> buffer, usize maximum);

    RingBinding m_binding;
    u32 m_payload_capacity { 0 };
    SignalBit m_doorbell { 0 };
};

template<typename Visitor>
ErrorOr<usize> RingReceiver::receive_burst(usize maximum, Visitor&& visit)
{
    alignas(4) u8 buffer[burst_buffer_bytes];
    auto taken = take_burst(buffer, maximum);
    if (taken.is_error())
        return taken.release_error();
    usize offset = 0;
    for (usize index = 0; index < taken.value(); ++index) {
        u32 length;
        __builtin_memcpy(&length, buffer + offset, sizeof(length));
        visit(std::span<u8 const>(buffer + offset + sizeof(length), length));
        offset += (sizeof(length) + length + 3) & ~usize(3);
    }
    return taken.value();
}

}
