/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The device side of a split virtqueue, in software, for host tests of drivers (core/virtio):
 * it takes chains from the available ring and puts them on the used ring as a virtio device
 * does, honouring event index and the rings' flags, and lets a test play a hostile device that
 * writes used entries no honest one would. It follows indirect tables as a device that offers
 * VIRTIO_F_INDIRECT_DESC does. Guest memory is one buffer: a device address is an offset into it.
 */

#pragma once

#include <cstring>
#include <optional>
#include <vector>
#include <vectra/virtio/SplitQueue.h>

namespace vectra::virtio::test {

template<usize Size = 64 * 1024>
struct GuestMemory {
    alignas(16) u8 bytes[Size] {};
    u64 address_of(void const* pointer) const { return static_cast<u64>(static_cast<u8 const*>(pointer) - bytes); }
};

/*
 * A chain the device took from the available ring: its head and its descriptors in order — for
 * a head that names an indirect table, the table's descriptors (virtio 1.2, 2.7.5.3.2).
 */
struct Chain {
    u16 head { 0 };
    bool indirect { false };
    std::vector<Descriptor> descriptors;
    std::vector<u16> indices; /* each descriptor's index: in the ring, or in its table */
};

class DeviceModel {
public:
    DeviceModel(u8* memory, u8* queue, SplitQueueLayout const& layout, bool event_index)
        : m_memory(memory)
        , m_queue(queue)
        , m_layout(layout)
        , m_event_index(event_index)
    {
    }

    u16 available_index() const { return word(m_layout.available + 2); }
    u16 available_flags() const { return word(m_layout.available); }
    u16 used_event() const { return word(m_layout.available + 4 + 2 * m_layout.size); }
    void set_avail_event(u16 value) { set_word(m_layout.used + 4 + 8 * m_layout.size, value); }
    void set_used_flags(u16 value) { set_word(m_layout.used, value); }

    /* The next chain the driver made available, or nothing. */
    std::optional<Chain> take_chain()
    {
        if (m_next_available == available_index())
            return std::nullopt;
        Chain chain;
        chain.head = word(m_layout.available + 4 + 2 * (m_next_available % m_layout.size));
        ++m_next_available;
        u8 const* table = m_queue + m_layout.descriptors;
        usize table_size = m_layout.size;
        Descriptor head;
        std::memcpy(&head, table + 16 * chain.head, sizeof(head));
        u16 index = chain.head;
        if (head.flags & descriptor_indirect) {
            /* A table in guest memory; its descriptors are numbered from 0 and chained by `next`. */
            chain.indirect = true;
            table = m_memory + head.address;
            table_size = head.length / sizeof(Descriptor);
            index = 0;
        }
        for (usize steps = 0; steps < table_size && index < table_size; ++steps) {
            Descriptor descriptor;
            std::memcpy(&descriptor, table + 16 * index, sizeof(descriptor));
            chain.descriptors.push_back(descriptor);
            chain.indices.push_back(index);
            if (!(descriptor.flags & descriptor_next))
                break;
            index = descriptor.next;
        }
        return chain;
    }

    /* Takes up to `count` chains; fills their writable buffers with `fill`; returns whether it would interrupt. */
    bool serve(usize count, u8 fill = 0xa5)
    {
        bool interrupt = false;
        while (count-- > 0) {
            auto chain = take_chain();
            if (!chain)
                break;
            u32 written = 0;
            for (auto const& descriptor : chain->descriptors) {
                if (descriptor.flags & descriptor_device_writes) {
                    std::memset(m_memory + descriptor.address, fill, descriptor.length);
                    written += descriptor.length;
                } else {
                    read_bytes += descriptor.length;
                }
            }
            indirect_chains += chain->indirect ? 1 : 0;
            chains.push_back(chain->indices);
            interrupt |= put_used(chain->head, written);
        }
        return interrupt;
    }

    /* Writes one used entry as given (a hostile device chooses id and length); returns whether it would interrupt. */
    bool put_used(u32 id, u32 length)
    {
        u16 used_index = word(m_layout.used + 2);
        UsedElement element { id, length };
        std::memcpy(m_queue + m_layout.used + 4 + 8 * (used_index % m_layout.size), &element, sizeof(element));
        u16 next = static_cast<u16>(used_index + 1);
        set_word(m_layout.used + 2, next);
        if (m_event_index)
            return static_cast<u16>(next - used_event() - 1) < static_cast<u16>(next - used_index);
        return (available_flags() & available_no_interrupt) == 0;
    }
    void set_used_index(u16 value) { set_word(m_layout.used + 2, value); }

    u8* memory() const { return m_memory; }

    usize read_bytes { 0 };
    usize indirect_chains { 0 };
    std::vector<std::vector<u16>> chains;

private:
    u16 word(usize offset) const
    {
        u16 value;
        std::memcpy(&value, m_queue + offset, 2);
        return value;
    }
    void set_word(usize offset, u16 value) { std::memcpy(m_queue + offset, &value, 2); }

    u8* m_memory;
    u8* m_queue;
    SplitQueueLayout m_layout;
    bool m_event_index;
    u16 m_next_available { 0 };
};

}
