/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio-mmio slots as capabilities (ADR 0025 §2, docs/primitives.md "Devices"):
 *
 *  - the slots' bus (a DeviceCap of kind MmioBus, "virtio-mmio" in the first Task's Bundle when
 *    the machine has occupied slots): the authority to open any of them — held by initd, which
 *    hands each driver the slot its manifest entry names by virtio device id;
 *  - VirtioMmioSlot: one slot's registers, read and written one aligned 32-bit word at a time
 *    through kernel calls (never a mapping: QEMU's slots are 512 bytes apart, eight to a page),
 *    and its interrupt as an IrqCap. One holder at a time: a second open is Busy until every
 *    capability of the first is gone. When the entry that last started the device (a non-zero
 *    write to Status) is deleted, or the last capability goes, the kernel writes Status 0: the
 *    device resets and stops using its queues before their memory is handed on;
 *  - the slot's interrupt line as an IrqCap (receive, read; not grantable), routed to a Signal
 *    bit of the caller: edge or level as the machine says, masked at each arrival until
 *    acknowledge_interrupt — one arrival per acknowledge. Deleting the slot entry it was made
 *    through, its last IrqCap, or the Task ending masks and unroutes the line.
 */

#pragma once

#include <span>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/kernel/Reticle.h>
#include <vectra/platform/VirtioMmio.h>

namespace vectra {

/* The authority over every occupied slot. */
class MmioBusDevice final : public Device {
public:
    explicit MmioBusDevice(KernelObject* origin = nullptr)
        : Device(Kind::MmioBus, origin)
    {
    }
};

/* What the kernel read from an occupied slot at boot. */
struct MmioSlotRecord {
    platform::MmioSlot slot;
    u32 version { 0 };   /* 1 (legacy) or 2 */
    u32 device_id { 0 }; /* never 0 (empty) */
};

class VirtioMmioSlot final : public KernelObject {
public:
    VirtioMmioSlot(MmioSlotRecord const& record, KernelObject* origin)
        : KernelObject(CapabilityClass::VirtioMmioSlot, origin)
        , m_record(record)
    {
    }
    [[nodiscard]] MmioSlotRecord const& record() const { return m_record; }

    [[nodiscard]] u32 read(u64 offset) const;
    void write(u64 offset, u32 value);
    /* A write to Status through `through`: a non-zero value started the device, 0 reset it. */
    void note_status(CapabilityEntry const& through, u32 value);

private:
    friend class InterruptLine;
    friend class kernel::MessageInterrupts;

    void tear_down() override;
    void capability_deleted(CapabilityEntry const&) override;
    void capability_moved(CapabilityEntry const& from, CapabilityEntry const& to) override;
    void reset_device();

    MmioSlotRecord const& m_record;
    InterruptLine* m_interrupt { nullptr };                /* the line bound and not yet released */
    CapabilityEntry const* m_started_through { nullptr };  /* the entry that last wrote a non-zero Status */
};

}

namespace vectra::kernel {

inline constexpr usize mmio_slot_capacity = 32;
/* The Status register: writing 0 resets a virtio device. */
inline constexpr u64 mmio_slot_status = 0x70;

/*
 * Read each slot's magic, version and device id and keep the occupied ones (magic "virt",
 * version 1 or 2, device id not 0); the platform's slots at boot, modelled windows in host
 * tests. Returns how many were kept.
 */
usize mmio_slots_install(std::span<platform::MmioSlot const>);
/* Install the platform's slots; prints how many are occupied. */
void mmio_slots_boot();
[[nodiscard]] usize mmio_slots_present();

/*
 * The `index`-th occupied slot holding virtio device `device_id` (RightRead on the bus),
 * its object retyped from `memory` (RightRetype). The capability has read, write, grant, revoke.
 */
[[nodiscard]] ErrorOr<VirtioMmioSlotCap> mmio_slot_open(CapabilitySpace&, DeviceCap const& bus, ReticleCap const& memory,
    u64 device_id, u64 index);
/* The slot's device id and version, window size and trigger (RightRead). */
[[nodiscard]] ErrorOr<MmioSlotRecord> mmio_slot_describe(CapabilitySpace&, VirtioMmioSlotCap const&);
/* One aligned 32-bit register inside the window (RightRead / RightWrite); else InvalidArgument. */
[[nodiscard]] ErrorOr<u32> mmio_slot_read(CapabilitySpace&, VirtioMmioSlotCap const&, u64 offset);
[[nodiscard]] ErrorOr<void> mmio_slot_write(CapabilitySpace&, VirtioMmioSlotCap const&, u64 offset, u64 value);
/* The device address of a MemCap's memory (RightRead) for the slot's device (RightWrite on the slot). */
[[nodiscard]] ErrorOr<u64> mmio_slot_dma_address(CapabilitySpace&, VirtioMmioSlotCap const&, MemCap const&);
/* The slot's interrupt as an IrqCap (RightWrite on the slot) routed to `bit` of the caller's mask. */
[[nodiscard]] ErrorOr<IrqCap> mmio_slot_interrupt(CapabilitySpace&, VirtioMmioSlotCap const&, ReticleCap const& memory,
    SignalBit bit);

}
