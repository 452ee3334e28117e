/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A queue's ring in DMA memory, for either transport (vectra/driver/VirtioDevice.h).
 */

#include <utility>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/driver/VirtioDevice.h>
#include <vectra/virtio/ModernTransport.h>

namespace vectra::driver {

ErrorOr<QueueRing> make_queue_ring(VirtioDevice const& device, ReticleCap const& memory, u16 maximum, u16 wanted_size,
    bool event_index, u16 indirect_entries)
{
    u16 size = maximum < wanted_size ? maximum : wanted_size;
    /* A power of two no larger than the device allows (a split queue's size must be one). */
    while (size & (size - 1))
        size = static_cast<u16>(size & (size - 1));
    auto layout = TRY(virtio::SplitQueueLayout::for_size(size));
    if (!(device.features() & virtio::feature_indirect_descriptors))
        indirect_entries = 0;
    if (indirect_entries > size)
        indirect_entries = size;
    usize ring_bytes = (layout.total + 4095) / 4096 * 4096;
    usize table_bytes = indirect_entries ? virtio::IndirectTables::bytes_for(size, indirect_entries) : 0;
    auto ring_memory = TRY(system::create_memory(memory, (ring_bytes + table_bytes + 4095) / 4096 * 4096));
    auto mapped = TRY(system::map_memory(ring_memory));
    u64 base = TRY(device.dma_address(ring_memory));
    virtio::IndirectTables tables;
    if (indirect_entries >= 2)
        tables = { mapped.subspan(ring_bytes, table_bytes), base + ring_bytes, indirect_entries };
    auto ring = TRY(virtio::SplitQueue::create(mapped.first(ring_bytes), size, event_index, tables));
    return QueueRing { ring, std::move(ring_memory), base, layout };
}

}
