/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * MSI-X entries as IrqCaps (ADR 0016) over the modelled PCI bus, its table in host memory so
 * the kernel's writes can be read back: the message the kernel writes, MSI-X enabled while an
 * entry is bound, mask-until-acknowledged, and the refusals an attacker would try — an entry
 * past the table, a function the caller does not hold, a read-only PciDevice, binding one
 * entry twice, binding after the PciDevice went, acknowledging through a revoked, foreign or
 * stale IrqCap — and the lifetime rule: removing the IrqCap, revoking the PciDevice entry it
 * was made through, or the Task ending masks the entry and frees the line.
 */

#include "../TestSupport.h"
#include "PciModel.h"
#include <catch2/catch.hpp>
#include <vectra/CallFrame.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/Capability.h>
#include <vectra/kernel/PciDevice.h>

using namespace vectra;
using test::ConfigModel;
using test::populate;

namespace {

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

/* The function's MSI-X table and PBA: BAR 2 of the modelled virtio function. */
alignas(4096) u32 s_table[1024];

constexpr PciMatch virtio_rng = PciMatch::by_id(0x1af4, 0x1005);
constexpr PciMatch no_msix = PciMatch::by_id(0x1b36, 0x0001);
constexpr SignalBit queue_bit { 5 };
constexpr u16 message_control = 0x52;

u32 entry_word(usize entry, usize word) { return s_table[entry * 4 + word]; }
bool entry_masked(usize entry) { return (entry_word(entry, 3) & 1) != 0; }

struct Machine {
    ConfigModel model;
    test::Arena arena { 1 * MiB };

    Machine()
    {
        /* As a device comes out of reset: every entry masked, no message. */
        for (usize entry = 0; entry < 4; ++entry) {
            for (usize word = 0; word < 3; ++word)
                s_table[entry * 4 + word] = 0;
            s_table[entry * 4 + 3] = 1;
        }
        populate(model, true, s_table);
        platform::PciHostBridge bridge;
        bridge.last_bus = 0;
        (void)kernel::pci_install(model, bridge);
    }

    u16 control() { return static_cast<u16>(model.at(0, 2, 0).get(message_control, 2)); }
    bool msix_enabled() { return (control() & 0x8000) != 0 && (control() & 0x4000) == 0; }

    auto fill()
    {
        return [this](Task& task) {
            auto& space = task.capabilities();
            auto* bus = MUST(arena.reticle().try_create<PciBusDevice>(&arena.reticle()));
            MUST(task.bundle().give("pci", space, MUST(space.mint<CapabilityClass::Device>(bus, RightRead))));
            auto* software = MUST(arena.reticle().try_create<InterruptLine>(platform::software_interrupt_line(), &arena.reticle()));
            MUST(task.bundle().give("irq-software", space,
                MUST(space.mint<CapabilityClass::Irq>(software, RightReceive | RightRead))));
            Reticle* memory = MUST(arena.reticle().try_carve(128 * KiB));
            MUST(task.bundle().give("memory", space, MUST(space.mint<CapabilityClass::Reticle>(memory, all_rights))));
        };
    }
};

/* The kernel's view of a line arriving, as the platform's handler reports it. */
void arrive(u32 line) { kernel::interrupt_arrived(line); }

/* What a driver Task starts from: the bus (here, to open functions itself), its Reticle, its function. */
struct Driver {
    DeviceCap bus;
    ReticleCap memory;
    PciDeviceCap device;
};

ErrorOr<Driver> open_virtio(Bundle& bundle)
{
    auto bus = TRY(bundle.take<DeviceCap>("pci"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto device = TRY(system::pci_open(bus, memory, virtio_rng));
    return Driver { std::move(bus), std::move(memory), std::move(device) };
}

}

TEST_CASE("an MSI-X entry as an IrqCap: the kernel writes the message, enables MSI-X, masks each arrival until acknowledged")
{
    Machine machine;
    static Machine* s_machine = &machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_virtio(bundle));
        auto& [bus, memory, device] = driver;
        if (s_machine->msix_enabled())
            return 1;
        auto irq = TRY(system::pci_interrupt(device, memory, 2, queue_bit));
        u32 line = TRY(system::interrupt_line(irq));
        if (entry_word(2, 2) != line || entry_word(2, 0) != 0xfee0'0000 || entry_word(2, 1) != 0 || entry_masked(2))
            return 2; /* hosted: address 0xfee00000, data the line */
        if (!entry_masked(0) || !entry_masked(1) || !entry_masked(3))
            return 3; /* nothing else touched */
        if (!s_machine->msix_enabled())
            return 4;
        if (TRY(system::describe(irq)).rights != (RightReceive | RightRead))
            return 5; /* not grantable: the route is this Task's */
        /* The line arrives: the bit is raised and the entry masked until acknowledged. */
        arrive(line);
        if (!entry_masked(2))
            return 6;
        if (system::wait(queue_bit.mask()) != queue_bit.mask())
            return 7;
        if (TRY(system::acknowledge_interrupt(irq)) != 1 || entry_masked(2))
            return 8;
        arrive(line);
        arrive(line); /* (a device holds a masked entry's message back; a second one still just sets the bit) */
        if (TRY(system::acknowledge_interrupt(irq)) != 3)
            return 9;
        if (system::wait(queue_bit.mask()) != queue_bit.mask())
            return 10;
        /* Routed when made: bind_interrupt cannot move it to another bit. */
        if (code_of(system::bind_interrupt(irq, SignalBit(6))) != ErrorCode::AlreadyExists)
            return 11;
        /* A second entry gets a line of its own. */
        auto other = TRY(system::pci_interrupt(device, memory, 3, SignalBit(6)));
        if (TRY(system::interrupt_line(other)) == line || entry_masked(3))
            return 12;
        /* Removing one IrqCap masks its entry; MSI-X stays on for the other. */
        TRY(system::remove(std::move(other)));
        if (!entry_masked(3) || !s_machine->msix_enabled())
            return 13;
        TRY(system::remove(std::move(irq)));
        if (!entry_masked(2) || s_machine->msix_enabled())
            return 14;
        /* Its line is free again: the next arrival raises nothing. */
        arrive(line);
        if (system::take_pending(queue_bit.mask()) != 0)
            return 15;
        return 0;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("pci_interrupt refuses an entry past the table, a function without MSI-X, a read-only or foreign PciDevice, a twice-bound entry")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_virtio(bundle));
        auto& [bus, memory, device] = driver;
        if (code_of(system::pci_interrupt(device, memory, 4, queue_bit)) != ErrorCode::InvalidArgument)
            return 1;
        /* Raw frames: entries and bits the 16-bit wrapper could not even express. */
        kernel::CallFrame frame;
        frame.number = u64(kernel::Call::PciInterrupt);
        frame.arguments[0] = kernel::handle_word({ device.space(), device.slot(), device.generation() });
        frame.arguments[1] = device.generation();
        frame.arguments[2] = kernel::handle_word({ memory.space(), memory.slot(), memory.generation() });
        frame.arguments[3] = memory.generation();
        frame.arguments[4] = (u64(1) << 32) | 0;
        frame.arguments[5] = queue_bit.index();
        kernel::enter(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument))
            return 2;
        frame.arguments[4] = 0;
        frame.arguments[5] = 64;
        kernel::enter(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument))
            return 3;
        auto other = TRY(system::pci_open(bus, memory, no_msix));
        if (code_of(system::pci_interrupt(other, memory, 0, queue_bit)) != ErrorCode::NotFound)
            return 4;
        auto reader = TRY(system::attenuate(device, RightRead));
        if (code_of(system::pci_interrupt(reader, memory, 0, queue_bit)) != ErrorCode::MissingRight)
            return 5;
        auto no_retype = TRY(system::attenuate(memory, RightGrant));
        if (code_of(system::pci_interrupt(device, no_retype, 0, queue_bit)) != ErrorCode::MissingRight)
            return 6;
        /* A PciDeviceCap of another space, or one guessed in this space: not this caller's function. */
        PciDeviceCap foreign(device.space() + 1, device.slot(), device.generation());
        if (code_of(system::pci_interrupt(foreign, memory, 0, queue_bit)) != ErrorCode::ForeignHandle)
            return 7;
        PciDeviceCap guessed(device.space(), static_cast<u16>(device.slot() + 20), 1);
        if (code_of(system::pci_interrupt(guessed, memory, 0, queue_bit)) == ErrorCode::None)
            return 8;
        /* The wrong class: an IrqCap's handle named as a PciDeviceCap. */
        auto software = TRY(bundle.take<IrqCap>("irq-software"));
        PciDeviceCap wrong(software.space(), software.slot(), software.generation());
        if (code_of(system::pci_interrupt(wrong, memory, 0, queue_bit)) != ErrorCode::WrongClass)
            return 9;
        auto irq = TRY(system::pci_interrupt(device, memory, 0, queue_bit));
        if (code_of(system::pci_interrupt(device, memory, 0, SignalBit(7))) != ErrorCode::Busy)
            return 10;
        /* The software line needs no acknowledge. */
        if (code_of(system::acknowledge_interrupt(software)) != ErrorCode::InvalidArgument)
            return 11;
        (void)irq;
        return 0;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("acknowledging through a revoked, foreign or stale IrqCap, or binding after the PciDevice went, is refused")
{
    Machine machine;
    static Machine* s_machine = &machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_virtio(bundle));
        auto& [bus, memory, device] = driver;
        /* Bound through a copy: revoking the original's children takes the copy, and the line with it. */
        auto copy = TRY(system::attenuate(device, RightRead | RightWrite | RightGrant));
        auto irq = TRY(system::pci_interrupt(copy, memory, 1, queue_bit));
        u32 line = TRY(system::interrupt_line(irq));
        TRY(system::revoke(device));
        if (code_of(system::acknowledge_interrupt(irq)) != ErrorCode::Revoked)
            return 1;
        if (code_of(system::interrupt_line(irq)) != ErrorCode::Revoked)
            return 2;
        if (!entry_masked(1) || s_machine->msix_enabled())
            return 3;
        arrive(line);
        if (system::take_pending(queue_bit.mask()) != 0)
            return 4;
        /* The entry is free to bind again, through the original. */
        auto again = TRY(system::pci_interrupt(device, memory, 1, queue_bit));
        /* Stale: a removed IrqCap's handle; foreign: another space's slot. */
        IrqCap kept(again.space(), again.slot(), again.generation());
        IrqCap foreign(again.space() + 1, again.slot(), again.generation());
        if (code_of(system::acknowledge_interrupt(foreign)) != ErrorCode::ForeignHandle)
            return 5;
        TRY(system::remove(std::move(again)));
        if (code_of(system::acknowledge_interrupt(kept)) != ErrorCode::StaleHandle)
            return 6;
        /* After the PciDevice went: its handle is stale, and nothing binds through it. */
        auto bound = TRY(system::pci_interrupt(device, memory, 2, queue_bit));
        PciDeviceCap gone(device.space(), device.slot(), device.generation());
        TRY(system::remove(std::move(device)));
        if (code_of(system::pci_interrupt(gone, memory, 3, queue_bit)) != ErrorCode::StaleHandle)
            return 7;
        if (code_of(system::acknowledge_interrupt(bound)) != ErrorCode::Revoked || !entry_masked(2))
            return 8;
        if (s_machine->msix_enabled())
            return 9;
        return 0;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("lifetime: a Task that ends holding an MSI-X IrqCap leaves the entry masked, MSI-X off and the line free")
{
    Machine machine;
    static u32 s_line = 0;
    auto first = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_virtio(bundle));
        auto& [bus, memory, device] = driver;
        auto irq = TRY(system::pci_interrupt(device, memory, 0, queue_bit));
        s_line = TRY(system::interrupt_line(irq));
        return 0; /* exits holding both */
    });
    REQUIRE(first.value() == 0);
    CHECK(entry_masked(0));
    CHECK_FALSE(machine.msix_enabled());
    arrive(s_line); /* no route: counted as spurious, raises nothing, touches no freed memory */
    /* A restarted driver opens the function again and binds the same entry, on a free line. */
    auto second = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_virtio(bundle));
        auto& [bus, memory, device] = driver;
        auto irq = TRY(system::pci_interrupt(device, memory, 0, queue_bit));
        if (TRY(system::interrupt_line(irq)) != s_line)
            return 1; /* the lowest free line again: the first one was returned */
        arrive(s_line);
        return system::wait(queue_bit.mask()) == queue_bit.mask() ? 0 : 2;
    });
    REQUIRE(second.value() == 0);
    CHECK(entry_masked(0));
    CHECK_FALSE(machine.msix_enabled());
}
