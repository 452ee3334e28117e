/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * MSI-X table entries as IrqCaps (ADR 0016). The kernel, never the driver, writes an entry's
 * message (a line the platform set aside: a local APIC vector, a GICv2m SPI) and the
 * function's MSI-X enable; the driver holds a PciDevice capability, which may not write either
 * (pci::check_config_write, device_memory refuses the table's BAR). Each arrival masks the
 * entry (the device holds a further message pending in its PBA) until the Task acknowledges,
 * so a device that keeps signalling cannot take the CPU from everything else.
 */

#include <vectra/Try.h>
#include <vectra/kernel/Executor.h>
#include <vectra/platform/Platform.h>
#include <vectra/platform/Pci.h>
#include "MessageInterrupts.h"
#include "NewObjects.h"

namespace vectra {

InterruptLine::InterruptLine(u32 line, PciDevice& device, CapabilityEntry const& through, u32 volatile* table_entry,
    u16 index, KernelObject* origin)
    : KernelObject(CapabilityClass::Irq, origin)
    , m_line(line)
{
    m_message.device = &device;
    m_message.through = &through;
    m_message.table_entry = table_entry;
    m_message.index = index;
    m_message.next = device.m_interrupts;
    device.m_interrupts = this;
    device.retain();
}

}

namespace vectra::kernel {

namespace {

constexpr usize vector_control = 3; /* the fourth word of an entry */

void set_entry_masked(u32 volatile* table_entry, bool masked)
{
    table_entry[vector_control] = masked ? pci::msix_vector_masked : 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* MSI-X on (function mask off) while the device has a bound entry, off again after the last. */
void set_msix_enabled(pci::Function const& function, bool enabled)
{
    auto& access = pci_config_access();
    u16 offset = static_cast<u16>(function.msix_capability + pci::msix_message_control);
    u16 control = static_cast<u16>(access.read(function.address, offset, 2));
    control = static_cast<u16>(control & ~(pci::msix_control_enable | pci::msix_control_function_mask));
    control = static_cast<u16>(control | (enabled ? pci::msix_control_enable : pci::msix_control_function_mask));
    access.write(function.address, offset, 2, control);
}

/* Where the kernel reaches entry `index` of the function's table, or nullptr when the table lies outside its BAR. */
u32 volatile* table_entry_of(pci::Function const& function, u16 index)
{
    if (function.msix_table_bar >= pci::bar_count)
        return nullptr;
    auto const& bar = function.bars[function.msix_table_bar];
    bool memory = bar.kind == pci::Bar::Kind::Memory32 || bar.kind == pci::Bar::Kind::Memory64;
    u64 end = u64(function.msix_table_offset) + u64(function.msix_table_size) * pci::msix_entry_bytes;
    if (!memory || !bar.assigned || end > bar.size)
        return nullptr;
    u64 address = bar.address + function.msix_table_offset + u64(index) * pci::msix_entry_bytes;
    return reinterpret_cast<u32 volatile*>(static_cast<uptr>(address));
}

}

ErrorOr<IrqCap> MessageInterrupts::bind(CapabilitySpace& space, PciDeviceCap const& capability, ReticleCap const& memory,
    u64 entry, SignalBit bit)
{
    if (entry == pci_interrupt_intx)
        return bind_intx(space, capability, memory, bit);
    PciDevice* device = TRY(space.lookup(capability, RightWrite));
    CapabilityEntry const* through = TRY(space.entry_of(capability));
    Reticle* reticle = TRY(space.lookup(memory, RightRetype));
    auto const& function = device->function();
    if (function.msix_capability == 0)
        return Error(ErrorCode::NotFound, "the function has no MSI-X capability");
    if (entry >= function.msix_table_size)
        return Error(ErrorCode::InvalidArgument, "the entry lies past the function's MSI-X table");
    auto index = static_cast<u16>(entry);
    for (auto* bound = device->m_interrupts; bound; bound = bound->m_message.next) {
        if (bound->is_level())
            return Error(ErrorCode::Busy, "the function's INTx pin is bound: it interrupts through that");
        if (bound->m_message.index == index)
            return Error(ErrorCode::Busy, "the MSI-X entry is already bound");
    }
    u32 volatile* table_entry = table_entry_of(function, index);
    if (!table_entry)
        return Error(ErrorCode::Unsupported, "the function's MSI-X table lies outside a mapped memory BAR");
    TRY(check_room_to_route(space));
    platform::MessageInterrupt message;
    if (!platform::allocate_message_interrupt(message))
        return Error(ErrorCode::Full, "no message-signalled interrupt line is free");
    auto created = reticle->try_create<InterruptLine>(message.line, *device, *through, table_entry, index, reticle);
    if (created.is_error()) {
        platform::free_message_interrupt(message.line);
        return created.release_error();
    }
    InterruptLine* line = created.value();
    /* Masked while the message is written: never half an address live. */
    set_entry_masked(line->m_message.table_entry, true);
    table_entry[0] = static_cast<u32>(message.address);
    table_entry[1] = static_cast<u32>(message.address >> 32);
    table_entry[2] = message.data;
    set_msix_enabled(function, true);
    auto handle = TRY(name_and_route(space, *line, bit));
    set_entry_masked(line->m_message.table_entry, false);
    return handle;
}

ErrorOr<void> MessageInterrupts::check_room_to_route(CapabilitySpace& space)
{
    auto& executor = Executor::current();
    if (!executor.in_task() || &executor.current_task().capabilities() != &space)
        return Error(ErrorCode::ForeignHandle, "a Task routes interrupts only into its own Signal Mask");
    if (interrupt_routes_full())
        return Error(ErrorCode::Full, "interrupt route table is full");
    return ensure_room(space);
}

ErrorOr<IrqCap> MessageInterrupts::name_and_route(CapabilitySpace& space, InterruptLine& line, SignalBit bit)
{
    /* Named without grant: the route goes to this Task's mask, so the capability stays here. */
    auto handle = TRY(name_new_object<CapabilityClass::Irq>(space, &line, RightReceive | RightRead));
    auto routed = route_interrupt(line, space, *TRY(space.entry_of(handle)), Executor::current().current_task().signals(), bit);
    if (routed.is_error()) {
        (void)space.erase(handle.space(), handle.slot(), handle.generation(), CapabilityClass::Irq);
        return routed.release_error();
    }
    return handle;
}

void MessageInterrupts::arrived(InterruptLine& line)
{
    if (line.m_message.released)
        return;
    if (line.is_slot())
        platform::mask_interrupt(line.line());
    else
        set_entry_masked(line.m_message.table_entry, true);
}

ErrorOr<void> MessageInterrupts::acknowledge(InterruptLine& line)
{
    if (line.m_message.released)
        return Error(ErrorCode::Revoked, "the device capability this line was made through is gone");
    if (!line.is_routed())
        return Error(ErrorCode::Revoked, "the line's route ended");
    if (line.is_slot())
        platform::unmask_interrupt(line.line());
    else
        set_entry_masked(line.m_message.table_entry, false);
    return {};
}

void MessageInterrupts::release(InterruptLine& line)
{
    auto& message = line.m_message;
    if (message.released)
        return;
    if (line.is_level()) {
        release_intx(line);
        return;
    }
    if (message.controller) {
        release_i8042(line);
        return;
    }
    if (line.is_slot()) {
        release_slot(line);
        return;
    }
    message.released = true;
    set_entry_masked(message.table_entry, true);
    unroute_interrupt(line);
    platform::free_message_interrupt(line.m_line);
    PciDevice& device = *message.device;
    unlink(line);
    if (!device.m_interrupts)
        set_msix_enabled(device.function(), false);
}

void MessageInterrupts::unlink(InterruptLine& line)
{
    auto& message = line.m_message;
    for (InterruptLine** link = &message.device->m_interrupts; *link; link = &(*link)->m_message.next) {
        if (*link == &line) {
            *link = message.next;
            break;
        }
    }
    message.next = nullptr;
    message.through = nullptr;
}

void MessageInterrupts::release_made_through(PciDevice& device, CapabilityEntry const& entry)
{
    InterruptLine* line = device.m_interrupts;
    while (line) {
        InterruptLine* next = line->m_message.next;
        if (line->m_message.through == &entry)
            release(*line);
        line = next;
    }
}

ErrorOr<IrqCap> pci_interrupt(CapabilitySpace& space, PciDeviceCap const& device, ReticleCap const& memory, u64 entry,
    SignalBit bit)
{
    return MessageInterrupts::bind(space, device, memory, entry, bit);
}

}
