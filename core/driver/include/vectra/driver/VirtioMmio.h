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
#include <vectra/FixedString.h>
#include <vectra/SignalBit.h>
#include <vectra/driver/VirtioDevice.h>
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

/* How a driver names its slot on its start-up line: "virtio-mmio device 2 version 2", "virtio-mmio line 78 (edge)". */
struct SlotNames {
    FixedString<40> device;
    FixedString<40> line;
};
[[nodiscard]] SlotNames name_slot(MmioSlotInfo const&);

class VirtioMmioDevice final : public VirtioDevice {
public:
    /*
     * Checks the window (magic, version 2, a device), resets the device and accepts the features
     * of `wanted` it offers (VIRTIO_F_VERSION_1 is always asked for and required). `slot` and
     * `registers` (made over `slot`) are used in place: they must outlive the object.
     */
    [[nodiscard]] static ErrorOr<VirtioMmioDevice> open(VirtioMmioSlotCap const& slot, SlotRegisters& registers,
        u64 wanted);

    /*
     * Queue `index` of at most `wanted_size` entries in DMA memory retyped from `memory`. The
     * slot has one line: the first queue set up binds it to `bit` as its IrqCap (its `entry`
     * pci_interrupt_intx); every later queue shares it (`entry` queue_shares_intx, no IrqCap,
     * `bit` unused), as the queues of a PCI function on its INTx pin do.
     * `indirect_entries` as for VirtioPciDevice::set_up_queue.
     */
    [[nodiscard]] ErrorOr<VirtioQueue> set_up_queue(ReticleCap const& memory, u16 index, u16 wanted_size, SignalBit bit,
        bool event_index, u16 indirect_entries = 0);

    void start() override { m_transport.driver_ok(); }
    void notify(u16 index) override { m_transport.notify(index); }
    /* The slot has one line for every reason: InterruptStatus read and acknowledged, whichever queue woke. */
    void interrupted(VirtioQueue const&) override { (void)interrupt_status(); }
    /*
     * Why the device interrupted, acknowledged to the device (InterruptStatus read, InterruptACK
     * written: a level slot's line falls) — as reading the ISR does over PCI. Call before
     * acknowledge_interrupt on the IrqCap.
     */
    [[nodiscard]] u32 interrupt_status();
    [[nodiscard]] ErrorOr<void> reset() override { return m_transport.reset(); }
    [[nodiscard]] ErrorOr<u64> dma_address(MemCap const& memory) const override;
    /* The registers from 0x100 to the window's end, read 32 bits at a time through the slot. */
    [[nodiscard]] ErrorOr<usize> read_device_configuration(std::span<u8> into) override;
    [[nodiscard]] u64 features() const override { return m_features; }
    [[nodiscard]] u8 status() { return m_transport.status(); }
    [[nodiscard]] u32 device_id() const { return m_transport.device_id(); }

private:
    VirtioMmioDevice(VirtioMmioSlotCap const& slot, SlotRegisters& registers, virtio::MmioTransport transport)
        : m_slot(&slot)
        , m_registers(&registers)
        , m_transport(transport)
    {
    }

    VirtioMmioSlotCap const* m_slot;
    SlotRegisters* m_registers;
    virtio::MmioTransport m_transport;
    u64 m_features { 0 };
    bool m_interrupt_bound { false };
};

}
