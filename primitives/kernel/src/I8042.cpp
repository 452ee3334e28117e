/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The i8042 keyboard controller as a capability (vectra/kernel/I8042.h, ADR 0031 amendment):
 * two ports, one byte at a time, and the keyboard line as an IrqCap masked from each arrival
 * until acknowledged.
 */

#include "MessageInterrupts.h"
#include "NewObjects.h"
#include <vectra/Try.h>
#include <vectra/kernel/I8042.h>
#include <vectra/platform/I8042.h>

namespace vectra::kernel {

namespace {

class PlatformI8042 final : public I8042Access {
public:
    u8 read(u16 port) override { return platform::i8042_read(port); }
    void write(u16 port, u8 value) override { platform::i8042_write(port, value); }
};

PlatformI8042 s_platform;
I8042Access* s_access = nullptr;
u32 s_line = 0;

ErrorOr<I8042Device*> controller_of(CapabilitySpace& space, DeviceCap const& handle, Rights needed)
{
    if (TRY(space.lookup(handle, 0))->kind() != Device::Kind::I8042)
        return Error(ErrorCode::WrongClass, "the DeviceCap names a device that is not the i8042");
    auto* device = static_cast<I8042Device*>(TRY(space.lookup(handle, needed)));
    if (!s_access)
        return Error(ErrorCode::Unsupported, "this machine has no i8042");
    return device;
}

ErrorOr<u16> port_of(u64 port)
{
    if (port != platform::i8042_data_port && port != platform::i8042_status_port)
        return Error(ErrorCode::InvalidArgument, "the i8042's ports are 0x60 and 0x64 only");
    return static_cast<u16>(port);
}

}

void i8042_install(I8042Access* access, u32 line)
{
    s_access = access;
    s_line = line;
}

void i8042_boot()
{
    if (platform::i8042_present())
        i8042_install(&s_platform, platform::i8042_line());
}

bool i8042_present() { return s_access != nullptr; }

ErrorOr<u8> i8042_read(CapabilitySpace& space, DeviceCap const& handle, u64 port)
{
    TRY(controller_of(space, handle, RightRead));
    return s_access->read(TRY(port_of(port)));
}

ErrorOr<void> i8042_write(CapabilitySpace& space, DeviceCap const& handle, u64 port, u64 value)
{
    TRY(controller_of(space, handle, RightWrite));
    u16 checked = TRY(port_of(port));
    if (value > 0xff)
        return Error(ErrorCode::InvalidArgument, "an i8042 port takes one byte");
    s_access->write(checked, static_cast<u8>(value));
    return {};
}

ErrorOr<IrqCap> MessageInterrupts::bind_i8042(CapabilitySpace& space, DeviceCap const& capability, ReticleCap const& memory,
    SignalBit bit)
{
    I8042Device* controller = TRY(controller_of(space, capability, RightWrite));
    CapabilityEntry const* through = TRY(space.entry_of(capability));
    Reticle* reticle = TRY(space.lookup(memory, RightRetype));
    if (controller->m_interrupt)
        return Error(ErrorCode::Busy, "the i8042's line is already bound");
    if (interrupt_line_routed(s_line))
        return Error(ErrorCode::Busy, "the i8042's line is routed to another holder");
    TRY(check_room_to_route(space));
    InterruptLine* line = TRY(reticle->try_create<InterruptLine>(s_line, *controller, *through, reticle));
    return name_and_route(space, *line, bit);
}

void MessageInterrupts::release_i8042(InterruptLine& line)
{
    auto& message = line.m_message;
    message.released = true;
    unroute_interrupt(line); /* masks the line */
    if (message.controller->m_interrupt == &line)
        message.controller->m_interrupt = nullptr;
    message.through = nullptr;
}

ErrorOr<IrqCap> i8042_interrupt(CapabilitySpace& space, DeviceCap const& controller, ReticleCap const& memory, SignalBit bit)
{
    return MessageInterrupts::bind_i8042(space, controller, memory, bit);
}

}

namespace vectra {

void I8042Device::capability_deleted(CapabilityEntry const& entry)
{
    if (m_interrupt && m_interrupt->m_message.through == &entry)
        kernel::MessageInterrupts::release(*m_interrupt);
}

void I8042Device::capability_moved(CapabilityEntry const& from, CapabilityEntry const& to)
{
    if (m_interrupt && m_interrupt->m_message.through == &from)
        m_interrupt->m_message.through = &to;
}

InterruptLine::InterruptLine(u32 line, I8042Device& controller, CapabilityEntry const& through, KernelObject* origin)
    : KernelObject(CapabilityClass::Irq, origin)
    , m_line(line)
{
    m_message.controller = &controller;
    m_message.through = &through;
    controller.m_interrupt = this;
    controller.retain();
}

}
