/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The host-input calls (vectra/kernel/HostInput.h): look the DeviceCap up, check it names the
 * window's input before its rights, then act on the platform's queue or route its line.
 */

#include <vectra/Try.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/HostInput.h>
#include <vectra/kernel/Reticle.h>
#include <vectra/platform/HostInput.h>
#include "MessageInterrupts.h"

namespace vectra {

namespace {

ErrorOr<void> check_input(CapabilitySpace const& space, DeviceCap const& capability)
{
    /* What the capability names first: another device is the wrong one whatever its rights. */
    if (TRY(space.lookup(capability, 0))->kind() != Device::Kind::HostInput)
        return Error(ErrorCode::WrongClass, "the DeviceCap names a device that is not the window's input");
    TRY(space.lookup(capability, RightRead));
    return {};
}

}

ErrorOr<HostInputInfo> host_input_info(CapabilitySpace const& space, DeviceCap const& input)
{
    TRY(check_input(space, input));
    return platform::host_input_info();
}

ErrorOr<usize> host_input_drain(CapabilitySpace const& space, DeviceCap const& input, std::span<HostInputEvent> into)
{
    TRY(check_input(space, input));
    if (into.size() > maximum_host_input_drain)
        into = into.first(maximum_host_input_drain);
    return platform::host_input_drain(into);
}

ErrorOr<IrqCap> host_input_interrupt(CapabilitySpace& space, DeviceCap const& input, ReticleCap const& memory, SignalBit bit)
{
    TRY(check_input(space, input));
    return kernel::route_device_line(space, input, memory, platform::host_input_line(), bit,
        "the window's input line is routed to another holder");
}

}

namespace vectra::kernel {

ErrorOr<IrqCap> route_device_line(CapabilitySpace& space, DeviceCap const& through, ReticleCap const& memory, u32 number,
    SignalBit bit, char const* busy)
{
    Reticle* reticle = TRY(space.lookup(memory, RightRetype));
    if (interrupt_line_routed(number))
        return Error(ErrorCode::Busy, busy);
    TRY(MessageInterrupts::check_room_to_route(space));
    InterruptLine* line = TRY(reticle->try_create<InterruptLine>(number, reticle));
    /* Beneath the DeviceCap entry: revoking or deleting it deletes this IrqCap, which unroutes the line. */
    auto handle = space.mint_beneath<CapabilityClass::Device, CapabilityClass::Irq>(through, RightRead, line,
        RightReceive | RightRead);
    if (handle.is_error()) {
        line->abandon();
        return handle.release_error();
    }
    auto routed = route_interrupt(*line, space, *TRY(space.entry_of(handle.value())),
        Executor::current().current_task().signals(), bit);
    if (routed.is_error()) {
        (void)space.erase(handle.value().space(), handle.value().slot(), handle.value().generation(), CapabilityClass::Irq);
        return routed.release_error();
    }
    return handle.release_value();
}

}
