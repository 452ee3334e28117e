/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A PCI function's INTx pin as an IrqCap (ADR 0021), through the same pci_interrupt call as an
 * MSI-X entry (entry pci_interrupt_intx). The platform names the level-triggered line the pin
 * is wired to (platform::pci_intx_line); several functions may share it, each with an IrqCap
 * of its own. An arrival masks the line and raises every bound holder's bit (Interrupts.cpp);
 * the line is unmasked once each of them acknowledged, so a function that keeps its pin
 * asserted gets one interrupt per acknowledge, never a storm. A function interrupts through
 * INTx or through MSI-X entries, not both (the device drops INTx while MSI-X is on).
 */

#include "MessageInterrupts.h"
#include "NewObjects.h"
#include <vectra/Try.h>
#include <vectra/kernel/Executor.h>
#include <vectra/platform/Pci.h>

namespace vectra::kernel {

namespace {

constexpr u16 interrupt_pin_register = 0x3d; /* 0: none, 1-4: INTA-INTD */
constexpr u16 command_interrupt_disable = 1u << 10;

/* The function's INTx assertion on (the kernel bound its pin) or off (no holder would acknowledge). */
void set_intx_enabled(pci::Function const& function, bool enabled)
{
    auto& access = pci_config_access();
    u16 command = static_cast<u16>(access.read(function.address, pci::Command, 2));
    command = static_cast<u16>(enabled ? command & ~command_interrupt_disable : command | command_interrupt_disable);
    access.write(function.address, pci::Command, 2, command);
}

}

ErrorOr<IrqCap> MessageInterrupts::bind_intx(
    CapabilitySpace& space, PciDeviceCap const& capability, ReticleCap const& memory, SignalBit bit)
{
    PciDevice* device = TRY(space.lookup(capability, RightWrite));
    CapabilityEntry const* through = TRY(space.entry_of(capability));
    Reticle* reticle = TRY(space.lookup(memory, RightRetype));
    auto const& function = device->function();
    auto pin = static_cast<u8>(pci_config_access().read(function.address, interrupt_pin_register, 1));
    if (pin == 0 || pin > 4)
        return Error(ErrorCode::NotFound, "the function has no INTx pin");
    if (device->m_interrupts && device->m_interrupts->is_level())
        return Error(ErrorCode::Busy, "the function's INTx pin is already bound");
    if (device->m_interrupts)
        return Error(ErrorCode::Busy, "the function's MSI-X entries are bound: it interrupts through them");
    u32 number = 0;
    auto const& address = function.address;
    if (!platform::pci_intx_line(address.bus, address.device, address.function, pin, number))
        return Error(ErrorCode::Unsupported, "the platform cannot tell which line the function's INTx pin raises");
    auto handle = bind_line(space, *device, *through, *reticle, number, bit);
    /* Whatever happened, the shared line is live again for the functions bound on it (if none awaits). */
    settle_level_line(number);
    if (handle.is_error())
        return handle.release_error();
    set_intx_enabled(function, true);
    return handle.release_value();
}

ErrorOr<IrqCap> MessageInterrupts::bind_line(CapabilitySpace& space, PciDevice& device, CapabilityEntry const& through,
    Reticle& reticle, u32 number, SignalBit bit)
{
    if (interrupt_line_routed_exclusively(number))
        return Error(ErrorCode::Busy, "the INTx pin's line is routed as a platform line");
    TRY(check_room_to_route(space));
    InterruptLine* line
        = TRY(reticle.try_create<InterruptLine>(number, device, through, nullptr, pci_interrupt_intx, &reticle));
    return name_and_route(space, *line, bit);
}

ErrorOr<void> MessageInterrupts::acknowledge_intx(InterruptLine& line)
{
    if (line.m_message.released)
        return Error(ErrorCode::Revoked, "the PciDevice capability this line was made through is gone");
    if (!line.is_routed())
        return Error(ErrorCode::Revoked, "the line's route ended");
    line.m_message.awaiting = false;
    settle_level_line(line.line());
    return {};
}

void MessageInterrupts::release_intx(InterruptLine& line)
{
    line.m_message.released = true;
    /* Off first: a function nobody acknowledges must not hold a shared line masked. */
    set_intx_enabled(line.m_message.device->function(), false);
    unroute_interrupt(line);
    unlink(line);
}

}
