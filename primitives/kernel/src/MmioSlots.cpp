/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio-mmio slots as capabilities (ADR 0025 §2, vectra/kernel/MmioSlot.h): the occupied
 * slots read at boot, one holder per slot, registers through calls held to the slot's window,
 * and the slot's interrupt line as an IrqCap masked from each arrival until acknowledged.
 */

#include "MessageInterrupts.h"
#include "NewObjects.h"
#include <vectra/Try.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/MmioSlot.h>
#include <vectra/kernel/PciDevice.h>
#include <vectra/platform/Platform.h>

namespace vectra::kernel {

namespace {

constexpr u32 virtio_magic = 0x7472'6976; /* "virt" */
constexpr u64 register_magic = 0x000;
constexpr u64 register_version = 0x004;
constexpr u64 register_device_id = 0x008;

struct Registry {
    MmioSlotRecord records[mmio_slot_capacity];
    VirtioMmioSlot* holders[mmio_slot_capacity] {};
    usize count { 0 };
};

Registry s_slots;

u32 volatile* register_at(platform::MmioSlot const& slot, u64 offset)
{
    return reinterpret_cast<u32 volatile*>(static_cast<uptr>(slot.base + offset));
}

usize index_of(MmioSlotRecord const& record) { return static_cast<usize>(&record - s_slots.records); }

}

usize mmio_slots_install(std::span<platform::MmioSlot const> slots)
{
    s_slots.count = 0;
    for (auto*& holder : s_slots.holders)
        holder = nullptr;
    for (auto const& slot : slots) {
        if (s_slots.count == mmio_slot_capacity)
            break;
        if (slot.size < 0x100 || slot.base % 4 != 0 || *register_at(slot, register_magic) != virtio_magic)
            continue;
        u32 version = *register_at(slot, register_version);
        u32 device_id = *register_at(slot, register_device_id);
        if ((version != 1 && version != 2) || device_id == 0)
            continue;
        s_slots.records[s_slots.count++] = { slot, version, device_id };
    }
    return s_slots.count;
}

void mmio_slots_boot()
{
    platform::MmioSlot slots[mmio_slot_capacity];
    usize found = platform::virtio_mmio_slots(slots);
    if (found == 0)
        return;
    usize occupied = mmio_slots_install(std::span<platform::MmioSlot const>(slots, found));
    console_format("vectra: virtio-mmio: {} slot{}, {} occupied", found, found == 1 ? "" : "s", occupied);
}

usize mmio_slots_present() { return s_slots.count; }

}

namespace vectra {

u32 VirtioMmioSlot::read(u64 offset) const { return *kernel::register_at(m_record.slot, offset); }

void VirtioMmioSlot::write(u64 offset, u32 value)
{
    *kernel::register_at(m_record.slot, offset) = value;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void VirtioMmioSlot::note_status(CapabilityEntry const& through, u32 value)
{
    m_started_through = value != 0 ? &through : nullptr;
}

void VirtioMmioSlot::reset_device()
{
    m_started_through = nullptr;
    write(kernel::mmio_slot_status, 0);
}

void VirtioMmioSlot::tear_down()
{
    /* The last capability is gone: the device stops, and the slot may be opened again (by a restarted driver). */
    reset_device();
    auto& holder = kernel::s_slots.holders[kernel::index_of(m_record)];
    if (holder == this)
        holder = nullptr;
}

void VirtioMmioSlot::capability_deleted(CapabilityEntry const& entry)
{
    if (m_interrupt && m_interrupt->m_message.through == &entry)
        kernel::MessageInterrupts::release(*m_interrupt);
    if (m_started_through == &entry)
        reset_device();
}

void VirtioMmioSlot::capability_moved(CapabilityEntry const& from, CapabilityEntry const& to)
{
    if (m_interrupt && m_interrupt->m_message.through == &from)
        m_interrupt->m_message.through = &to;
    if (m_started_through == &from)
        m_started_through = &to;
}

InterruptLine::InterruptLine(u32 line, VirtioMmioSlot& slot, CapabilityEntry const& through, KernelObject* origin)
    : KernelObject(CapabilityClass::Irq, origin)
    , m_line(line)
{
    m_message.slot = &slot;
    m_message.through = &through;
    slot.m_interrupt = this;
    slot.retain();
}

}

namespace vectra::kernel {

ErrorOr<IrqCap> MessageInterrupts::bind_slot(CapabilitySpace& space, VirtioMmioSlotCap const& capability,
    ReticleCap const& memory, SignalBit bit)
{
    VirtioMmioSlot* slot = TRY(space.lookup(capability, RightWrite));
    CapabilityEntry const* through = TRY(space.entry_of(capability));
    Reticle* reticle = TRY(space.lookup(memory, RightRetype));
    if (slot->m_interrupt)
        return Error(ErrorCode::Busy, "the slot's interrupt is already bound");
    u32 number = slot->record().slot.line;
    if (interrupt_line_routed(number))
        return Error(ErrorCode::Busy, "the slot's line is routed to another holder");
    TRY(check_room_to_route(space));
    InterruptLine* line = TRY(reticle->try_create<InterruptLine>(number, *slot, *through, reticle));
    return name_and_route(space, *line, bit);
}

void MessageInterrupts::release_slot(InterruptLine& line)
{
    auto& message = line.m_message;
    message.released = true;
    unroute_interrupt(line); /* masks the line */
    if (message.slot->m_interrupt == &line)
        message.slot->m_interrupt = nullptr;
    message.through = nullptr;
}

ErrorOr<VirtioMmioSlotCap> mmio_slot_open(CapabilitySpace& space, DeviceCap const& bus, ReticleCap const& memory,
    u64 device_id, u64 index)
{
    Device* device = TRY(space.lookup(bus, RightRead));
    if (device->kind() != Device::Kind::MmioBus)
        return Error(ErrorCode::WrongClass, "the DeviceCap does not name the virtio-mmio slots");
    Reticle* reticle = TRY(space.lookup(memory, RightRetype));
    if (device_id == 0 || device_id > 0xffff'ffff)
        return Error(ErrorCode::InvalidArgument, "a virtio device id is 1 to 2^32 - 1 (0 is an empty slot)");
    MmioSlotRecord const* found = nullptr;
    u64 seen = 0;
    for (usize slot = 0; slot < s_slots.count && !found; ++slot) {
        if (s_slots.records[slot].device_id == device_id && seen++ == index)
            found = &s_slots.records[slot];
    }
    if (!found)
        return Error(ErrorCode::NotFound, "no virtio-mmio slot on this machine holds that device");
    auto& holder = s_slots.holders[index_of(*found)];
    if (holder)
        return Error(ErrorCode::Busy, "the slot is held by another VirtioMmioSlot capability");
    TRY(ensure_room(space));
    VirtioMmioSlot* opened = TRY(reticle->try_create<VirtioMmioSlot>(*found, reticle));
    auto handle = TRY(name_new_object<CapabilityClass::VirtioMmioSlot>(
        space, opened, RightRead | RightWrite | RightGrant | RightRevoke));
    holder = opened;
    return handle;
}

ErrorOr<MmioSlotRecord> mmio_slot_describe(CapabilitySpace& space, VirtioMmioSlotCap const& capability)
{
    VirtioMmioSlot* slot = TRY(space.lookup(capability, RightRead));
    return slot->record();
}

namespace {

ErrorOr<void> check_register(VirtioMmioSlot const& slot, u64 offset)
{
    if (offset % 4 != 0)
        return Error(ErrorCode::InvalidArgument, "a slot register is a 4-byte aligned word");
    if (offset >= slot.record().slot.size || slot.record().slot.size - offset < 4)
        return Error(ErrorCode::InvalidArgument, "the register lies past the slot's window");
    return {};
}

}

ErrorOr<u32> mmio_slot_read(CapabilitySpace& space, VirtioMmioSlotCap const& capability, u64 offset)
{
    VirtioMmioSlot* slot = TRY(space.lookup(capability, RightRead));
    TRY(check_register(*slot, offset));
    return slot->read(offset);
}

ErrorOr<void> mmio_slot_write(CapabilitySpace& space, VirtioMmioSlotCap const& capability, u64 offset, u64 value)
{
    VirtioMmioSlot* slot = TRY(space.lookup(capability, RightWrite));
    TRY(check_register(*slot, offset));
    if (value > 0xffff'ffff)
        return Error(ErrorCode::InvalidArgument, "the value is wider than a register");
    slot->write(offset, static_cast<u32>(value));
    if (offset == mmio_slot_status)
        slot->note_status(*TRY(space.entry_of(capability)), static_cast<u32>(value));
    return {};
}

ErrorOr<u64> mmio_slot_dma_address(CapabilitySpace& space, VirtioMmioSlotCap const& slot, MemCap const& memory)
{
    TRY(space.lookup(slot, RightWrite));
    return device_address_of(space, memory);
}

ErrorOr<IrqCap> mmio_slot_interrupt(CapabilitySpace& space, VirtioMmioSlotCap const& slot, ReticleCap const& memory,
    SignalBit bit)
{
    return MessageInterrupts::bind_slot(space, slot, memory, bit);
}

}
