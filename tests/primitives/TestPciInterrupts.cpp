/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * MSI-X entries as IrqCaps (ADR 0016) over the modelled PCI bus, its table in host memory so
 * the kernel's writes can be read back: the message the kernel writes, MSI-X enabled while an
 * entry is bound, mask-until-acknowledged, and the refusals an attacker would try — an entry
 * past the table, a function the caller does not hold, a read-only PciDevice, binding one
 * entry twice, binding after the PciDevice went, acknowledging through a revoked, foreign or
 * stale IrqCap — and the lifetime rule: removing the IrqCap, revoking the PciDevice entry it
 * was made through, or the Task ending masks the entry and frees the line. And INTx pins
 * (ADR 0021): a level line masked from arrival until every function bound on it acknowledged,
 * shared lines, the refusals and the same lifetime rules.
 */

#include "../TestSupport.h"
#include "PciModel.h"
#include <catch2/catch.hpp>
#include <vectra/CallFrame.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/Capability.h>
#include <vectra/kernel/PciDevice.h>
#include <vectra/platform/hosted/IntxLines.h>

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

/* --- INTx pins (ADR 0021) ------------------------------------------------------------------ */

namespace {

constexpr PciMatch shared_pin = PciMatch::by_id(0x1b36, 0x0001); /* 0:3.0 INTD, on 0:2.0's INTA wire */
constexpr PciMatch no_pin = PciMatch::by_id(0x1b36, 0x0002);
constexpr PciMatch bad_pin = PciMatch::by_id(0x1b36, 0x0003);
constexpr u32 shared_line = platform::hosted::first_intx_line + 2; /* (2 + 1 - 1) % 4 and (3 + 4 - 1) % 4 */
constexpr u16 interrupt_disable = 1u << 10;

bool line_masked() { return platform::hosted::intx_line_masked(shared_line); }

}

TEST_CASE("an INTx pin as an IrqCap: a level line masked at each arrival until acknowledged, the function's INTx on only while bound")
{
    Machine machine;
    static Machine* s_machine = &machine;
    machine.model.at(0, 2, 0).put(0x04, 2, interrupt_disable); /* as a driver that turned INTx off left it */
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_virtio(bundle));
        auto& [bus, memory, device] = driver;
        auto command = [] { return s_machine->model.at(0, 2, 0).get(0x04, 2); };
        if (!line_masked())
            return 1;
        auto irq = TRY(system::pci_interrupt(device, memory, pci_interrupt_intx, queue_bit));
        if (TRY(system::interrupt_line(irq)) != shared_line || line_masked() || (command() & interrupt_disable))
            return 2;
        if (TRY(system::describe(irq)).rights != (RightReceive | RightRead))
            return 3;
        if (s_machine->msix_enabled())
            return 4; /* INTx binds no MSI-X */
        arrive(shared_line);
        if (!line_masked())
            return 5; /* level: masked at arrival, or it would fire again at once */
        if (system::wait(queue_bit.mask()) != queue_bit.mask())
            return 6;
        if (TRY(system::acknowledge_interrupt(irq)) != 1 || line_masked())
            return 7;
        arrive(shared_line);
        if (TRY(system::acknowledge_interrupt(irq)) != 2 || system::take_pending(queue_bit.mask()) != queue_bit.mask())
            return 8;
        /* Routed when made; one pin, one binding; INTx or MSI-X, not both. */
        if (code_of(system::bind_interrupt(irq, SignalBit(6))) != ErrorCode::AlreadyExists)
            return 9;
        if (code_of(system::pci_interrupt(device, memory, pci_interrupt_intx, SignalBit(6))) != ErrorCode::Busy)
            return 10;
        if (code_of(system::pci_interrupt(device, memory, 0, SignalBit(6))) != ErrorCode::Busy)
            return 11;
        /* Removed: the line masked (nobody else is bound on it), the function's INTx off, arrivals raise nothing. */
        TRY(system::remove(std::move(irq)));
        if (!line_masked() || !(command() & interrupt_disable))
            return 12;
        arrive(shared_line);
        if (system::take_pending(queue_bit.mask()) != 0)
            return 13;
        /* Now MSI-X may be bound, and then INTx is Busy. */
        auto entry = TRY(system::pci_interrupt(device, memory, 0, queue_bit));
        if (code_of(system::pci_interrupt(device, memory, pci_interrupt_intx, SignalBit(6))) != ErrorCode::Busy)
            return 14;
        (void)entry;
        return 0;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("a shared INTx line: each function its own IrqCap, the line masked until every bound holder acknowledged")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_virtio(bundle));
        auto& [bus, memory, device] = driver;
        auto other = TRY(system::pci_open(bus, memory, shared_pin));
        constexpr SignalBit other_bit { 6 };
        u64 both = queue_bit.mask() | other_bit.mask();
        auto first = TRY(system::pci_interrupt(device, memory, pci_interrupt_intx, queue_bit));
        auto second = TRY(system::pci_interrupt(other, memory, pci_interrupt_intx, other_bit));
        if (TRY(system::interrupt_line(second)) != shared_line || line_masked())
            return 1;
        /* One arrival: the kernel cannot tell which function asserted the wire, so both hear it. */
        arrive(shared_line);
        if (system::take_pending(both) != both || !line_masked())
            return 2;
        if (TRY(system::acknowledge_interrupt(first)) != 1 || !line_masked())
            return 3; /* the other function may still hold the wire asserted */
        if (TRY(system::acknowledge_interrupt(first)) != 1 || !line_masked())
            return 4; /* acknowledging twice does not stand in for the other holder */
        if (TRY(system::acknowledge_interrupt(second)) != 1 || line_masked())
            return 5;
        /* A holder that goes while the others wait on it no longer keeps the line masked. */
        arrive(shared_line);
        (void)system::take_pending(both);
        TRY(system::acknowledge_interrupt(first));
        TRY(system::remove(std::move(second)));
        if (line_masked())
            return 6;
        arrive(shared_line);
        if (system::take_pending(both) != queue_bit.mask())
            return 7;
        TRY(system::acknowledge_interrupt(first));
        /* The last holder gone: masked. */
        TRY(system::remove(std::move(first)));
        return line_masked() ? 0 : 8;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("pci_interrupt for INTx refuses a function without a pin, an impossible pin, a read-only or foreign PciDevice, a platform line's wire")
{
    Machine machine;
    static Machine* s_machine = &machine;
    auto fill = [&machine](Task& task) {
        machine.fill()(task);
        auto& space = task.capabilities();
        /* A platform IrqCap that happens to name the INTx wire's line. */
        auto* wire = MUST(machine.arena.reticle().try_create<InterruptLine>(shared_line, &machine.arena.reticle()));
        MUST(task.bundle().give("irq-wire", space, MUST(space.mint<CapabilityClass::Irq>(wire, RightReceive | RightRead))));
    };
    auto result = test::run_as_task(machine.arena.reticle(), fill, [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_virtio(bundle));
        auto& [bus, memory, device] = driver;
        auto without = TRY(system::pci_open(bus, memory, no_pin));
        if (code_of(system::pci_interrupt(without, memory, pci_interrupt_intx, queue_bit)) != ErrorCode::NotFound)
            return 1;
        auto impossible = TRY(system::pci_open(bus, memory, bad_pin));
        if (code_of(system::pci_interrupt(impossible, memory, pci_interrupt_intx, queue_bit)) != ErrorCode::NotFound)
            return 2;
        auto reader = TRY(system::attenuate(device, RightRead));
        if (code_of(system::pci_interrupt(reader, memory, pci_interrupt_intx, queue_bit)) != ErrorCode::MissingRight)
            return 3;
        PciDeviceCap foreign(device.space() + 1, device.slot(), device.generation());
        if (code_of(system::pci_interrupt(foreign, memory, pci_interrupt_intx, queue_bit)) != ErrorCode::ForeignHandle)
            return 4;
        /* A platform line routed on the wire: the pin may not share it; and the other way round. */
        auto wire = TRY(bundle.take<IrqCap>("irq-wire"));
        TRY(system::bind_interrupt(wire, SignalBit(7)));
        if (code_of(system::pci_interrupt(device, memory, pci_interrupt_intx, queue_bit)) != ErrorCode::Busy)
            return 5;
        TRY(system::remove(std::move(wire)));
        auto irq = TRY(system::pci_interrupt(device, memory, pci_interrupt_intx, queue_bit));
        /* Revoked through a copy: the binding goes, the line masked, the function's INTx off. */
        auto copy = TRY(system::attenuate(device, RightRead | RightWrite | RightGrant));
        auto through_copy = TRY(system::pci_open(bus, memory, shared_pin));
        auto second = TRY(system::pci_interrupt(through_copy, memory, pci_interrupt_intx, SignalBit(6)));
        TRY(system::remove(std::move(irq)));
        auto again = TRY(system::pci_interrupt(copy, memory, pci_interrupt_intx, queue_bit));
        TRY(system::revoke(device));
        if (code_of(system::acknowledge_interrupt(again)) != ErrorCode::Revoked)
            return 6;
        if (code_of(system::interrupt_line(again)) != ErrorCode::Revoked)
            return 7;
        if (!(s_machine->model.at(0, 2, 0).get(0x04, 2) & interrupt_disable))
            return 8;
        /* The other function still holds the wire: it stays usable. */
        if (line_masked())
            return 9;
        arrive(shared_line);
        if (system::take_pending(queue_bit.mask() | SignalBit(6).mask()) != SignalBit(6).mask())
            return 10;
        /* Stale and foreign IrqCaps acknowledge nothing. */
        IrqCap stranger(second.space() + 1, second.slot(), second.generation());
        if (code_of(system::acknowledge_interrupt(stranger)) != ErrorCode::ForeignHandle || !line_masked())
            return 11;
        IrqCap kept(again.space(), again.slot(), again.generation());
        TRY(system::remove(std::move(again)));
        if (code_of(system::acknowledge_interrupt(kept)) != ErrorCode::StaleHandle || !line_masked())
            return 12;
        TRY(system::acknowledge_interrupt(second));
        return line_masked() ? 13 : 0;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("lifetime: a Task that ends holding an INTx IrqCap leaves the line masked and the function's INTx off")
{
    Machine machine;
    auto first = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_virtio(bundle));
        auto& [bus, memory, device] = driver;
        auto irq = TRY(system::pci_interrupt(device, memory, pci_interrupt_intx, queue_bit));
        arrive(shared_line);
        (void)irq;
        return line_masked() ? 0 : 1; /* exits holding it, unacknowledged */
    });
    REQUIRE(first.value() == 0);
    CHECK(line_masked());
    CHECK((machine.model.at(0, 2, 0).get(0x04, 2) & interrupt_disable) != 0);
    arrive(shared_line); /* no route: spurious, raises nothing */
    auto second = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_virtio(bundle));
        auto& [bus, memory, device] = driver;
        auto irq = TRY(system::pci_interrupt(device, memory, pci_interrupt_intx, queue_bit));
        (void)irq;
        return line_masked() ? 1 : 0; /* a restarted driver starts with the line live */
    });
    REQUIRE(second.value() == 0);
}
