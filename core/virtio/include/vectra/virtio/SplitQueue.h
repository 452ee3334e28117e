/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The driver side of a virtio 1.x split virtqueue (virtio 1.2, 2.7): a descriptor table, an
 * available ring the driver writes and a used ring the device writes, all in one block of
 * memory the driver shares with its device. The queue never trusts the device: a used entry
 * naming a descriptor that is not the head of a chain in flight, a length past the chain's
 * writable bytes, or a used index that runs ahead of what was made available is refused
 * (MalformedMessage) and changes nothing the driver relies on.
 *
 * With event index (VIRTIO_F_EVENT_IDX) the driver asks to be notified through `used_event`
 * and the device through `avail_event`; without it, through the rings' flags.
 *
 * With indirect descriptors (VIRTIO_F_INDIRECT_DESC, virtio 1.2, 2.7.5.3) and tables given at
 * create, a request of two or more buffers takes one ring descriptor, which points at a table
 * of its own in driver memory the device reads: the table of the head descriptor's index. The
 * driver writes each table whole at submit and never reads one back.
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra::virtio {

inline constexpr u16 descriptor_next = 1;
inline constexpr u16 descriptor_device_writes = 2;
inline constexpr u16 descriptor_indirect = 4;
inline constexpr u16 available_no_interrupt = 1;
inline constexpr u16 used_no_notify = 1;
inline constexpr u16 maximum_queue_size = 32768;

struct Descriptor {
    u64 address;
    u32 length;
    u16 flags;
    u16 next;
};
static_assert(sizeof(Descriptor) == 16);

struct UsedElement {
    u32 id;
    u32 length;
};
static_assert(sizeof(UsedElement) == 8);

/* Where the three parts lie in the queue's memory (offsets from its start). */
struct SplitQueueLayout {
    u16 size { 0 };
    usize descriptors { 0 }; /* 16-byte aligned */
    usize available { 0 };   /* flags, idx, ring[size], used_event */
    usize used { 0 };        /* 4-byte aligned: flags, idx, ring[size], avail_event */
    usize total { 0 };

    /* `size` a power of two from 1 to 32768. */
    [[nodiscard]] static ErrorOr<SplitQueueLayout> for_size(u16 size);
};

/*
 * Indirect descriptor tables: `entries` descriptors for each of a queue's `size` descriptors,
 * table n at `memory` + n * entries * 16 (the device sees it at `device_address` + the same).
 * Empty `memory`: no tables, every request is a chain in the ring.
 */
struct IndirectTables {
    std::span<u8> memory {};
    u64 device_address { 0 };
    u16 entries { 0 };

    /* The bytes of tables of `entries` descriptors for a queue of `size`. */
    [[nodiscard]] static constexpr usize bytes_for(u16 size, u16 entries) { return usize(size) * entries * sizeof(Descriptor); }
};

/* One buffer of a request: the device reads it, or (device_writes) writes it. */
struct Segment {
    u64 address { 0 }; /* as the device sees it */
    u32 length { 0 };
    bool device_writes { false };
};

/* A request the device has finished: the token given at submit, and how many bytes it wrote. */
struct Completion {
    u64 token { 0 };
    u32 written { 0 };
};

class SplitQueue {
public:
    static constexpr usize capacity = 256; /* bookkeeping per descriptor, kept in the driver */

    /*
     * A queue of `size` descriptors (a power of two, at most `capacity`) over `memory` (at least
     * SplitQueueLayout::for_size(size).total bytes, 16-byte aligned, zeroed here). `event_index`:
     * whether VIRTIO_F_EVENT_IDX was negotiated. `indirect`: tables for requests of two or more
     * buffers when VIRTIO_F_INDIRECT_DESC was negotiated (IndirectTables::bytes_for(size,
     * entries) bytes, 16-byte aligned, 2 to `size` entries each), or none.
     */
    [[nodiscard]] static ErrorOr<SplitQueue> create(std::span<u8> memory, u16 size, bool event_index,
        IndirectTables indirect = {});

    [[nodiscard]] SplitQueueLayout const& layout() const { return m_layout; }
    [[nodiscard]] u16 free_descriptors() const { return m_free_count; }
    [[nodiscard]] u16 in_flight() const { return static_cast<u16>(m_layout.size - m_free_count); }
    [[nodiscard]] bool indirect() const { return m_indirect_entries != 0; }
    /* The ring descriptors a request of `segments` buffers takes: one when it goes through a table. */
    [[nodiscard]] usize descriptors_for(usize segments) const { return goes_indirect(segments) ? 1 : segments; }

    /*
     * Chain `segments` (device-readable first, then device-writable; each non-empty) into
     * descriptors — the head's indirect table when the queue has tables and the request has two
     * to `entries` buffers, else the ring's own — and make the chain available, not yet visible
     * to the device (publish()). Full when fewer ring descriptors are free than it needs.
     */
    [[nodiscard]] ErrorOr<void> submit(std::span<Segment const> segments, u64 token);

    /*
     * Make every submitted chain visible to the device (one release store of the available
     * index). Returns whether the device asked to be notified of this batch.
     */
    [[nodiscard]] bool publish();

    /* The next finished request, or an empty result (NotFound) when there is none yet. */
    [[nodiscard]] ErrorOr<Completion> take_used();

    /* Ask the device to interrupt (or not) when it next uses a buffer. */
    void enable_interrupts();
    void disable_interrupts();

    /*
     * Before the driver waits: ask the device to interrupt once `count` (at least 1) more requests
     * are used than the driver has taken — with event index through `used_event` (virtio 1.2,
     * 2.7.10), without it at the next one (the ring's flags). Returns whether used entries are
     * already waiting (read after a full fence): the device may have used them before it could see
     * the request, so the driver takes them instead of waiting, or it would wait for an interrupt
     * that never comes.
     */
    [[nodiscard]] bool interrupt_after(u16 count);

    /*
     * From now on take_used leaves `used_event` alone (by default each take asks for an interrupt
     * at the next used entry): the driver says what it wants with interrupt_after before each wait,
     * and the device's uses while the driver is awake and taking raise no interrupt it would only
     * wake to again.
     */
    void request_interrupts_before_waiting() { m_driver_arms = true; }

    /* Before the driver waits: no interrupt wanted for this queue until interrupt_after asks again. */
    void suppress_interrupts();

    /* How many of the requests in flight the device has used and the driver not yet taken. */
    [[nodiscard]] u16 used_waiting() const;

private:
    SplitQueue() = default;

    [[nodiscard]] Descriptor* descriptors() const;
    [[nodiscard]] u16* available_word(usize index) const; /* 0 flags, 1 idx, 2 + n ring, 2 + size used_event */
    [[nodiscard]] u16* used_word(usize index) const;      /* 0 flags, 1 idx */
    [[nodiscard]] UsedElement* used_ring() const;
    [[nodiscard]] u16* available_event() const;
    [[nodiscard]] bool goes_indirect(usize segments) const { return segments >= 2 && segments <= m_indirect_entries; }
    void fill_table(u16 head, std::span<Segment const> segments);

    u8* m_memory { nullptr };
    SplitQueueLayout m_layout;
    bool m_event_index { false };
    bool m_driver_arms { false };
    u16 m_free_head { 0 };
    u16 m_free_count { 0 };
    u16 m_available_index { 0 }; /* the driver's next available slot (not yet published: m_published) */
    u16 m_published { 0 };
    u16 m_last_used { 0 };
    u8* m_indirect_memory { nullptr };
    u64 m_indirect_address { 0 };
    u16 m_indirect_entries { 0 };
    /* Per descriptor: the token and writable bytes of the chain whose head it is, and whether it is one. */
    u64 m_tokens[capacity] {};
    u32 m_writable[capacity] {};
    u16 m_chain_length[capacity] {};
    bool m_head_in_flight[capacity] {};
    u16 m_next_free[capacity] {};
};

}
