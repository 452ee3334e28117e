/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A virtio-mmio device brought up through the VirtioMmioSlot capability its driver holds (ADR
 * 0025): registers read and written through kernel calls (SlotRegisters), the device reset,
 * features negotiated (VIRTIO_F_VERSION_1 required: version 2 slots only), queues as split
 * virtqueues in DMA memory whose used buffers raise the slot's interrupt, bound by the kernel
 * as an IrqCap masked from each arrival until acknowledged.
 */

#pragma once

#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/SignalBit.h>
#include <vectra/driver/VirtioPci.h>
#include <vectra/virtio/MmioTransport.h>

namespace vectra::driver {

/* A slot's registers through mmio_slot_read/write; a refused access reads 0 and writes nothing. */
class SlotRegisters final : public virtio::MmioRegisters {
public:
    explicit SlotRegisters(VirtioMmioSlotCap const& slot)
        : m_slot(slot)
    {
    }
    u32 read(u32 offset) override;
    void write(u32 offset, u32 value) override;

private:
    VirtioMmioSlotCap const& m_slot;
};

class VirtioMmioDevice {
public:
    /*
     * Checks the window (magic, version 2, a device), resets the device and accepts the features
     * of `wanted` it offers (VIRTIO_F_VERSION_1 is always asked for and required). `slot` and
     * `registers` (made over `slot`) are used in place: they must outlive the object.
     */
    [[nodiscard]] static ErrorOr<VirtioMmioDevice> open(VirtioMmioSlotCap const& slot, SlotRegisters& registers,
        u64 wanted);

    /*
     * Queue `index` of at most `wanted_size` entries in DMA memory retyped from `memory`; the
     * slot's interrupt is bound (once, with the first queue) to `bit` and is the queue's IrqCap.
     */
    [[nodiscard]] ErrorOr<VirtioQueue> set_up_queue(ReticleCap const& memory, u16 index, u16 wanted_size, SignalBit bit,
        bool event_index);

    void start() { m_transport.driver_ok(); }
    void notify(u16 index) { m_transport.notify(index); }
    /*
     * Why the device interrupted, acknowledged to the device (InterruptStatus read, InterruptACK
     * written: a level slot's line falls) — as reading the ISR does over PCI. Call before
     * acknowledge_interrupt on the IrqCap.
     */
    [[nodiscard]] u32 interrupt_status();
    [[nodiscard]] ErrorOr<void> reset() { return m_transport.reset(); }
    [[nodiscard]] ErrorOr<u64> dma_address(MemCap const& memory) const;
    [[nodiscard]] u64 features() const { return m_features; }
    [[nodiscard]] u8 status() { return m_transport.status(); }
    [[nodiscard]] u32 device_id() const { return m_transport.device_id(); }

private:
    VirtioMmioDevice(VirtioMmioSlotCap const& slot, virtio::MmioTransport transport)
        : m_slot(&slot)
        , m_transport(transport)
    {
    }

    VirtioMmioSlotCap const* m_slot;
    virtio::MmioTransport m_transport;
    u64 m_features { 0 };
};

}
