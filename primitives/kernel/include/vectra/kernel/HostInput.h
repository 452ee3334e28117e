/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted window's keyboard and mouse as a DeviceCap of kind HostInput (ADR 0040 §6; the
 * shared types are vectra/HostInput.h). The events wait in the platform's bounded queue; the
 * device object only names them. Every call needs RightRead: the window's size and drops, a
 * drain of the oldest events, and the line the platform raises when events arrive, as an IrqCap
 * retyped from the caller's Reticle, minted beneath the caller's DeviceCap entry and routed to a
 * bit of its own mask — so revoking or deleting the DeviceCap deletes the IrqCap and unroutes
 * the line, as a display's framebuffer MemCaps go with it (ADR 0014). One holder at a time:
 * while the line is routed another is refused (Busy).
 */

#pragma once

#include <span>
#include <vectra/HostInput.h>
#include <vectra/SignalBit.h>
#include <vectra/kernel/Console.h>

namespace vectra {

class HostInputDevice final : public Device {
public:
    explicit HostInputDevice(KernelObject* origin)
        : Device(Kind::HostInput, origin)
    {
    }
};

[[nodiscard]] ErrorOr<HostInputInfo> host_input_info(CapabilitySpace const&, DeviceCap const&);
/* Moves up to maximum_host_input_drain of the oldest events into `into`; how many. */
[[nodiscard]] ErrorOr<usize> host_input_drain(CapabilitySpace const&, DeviceCap const&, std::span<HostInputEvent> into);
[[nodiscard]] ErrorOr<IrqCap> host_input_interrupt(CapabilitySpace&, DeviceCap const&, ReticleCap const& memory, SignalBit);

}
