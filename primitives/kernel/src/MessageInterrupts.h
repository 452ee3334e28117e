/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Inside the kernel: MSI-X lines (MessageInterrupts.cpp, ADR 0016) and the routes every line
 * takes (Interrupts.cpp), shared between the two files.
 */

#pragma once

#include <vectra/kernel/PciDevice.h>

namespace vectra::kernel {

/* Interrupts.cpp: route `line` to `bit` of `mask` (the caller's), through `through`; unmask it. */
[[nodiscard]] ErrorOr<void> route_interrupt(InterruptLine&, CapabilitySpace&, CapabilityEntry const& through, SignalMask&,
    SignalBit);
/* Interrupts.cpp: mask the line and forget its route, if it has one. */
void unroute_interrupt(InterruptLine&);
[[nodiscard]] bool interrupt_routes_full();

class MessageInterrupts {
public:
    static ErrorOr<IrqCap> bind(CapabilitySpace&, PciDeviceCap const&, ReticleCap const& memory, u64 entry, SignalBit);
    /* Interrupt context: the entry is masked until the Task acknowledges. */
    static void arrived(InterruptLine&);
    static ErrorOr<void> acknowledge(InterruptLine&);
    /* Mask the entry, unroute and free the line; once. */
    static void release(InterruptLine&);
    /* Every line of `device` made through `entry` (being deleted) is released. */
    static void release_made_through(PciDevice&, CapabilityEntry const&);
};

}
