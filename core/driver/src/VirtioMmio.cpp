/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A virtio-mmio device brought up through its driver's slot capability (vectra/driver/VirtioMmio.h).
 */

#include <vectra/Format.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/driver/VirtioMmio.h>
#include <vectra/virtio/ModernTransport.h>

namespace vectra::driver {

u32 SlotRegisters::read(u32 offset)
{
    auto value = system::mmio_slot_read(m_slot, offset);
    return value.is_error() ? 0 : value.value();
}

void SlotRegisters::write(u32 offset, u32 value) { (void)system::mmio_slot_write(m_slot, offset, value); }

SlotNames name_slot(MmioSlotInfo const& info)
{
    SlotNames names;
    format_into(names.device, "virtio-mmio device {} version {}", info.device_id, info.version);
    format_into(names.line, "virtio-mmio line {} ({})", info.line, info.level ? "level" : "edge");
    return names;
}

ErrorOr<VirtioMmioDevice> VirtioMmioDevice::open(VirtioMmioSlotCap const& slot, SlotRegisters& registers, u64 wanted)
{
    VirtioMmioDevice device(slot, registers, TRY(virtio::MmioTransport::create(registers)));
    device.m_features = TRY(device.m_transport.negotiate(wanted | virtio::feature_version_1));
    return device;
}

ErrorOr<VirtioQueue> VirtioMmioDevice::set_up_queue(ReticleCap const& memory, u16 index, u16 wanted_size, SignalBit bit,
    bool event_index, u16 indirect_entries)
{
    u16 maximum = TRY(m_transport.maximum_queue_size(index));
    /* Used where it lies (no copy of the ring's bookkeeping, some 4 KiB, on a driver's 32 KiB stack). */
    auto made = make_queue_ring(*this, memory, maximum, wanted_size, event_index, indirect_entries);
    if (made.is_error())
        return made.release_error();
    auto& [ring, ring_memory, base, layout] = made.value();
    /* The slot has one line: the first queue binds it, the others share it (no IrqCap of their own). */
    IrqCap interrupt;
    u16 entry = queue_shares_intx;
    if (!m_interrupt_bound) {
        interrupt = TRY(system::mmio_slot_interrupt(*m_slot, memory, bit));
        entry = pci_interrupt_intx;
    }
    TRY(m_transport.set_up_queue(index, layout.size, base + layout.descriptors, base + layout.available, base + layout.used));
    m_interrupt_bound = true;
    return VirtioQueue { index, maximum, entry, ring, std::move(ring_memory), std::move(interrupt) };
}

u32 VirtioMmioDevice::interrupt_status()
{
    u32 reasons = m_transport.interrupt_status();
    m_transport.acknowledge_interrupt(reasons);
    return reasons;
}

ErrorOr<usize> VirtioMmioDevice::read_device_configuration(std::span<u8> into)
{
    auto info = TRY(system::mmio_slot_describe(*m_slot));
    if (info.size <= virtio::mmio_configuration_offset)
        return Error(ErrorCode::NotFound, "the slot's window has no device-specific configuration");
    usize length = info.size - virtio::mmio_configuration_offset < into.size() ? info.size - virtio::mmio_configuration_offset : into.size();
    length &= ~usize(3); /* whole registers */
    for (usize word = 0; word < length; word += 4) {
        u32 value = m_registers->read(static_cast<u32>(virtio::mmio_configuration_offset + word));
        for (usize index = 0; index < 4; ++index)
            into[word + index] = static_cast<u8>(value >> (8 * index));
    }
    return length;
}

ErrorOr<u64> VirtioMmioDevice::dma_address(MemCap const& memory) const { return system::mmio_slot_dma_address(*m_slot, memory); }

}
