/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The split virtqueue's driver side (vectra/virtio/SplitQueue.h). The driver reads back nothing
 * it wrote to shared memory: its free list, chains and tokens live in the queue object, so a
 * device that scribbles on the descriptor table cannot steer it.
 */

#include <vectra/Try.h>
#include <vectra/virtio/SplitQueue.h>

namespace vectra::virtio {

namespace {

constexpr usize align(usize value, usize alignment) { return (value + alignment - 1) & ~(alignment - 1); }

u16 load_acquire(u16 const* word) { return __atomic_load_n(word, __ATOMIC_ACQUIRE); }
void store_release(u16* word, u16 value) { __atomic_store_n(word, value, __ATOMIC_RELEASE); }
u16 load_relaxed(u16 const* word) { return __atomic_load_n(word, __ATOMIC_RELAXED); }
void store_relaxed(u16* word, u16 value) { __atomic_store_n(word, value, __ATOMIC_RELAXED); }

/* virtio 1.2, 2.7.10: notify when the new index passed `event` since `old`. */
bool needs_event(u16 event, u16 new_index, u16 old_index)
{
    return static_cast<u16>(new_index - event - 1) < static_cast<u16>(new_index - old_index);
}

}

ErrorOr<SplitQueueLayout> SplitQueueLayout::for_size(u16 size)
{
    if (size == 0 || size > maximum_queue_size || (size & (size - 1)) != 0)
        return Error(ErrorCode::InvalidArgument, "a split virtqueue's size is a power of two up to 32768");
    SplitQueueLayout layout;
    layout.size = size;
    layout.descriptors = 0;
    layout.available = usize(size) * sizeof(Descriptor);
    layout.used = align(layout.available + 6 + 2 * usize(size), 4);
    layout.total = layout.used + 6 + sizeof(UsedElement) * usize(size);
    return layout;
}

ErrorOr<SplitQueue> SplitQueue::create(std::span<u8> memory, u16 size, bool event_index, IndirectTables indirect)
{
    auto layout = TRY(SplitQueueLayout::for_size(size));
    if (size > capacity)
        return Error(ErrorCode::TooLarge, "the queue is larger than the driver keeps bookkeeping for");
    if (memory.size() < layout.total || reinterpret_cast<uptr>(memory.data()) % 16 != 0)
        return Error(ErrorCode::InvalidArgument, "the queue's memory is too small or not 16-byte aligned");
    for (usize index = 0; index < layout.total; ++index)
        memory[index] = 0;
    if (!indirect.memory.empty()) {
        if (indirect.entries < 2 || indirect.entries > size)
            return Error(ErrorCode::InvalidArgument, "an indirect table holds from 2 to the queue's size descriptors");
        if (indirect.memory.size() < IndirectTables::bytes_for(size, indirect.entries)
            || reinterpret_cast<uptr>(indirect.memory.data()) % 16 != 0 || indirect.device_address % 16 != 0)
            return Error(ErrorCode::InvalidArgument, "the indirect tables' memory is too small or not 16-byte aligned");
    }
    SplitQueue queue;
    queue.m_memory = memory.data();
    if (!indirect.memory.empty()) {
        queue.m_indirect_memory = indirect.memory.data();
        queue.m_indirect_address = indirect.device_address;
        queue.m_indirect_entries = indirect.entries;
    }
    queue.m_layout = layout;
    queue.m_event_index = event_index;
    queue.m_free_count = size;
    for (u16 index = 0; index < size; ++index)
        queue.m_next_free[index] = static_cast<u16>(index + 1);
    return queue;
}

Descriptor* SplitQueue::descriptors() const { return reinterpret_cast<Descriptor*>(m_memory + m_layout.descriptors); }
u16* SplitQueue::available_word(usize index) const { return reinterpret_cast<u16*>(m_memory + m_layout.available) + index; }
u16* SplitQueue::used_word(usize index) const { return reinterpret_cast<u16*>(m_memory + m_layout.used) + index; }
UsedElement* SplitQueue::used_ring() const { return reinterpret_cast<UsedElement*>(m_memory + m_layout.used + 4); }
u16* SplitQueue::available_event() const
{
    return reinterpret_cast<u16*>(m_memory + m_layout.used + 4 + sizeof(UsedElement) * m_layout.size);
}

ErrorOr<void> SplitQueue::submit(std::span<Segment const> segments, u64 token)
{
    if (segments.empty())
        return Error(ErrorCode::InvalidArgument, "a request has at least one buffer");
    bool indirect = goes_indirect(segments.size());
    usize needed = indirect ? 1 : segments.size();
    if (needed > m_free_count)
        return Error(ErrorCode::Full, "not enough free descriptors for the request");
    bool writing = false;
    u32 writable = 0;
    for (auto const& segment : segments) {
        if (segment.length == 0)
            return Error(ErrorCode::InvalidArgument, "a buffer of a request is empty");
        if (writing && !segment.device_writes)
            return Error(ErrorCode::InvalidArgument, "device-readable buffers come before device-writable ones");
        writing = segment.device_writes;
        if (segment.device_writes) {
            if (writable + segment.length < writable)
                return Error(ErrorCode::TooLarge, "a request's writable bytes exceed 4 GiB");
            writable += segment.length;
        }
    }
    u16 head = m_free_head;
    if (indirect) {
        fill_table(head, segments);
        u64 table = m_indirect_address + usize(head) * m_indirect_entries * sizeof(Descriptor);
        descriptors()[head] = Descriptor { table, static_cast<u32>(segments.size() * sizeof(Descriptor)), descriptor_indirect, 0 };
        m_free_head = m_next_free[head];
    }
    u16 current = head;
    for (usize index = 0; !indirect && index < segments.size(); ++index) {
        u16 next = m_next_free[current];
        bool last = index + 1 == segments.size();
        auto const& segment = segments[index];
        descriptors()[current] = Descriptor { segment.address, segment.length,
            static_cast<u16>((last ? 0 : descriptor_next) | (segment.device_writes ? descriptor_device_writes : 0)),
            static_cast<u16>(last ? 0 : next) };
        if (last)
            m_free_head = next;
        current = next;
    }
    m_free_count = static_cast<u16>(m_free_count - needed);
    m_tokens[head] = token;
    m_writable[head] = writable;
    m_chain_length[head] = static_cast<u16>(needed);
    m_head_in_flight[head] = true;
    store_relaxed(available_word(2 + m_available_index % m_layout.size), head);
    ++m_available_index;
    return {};
}

/* The head's own table, written whole: the device may have scribbled on it since its last use. */
void SplitQueue::fill_table(u16 head, std::span<Segment const> segments)
{
    auto* table = reinterpret_cast<Descriptor*>(m_indirect_memory + usize(head) * m_indirect_entries * sizeof(Descriptor));
    for (usize index = 0; index < segments.size(); ++index) {
        bool last = index + 1 == segments.size();
        auto const& segment = segments[index];
        table[index] = Descriptor { segment.address, segment.length,
            static_cast<u16>((last ? 0 : descriptor_next) | (segment.device_writes ? descriptor_device_writes : 0)),
            static_cast<u16>(last ? 0 : index + 1) };
    }
}

bool SplitQueue::publish()
{
    u16 old_index = m_published;
    u16 new_index = m_available_index;
    /* The ring entries (and descriptors) before the index; the index before reading the device's wish. */
    store_release(available_word(1), new_index);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    m_published = new_index;
    if (old_index == new_index)
        return false;
    if (m_event_index)
        return needs_event(load_relaxed(available_event()), new_index, old_index);
    return (load_relaxed(used_word(0)) & used_no_notify) == 0;
}

ErrorOr<Completion> SplitQueue::take_used()
{
    u16 used_index = load_acquire(used_word(1));
    if (used_index == m_last_used)
        return Error(ErrorCode::NotFound, "the device has used no new buffer");
    if (static_cast<u16>(used_index - m_last_used) > static_cast<u16>(m_published - m_last_used))
        return Error(ErrorCode::MalformedMessage, "the device's used index runs ahead of what was made available");
    UsedElement element = used_ring()[m_last_used % m_layout.size];
    ++m_last_used;
    if (m_event_index && !m_driver_arms)
        store_release(available_word(2 + m_layout.size), m_last_used);
    if (element.id >= m_layout.size || !m_head_in_flight[element.id])
        return Error(ErrorCode::MalformedMessage, "the device used a descriptor that heads no request in flight");
    u16 head = static_cast<u16>(element.id);
    if (element.length > m_writable[head])
        return Error(ErrorCode::MalformedMessage, "the device claims to have written more than the request's buffers");
    /* Give the chain back: its descriptors are the next chain_length entries of our own list. */
    u16 last = head;
    for (u16 step = 1; step < m_chain_length[head]; ++step)
        last = m_next_free[last];
    m_next_free[last] = m_free_head;
    m_free_head = head;
    m_free_count = static_cast<u16>(m_free_count + m_chain_length[head]);
    m_head_in_flight[head] = false;
    return Completion { m_tokens[head], element.length };
}

void SplitQueue::enable_interrupts()
{
    if (m_event_index)
        store_release(available_word(2 + m_layout.size), m_last_used);
    else
        store_release(available_word(0), 0);
}

bool SplitQueue::interrupt_after(u16 count)
{
    if (count == 0)
        count = 1;
    if (m_event_index)
        store_release(available_word(2 + m_layout.size), static_cast<u16>(m_last_used + count - 1));
    else
        store_release(available_word(0), 0);
    /* The wish before the look: a used index the device wrote before it read the wish is seen here. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return used_waiting() != 0;
}

void SplitQueue::suppress_interrupts()
{
    /* With event index: an event half the ring's index space ahead, which no device reaches with the
       queue's at most `size` requests in flight before the driver asks again. */
    if (m_event_index)
        store_release(available_word(2 + m_layout.size), static_cast<u16>(m_last_used + 0x8000));
    else
        store_release(available_word(0), available_no_interrupt);
}

u16 SplitQueue::used_waiting() const { return static_cast<u16>(load_acquire(used_word(1)) - m_last_used); }

void SplitQueue::disable_interrupts()
{
    if (!m_event_index)
        store_release(available_word(0), available_no_interrupt);
}

}
