/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A virtio PCI function brought up through its driver's capabilities (vectra/driver/VirtioPci.h).
 */

#include <vectra/System.h>
#include <vectra/Try.h>
#include <utility>
#include <vectra/driver/VirtioPci.h>

namespace vectra::driver {

namespace {

constexpr u16 pci_command = 0x04;
constexpr u32 pci_command_bus_master = 1u << 2;

/* Configuration reads through the PciDevice capability. */
class DeviceConfig final : public virtio::ConfigRead {
public:
    explicit DeviceConfig(PciDeviceCap const& device)
        : m_device(device)
    {
    }
    ErrorOr<u32> read(u16 offset, u8 width) const override { return system::pci_config_read(m_device, offset, width); }

private:
    PciDeviceCap const& m_device;
};

ErrorOr<MappedRegion> map_region(PciDeviceCap const& device, ReticleCap const& memory, virtio::PciRegion const& region)
{
    MappedRegion mapped;
    mapped.bar = TRY(system::device_memory(device, memory, region.bar));
    auto bytes = TRY(system::map_device_memory(mapped.bar));
    if (region.offset > bytes.size() || region.length > bytes.size() - region.offset)
        return Error(ErrorCode::MalformedMessage, "a virtio region lies outside its BAR");
    mapped.base = bytes.data() + region.offset;
    mapped.length = region.length;
    return mapped;
}

}

ErrorOr<VirtioPciDevice> VirtioPciDevice::open(PciDeviceCap const& device, ReticleCap const& memory, u64 wanted)
{
    auto layout = TRY(virtio::read_pci_layout(DeviceConfig(device)));
    auto common = TRY(map_region(device, memory, layout.common));
    auto notify = TRY(map_region(device, memory, layout.notify));
    auto transport = TRY(virtio::ModernTransport::create(common.base, common.length, notify.base, notify.length,
        layout.notify_offset_multiplier));
    VirtioPciDevice opened(device, layout, transport, std::move(common), std::move(notify));
    opened.m_isr = TRY(map_region(device, memory, layout.isr));
    if (layout.device.present) {
        opened.m_device_configuration = TRY(map_region(device, memory, layout.device));
        opened.m_has_device_configuration = true;
    }
    /* A restarted driver finds the device as the last one left it: reset before anything else. */
    TRY(opened.m_transport.reset());
    opened.m_features = TRY(opened.m_transport.negotiate(wanted | virtio::feature_version_1));
    /* DMA and MSI-X messages are writes by the device: bus mastering on. */
    u32 command = TRY(system::pci_config_read(device, pci_command, 2));
    TRY(system::pci_config_write(device, pci_command, 2, command | pci_command_bus_master));
    TRY(opened.m_transport.set_config_vector(virtio::no_vector));
    return opened;
}

ErrorOr<VirtioQueue> VirtioPciDevice::set_up_queue(ReticleCap const& memory, u16 index, u16 wanted_size, u16 entry,
    SignalBit bit, bool event_index, u16 indirect_entries)
{
    u16 maximum = TRY(m_transport.maximum_queue_size(index));
    /* Used where it lies (no copy of the ring's bookkeeping, some 4 KiB, on a driver's 32 KiB stack). */
    auto made = make_queue_ring(*this, memory, maximum, wanted_size, event_index, indirect_entries);
    if (made.is_error())
        return made.release_error();
    auto& [ring, ring_memory, base, layout] = made.value();
    /* The kernel writes the entry's message and enables MSI-X; the device only learns the entry's number. */
    IrqCap interrupt;
    if (entry != queue_shares_intx) {
        auto bound = system::pci_interrupt(*m_device, memory, entry, bit);
        if (bound.is_error() && bound.error().code() == ErrorCode::Full && entry != pci_interrupt_intx) {
            entry = pci_interrupt_intx; /* no message line to be had: the pin, which needs none */
            bound = system::pci_interrupt(*m_device, memory, entry, bit);
        }
        if (bound.is_error())
            return bound.release_error();
        interrupt = bound.release_value();
    }
    if (entry != pci_interrupt_intx && entry != queue_shares_intx)
        TRY(m_transport.set_queue_vector(index, entry));
    TRY(m_transport.set_up_queue(index, layout.size, base + layout.descriptors, base + layout.available, base + layout.used));
    return VirtioQueue { index, maximum, entry, ring, std::move(ring_memory), std::move(interrupt) };
}

ErrorOr<MappedRegion const*> VirtioPciDevice::device_configuration() const
{
    if (!m_has_device_configuration)
        return Error(ErrorCode::NotFound, "the device has no device-specific configuration");
    return &m_device_configuration;
}

ErrorOr<usize> VirtioPciDevice::read_device_configuration(std::span<u8> into)
{
    auto const* region = TRY(device_configuration());
    usize length = region->length < into.size() ? region->length : into.size();
    for (usize index = 0; index < length; ++index)
        into[index] = region->base[index];
    return length;
}

ErrorOr<u64> VirtioPciDevice::dma_address(MemCap const& memory) const { return system::dma_address(*m_device, memory); }

}
