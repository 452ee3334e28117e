/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A virtio 1.x PCI function brought up through its driver's capabilities (README.md): regions
 * mapped, device reset, features negotiated, bus mastering on; queues set up in DMA memory with
 * their used buffers signalled on MSI-X entries bound by the kernel (ADR 0016).
 */

#pragma once

#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/Pci.h>
#include <vectra/SignalBit.h>
#include <vectra/System.h>
#include <vectra/driver/VirtioDevice.h>
#include <vectra/virtio/ModernTransport.h>
#include <vectra/virtio/PciCapabilities.h>
#include <utility>

namespace vectra::driver {

/* A region of a BAR, mapped through a DeviceMemory capability made for it. */
struct MappedRegion {
    DeviceMemoryCap bar;
    u8 volatile* base { nullptr };
    usize length { 0 };
};

class VirtioPciDevice final : public VirtioDevice {
public:
    /*
     * Reads the layout, maps the common, notify and (when present) device-specific regions from
     * `memory`, resets the device, accepts the features of `wanted` it offers (VIRTIO_F_VERSION_1
     * is always asked for and required) and turns bus mastering on. Configuration changes signal
     * nothing (no MSI-X entry). `device` is used in place: it must outlive the object.
     */
    [[nodiscard]] static ErrorOr<VirtioPciDevice> open(PciDeviceCap const& device, ReticleCap const& memory, u64 wanted);

    /*
     * Queue `index` of at most `wanted_size` entries (the device may allow fewer), in DMA memory
     * retyped from `memory`, its used buffers signalled on MSI-X entry `entry` raising `bit` — or,
     * with `entry` pci_interrupt_intx, on the function's INTx pin (ADR 0021; its line stays
     * asserted until interrupt_status() is read); with queue_shares_intx, on the pin another
     * queue bound (its `interrupt` is then empty). When the platform has no message-signalled
     * line to give (the kernel answers Full: aarch64 with a GICv3, whose ITS is not driven, ADR
     * 0027) the queue signals on the INTx pin instead; the queue's `entry` says which.
     * `indirect_entries` (when VIRTIO_F_INDIRECT_DESC was accepted, else ignored): an indirect
     * table of that many descriptors per ring descriptor, in the same DMA memory after the ring.
     */
    [[nodiscard]] ErrorOr<VirtioQueue> set_up_queue(ReticleCap const& memory, u16 index, u16 wanted_size, u16 entry,
        SignalBit bit, bool event_index, u16 indirect_entries = 0);

    /*
     * Configuration changes (virtio-gpu's display events, …) signal on the MSI-X entry `queue`
     * signals on, so one IrqCap wakes the driver for both. Nothing to do for a queue on the INTx
     * pin: the pin carries configuration changes too (ISR bit 1).
     */
    [[nodiscard]] ErrorOr<void> signal_configuration_changes(VirtioQueue const& queue)
    {
        if (queue.entry == pci_interrupt_intx || queue.entry == queue_shares_intx)
            return {};
        return m_transport.set_config_vector(queue.entry);
    }
    void start() override { m_transport.driver_ok(); }
    void notify(u16 index) override { m_transport.notify(index); }
    /* The ISR read when `queue` signals on the INTx pin (it deasserts the line); nothing on an MSI-X entry. */
    void interrupted(VirtioQueue const& queue) override
    {
        if (queue.entry == pci_interrupt_intx || queue.entry == queue_shares_intx)
            (void)interrupt_status();
    }
    /*
     * Read (and so clear) the ISR status: bit 0 a queue was used, bit 1 the configuration
     * changed. The read deasserts the function's INTx pin; an INTx driver reads it before it
     * acknowledges the interrupt.
     */
    [[nodiscard]] u8 interrupt_status() { return *m_isr.base; }
    /* Whether the function can signal through MSI-X entries (else only through INTx). */
    [[nodiscard]] bool has_msix() const { return m_layout.has_msix; }
    [[nodiscard]] ErrorOr<void> reset() override { return m_transport.reset(); }

    /* The device-specific configuration (virtio-blk's capacity, …), or NotFound when it has none. */
    [[nodiscard]] ErrorOr<MappedRegion const*> device_configuration() const;
    [[nodiscard]] ErrorOr<usize> read_device_configuration(std::span<u8> into) override;
    [[nodiscard]] ErrorOr<u64> dma_address(MemCap const& memory) const override;

    [[nodiscard]] u64 features() const override { return m_features; }
    [[nodiscard]] u8 status() const { return m_transport.status(); }
    [[nodiscard]] virtio::PciLayout const& layout() const { return m_layout; }
    [[nodiscard]] PciDeviceCap const& pci() const { return *m_device; }

private:
    VirtioPciDevice(PciDeviceCap const& device, virtio::PciLayout const& layout, virtio::ModernTransport transport,
        MappedRegion common, MappedRegion notify)
        : m_device(&device)
        , m_layout(layout)
        , m_transport(transport)
        , m_common(std::move(common))
        , m_notify(std::move(notify))
    {
    }

    PciDeviceCap const* m_device;
    virtio::PciLayout m_layout;
    virtio::ModernTransport m_transport;
    MappedRegion m_common;
    MappedRegion m_notify;
    MappedRegion m_isr;
    MappedRegion m_device_configuration;
    bool m_has_device_configuration { false };
    u64 m_features { 0 };
};

}
