/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The i8042 keyboard controller as a capability (ADR 0031 amendment 2026-12-06): a DeviceCap of
 * kind I8042, minted for initd (read, write, grant, revoke) only when the platform has one
 * (vectra/platform/I8042.h; x86_64) and granted by the boot manifest ("device": "i8042").
 *
 *  - its holder reads (RightRead) and writes (RightWrite) one byte at a time, and only ports
 *    0x60 (data) and 0x64 (status; commands when written): no other port is reachable through it;
 *  - its keyboard line (ISA IRQ 1, through the I/O APIC) as an IrqCap (receive, read; not
 *    grantable) routed to a Signal bit of the caller, masked at the controller from each arrival
 *    until acknowledge_interrupt, as a virtio-mmio slot's line. One binding at a time: a second
 *    is Busy until the first is gone. Deleting the DeviceCap entry it was made through, its
 *    IrqCap, or the Task ending masks and unroutes the line.
 *
 * The ports are reached through I8042Access: the platform's on a machine, a model in host tests.
 */

#pragma once

#include <vectra/kernel/Console.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/kernel/Reticle.h>

namespace vectra {

class I8042Device final : public Device {
public:
    explicit I8042Device(KernelObject* origin = nullptr)
        : Device(Kind::I8042, origin)
    {
    }

private:
    friend class InterruptLine;
    friend class kernel::MessageInterrupts;

    void capability_deleted(CapabilityEntry const&) override;
    void capability_moved(CapabilityEntry const& from, CapabilityEntry const& to) override;

    InterruptLine* m_interrupt { nullptr }; /* the line bound and not yet released */
};

}

namespace vectra::kernel {

/* The controller's two ports: the platform's, or a host test's model. */
class I8042Access {
public:
    virtual u8 read(u16 port) = 0;
    virtual void write(u16 port, u8 value) = 0;

protected:
    ~I8042Access() = default;
};

/* The controller the kernel confines capabilities to (`access` nullptr: none), and its line. */
void i8042_install(I8042Access* access, u32 line);
/* Install the platform's controller when it has one. */
void i8042_boot();
[[nodiscard]] bool i8042_present();

/* Port 0x60 or 0x64 (InvalidArgument otherwise), RightRead on a DeviceCap of kind I8042. */
[[nodiscard]] ErrorOr<u8> i8042_read(CapabilitySpace&, DeviceCap const&, u64 port);
/* Port 0x60 or 0x64, a byte (InvalidArgument otherwise), RightWrite. */
[[nodiscard]] ErrorOr<void> i8042_write(CapabilitySpace&, DeviceCap const&, u64 port, u64 value);
/* The keyboard line as an IrqCap (RightWrite on the controller) routed to `bit` of the caller's mask. */
[[nodiscard]] ErrorOr<IrqCap> i8042_interrupt(CapabilitySpace&, DeviceCap const&, ReticleCap const& memory, SignalBit);

}
