/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Inside the kernel: MSI-X lines (MessageInterrupts.cpp, ADR 0016) and the routes every line
 * takes (Interrupts.cpp), shared between the two files.
 */

#pragma once

#include <vectra/kernel/MmioSlot.h>
#include <vectra/kernel/PciDevice.h>

namespace vectra::kernel {

/* Interrupts.cpp: route `line` to `bit` of `mask` (the caller's), through `through`; unmask it. */
[[nodiscard]] ErrorOr<void> route_interrupt(InterruptLine&, CapabilitySpace&, CapabilityEntry const& through, SignalMask&,
    SignalBit);
/* Interrupts.cpp: mask the line and forget its route, if it has one. */
void unroute_interrupt(InterruptLine&);
[[nodiscard]] bool interrupt_routes_full();
/* Interrupts.cpp: unmask shared level line `number` if it has bound holders and none awaits an acknowledge. */
void settle_level_line(u32 number);
/* Interrupts.cpp: whether a platform line or an MSI-X entry is routed as `number` (an INTx pin may not share it). */
[[nodiscard]] bool interrupt_line_routed_exclusively(u32 number);
/* Interrupts.cpp: whether any route uses line `number` (a slot's line is never shared). */
[[nodiscard]] bool interrupt_line_routed(u32 number);
/*
 * HostInput.cpp: a platform line a DeviceCap stands for (the window's input, the host's sockets),
 * as an IrqCap retyped from `memory`, minted beneath `through` (revoking the DeviceCap deletes it
 * and unroutes the line) and routed to `bit` of the caller's mask; Busy (`busy`) while routed.
 * The caller has checked the DeviceCap's kind and rights.
 */
[[nodiscard]] ErrorOr<IrqCap> route_device_line(CapabilitySpace&, DeviceCap const& through, ReticleCap const& memory,
    u32 number, SignalBit, char const* busy);

class MessageInterrupts {
public:
    static ErrorOr<IrqCap> bind(CapabilitySpace&, PciDeviceCap const&, ReticleCap const& memory, u64 entry, SignalBit);
    /* Interrupt context: the entry is masked until the Task acknowledges. */
    static void arrived(InterruptLine&);
    static ErrorOr<void> acknowledge(InterruptLine&);
    /* IntxLines.cpp (ADR 0021): the function's INTx pin, its line shared with whoever else the platform wires to it. */
    static ErrorOr<IrqCap> bind_intx(CapabilitySpace&, PciDeviceCap const&, ReticleCap const& memory, SignalBit);
    static ErrorOr<void> acknowledge_intx(InterruptLine&);
    static ErrorOr<IrqCap> bind_line(CapabilitySpace&, PciDevice&, CapabilityEntry const& through, Reticle&, u32 number,
        SignalBit);
    static void release_intx(InterruptLine&);
    /* MmioSlots.cpp (ADR 0025): a virtio-mmio slot's line, masked at the controller from arrival to acknowledge. */
    static ErrorOr<IrqCap> bind_slot(CapabilitySpace&, VirtioMmioSlotCap const&, ReticleCap const& memory, SignalBit);
    static void release_slot(InterruptLine&);
    /* I8042.cpp (ADR 0031 amendment): the i8042's keyboard line, masked at the controller from arrival to acknowledge. */
    static ErrorOr<IrqCap> bind_i8042(CapabilitySpace&, DeviceCap const&, ReticleCap const& memory, SignalBit);
    static void release_i8042(InterruptLine&);
    /* Mask the entry, unroute and free the line; once. */
    static void release(InterruptLine&);
    /* The caller routes into its own mask, the route table and its space have room. */
    static ErrorOr<void> check_room_to_route(CapabilitySpace&);
    /* An IrqCap (receive, read) for `line` in `space`, routed to `bit` of the caller's mask. */
    static ErrorOr<IrqCap> name_and_route(CapabilitySpace&, InterruptLine&, SignalBit);
    /* Take the line off its device's list. */
    static void unlink(InterruptLine&);
    /* Every line of `device` made through `entry` (being deleted) is released. */
    static void release_made_through(PciDevice&, CapabilityEntry const&);
};

}
