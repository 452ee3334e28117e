/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio-mmio slots as capabilities (ADR 0025 §2) over modelled windows (MmioSlotModel.h): the
 * occupied slots kept at boot, open by device id and index, one holder per slot, registers
 * held to the window, Status reset when the entry that started the device goes; the slot's
 * interrupt as an IrqCap masked from each arrival until acknowledged. And the refusals an
 * attacker would try: a Task not granted the slots, a guessed or foreign slot handle, an offset
 * past the window or unaligned, a value wider than a register, a read-only copy writing or
 * binding, a second bind, acknowledging through a revoked, foreign or stale IrqCap, and a Task
 * ending while it holds the slot and its IrqCap.
 */

#include "../TestSupport.h"
#include "MmioSlotModel.h"
#include <catch2/catch.hpp>
#include <vectra/CallFrame.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/Capability.h>
#include <vectra/kernel/MmioSlot.h>
#include <vectra/platform/hosted/IntxLines.h>

using namespace vectra;

namespace {

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

constexpr u32 entropy = 4;
constexpr u32 block = 2;
constexpr SignalBit queue_bit { 5 };

test::MmioSlotModel s_model;

struct Machine {
    test::Arena arena { 1 * MiB };
    usize kept { s_model.install() };
    bool grant_slots { true };

    auto fill()
    {
        return [this](Task& task) {
            auto& space = task.capabilities();
            if (grant_slots) {
                auto* slots = MUST(arena.reticle().try_create<MmioBusDevice>(&arena.reticle()));
                MUST(task.bundle().give("virtio-mmio", space, MUST(space.mint<CapabilityClass::Device>(slots, RightRead))));
            }
            Reticle* memory = MUST(arena.reticle().try_carve(128 * KiB));
            MUST(task.bundle().give("memory", space, MUST(space.mint<CapabilityClass::Reticle>(memory, all_rights))));
        };
    }
};

void arrive(u32 line) { kernel::interrupt_arrived(line); }

struct Driver {
    DeviceCap slots;
    ReticleCap memory;
    VirtioMmioSlotCap slot;
};

ErrorOr<Driver> open_slot(Bundle& bundle, u32 device_id, u32 index = 0)
{
    auto slots = TRY(bundle.take<DeviceCap>("virtio-mmio"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto slot = TRY(system::mmio_slot_open(slots, memory, device_id, index));
    return Driver { std::move(slots), std::move(memory), std::move(slot) };
}

kernel::CallFrame raw_frame(kernel::Call call, VirtioMmioSlotCap const& slot)
{
    kernel::CallFrame frame;
    frame.number = u64(call);
    frame.arguments[0] = kernel::handle_word({ slot.space(), slot.slot(), slot.generation() });
    frame.arguments[1] = slot.generation();
    return frame;
}

}

TEST_CASE("the kernel keeps the occupied slots: virtio magic, version 1 or 2, a device id")
{
    Machine machine;
    REQUIRE(machine.kept == 3);
    REQUIRE(kernel::mmio_slots_present() == 3);
    for (usize slot = 0; slot < test::MmioSlotModel::slot_count; ++slot)
        CHECK(platform::hosted::slot_line_masked(test::MmioSlotModel::line(slot)));
}

TEST_CASE("a slot opened by device id and index: described, its registers read and written inside its window only")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_slot(bundle, entropy));
        auto& [slots, memory, slot] = driver;
        auto info = TRY(system::mmio_slot_describe(slot));
        if (info.device_id != entropy || info.version != 2 || info.size != 0x200 || info.line != s_model.line(0) || info.level)
            return 1;
        if (TRY(system::mmio_slot_read(slot, 0)) != test::MmioSlotModel::magic || TRY(system::mmio_slot_read(slot, 8)) != entropy)
            return 2;
        TRY(system::mmio_slot_write(slot, 0x30, 7));
        TRY(system::mmio_slot_write(slot, 0x1fc, 0xdead'beef)); /* the window's last word */
        if (s_model.reg(0, 0x30) != 7 || s_model.reg(0, 0x1fc) != 0xdead'beef || TRY(system::mmio_slot_read(slot, 0x1fc)) != 0xdead'beef)
            return 3;
        /* Past the window, straddling its end, unaligned, near 2^64 (no wrap): refused, nothing written. */
        for (u32 offset : { 0x200u, 0x1feu, 0x31u, 0x1000u, 0xffff'fffcu }) {
            if (code_of(system::mmio_slot_read(slot, offset)) != ErrorCode::InvalidArgument)
                return 4;
            if (code_of(system::mmio_slot_write(slot, offset, 1)) != ErrorCode::InvalidArgument)
                return 5;
        }
        auto frame = raw_frame(kernel::Call::MmioSlotRead, slot);
        frame.arguments[2] = ~u64(3); /* 2^64 - 4: offset + 4 would wrap to 0 */
        kernel::enter(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument))
            return 6;
        frame = raw_frame(kernel::Call::MmioSlotWrite, slot);
        frame.arguments[2] = 0x30;
        frame.arguments[3] = u64(1) << 32; /* wider than a register */
        kernel::enter(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument) || s_model.reg(0, 0x30) != 7)
            return 7;
        /* The other slots: the second rng by index; the block slot by id; nothing more. */
        auto second = TRY(system::mmio_slot_open(slots, memory, entropy, 1));
        auto second_info = TRY(system::mmio_slot_describe(second));
        if (second_info.version != 1 || second_info.line != s_model.line(3))
            return 8;
        auto disk = TRY(system::mmio_slot_open(slots, memory, block));
        auto disk_info = TRY(system::mmio_slot_describe(disk));
        if (!disk_info.level || disk_info.line != s_model.line(2))
            return 9;
        if (code_of(system::mmio_slot_open(slots, memory, entropy, 2)) != ErrorCode::NotFound)
            return 10;
        if (code_of(system::mmio_slot_open(slots, memory, 99)) != ErrorCode::NotFound)
            return 11;
        if (code_of(system::mmio_slot_open(slots, memory, 0)) != ErrorCode::InvalidArgument)
            return 12; /* an empty slot is nobody's */
        /* One holder at a time. */
        if (code_of(system::mmio_slot_open(slots, memory, entropy)) != ErrorCode::Busy)
            return 13;
        /* A read-only copy neither writes nor binds. */
        auto reader = TRY(system::attenuate(slot, RightRead));
        if (TRY(system::mmio_slot_read(reader, 8)) != entropy)
            return 14;
        if (code_of(system::mmio_slot_write(reader, 0x30, 1)) != ErrorCode::MissingRight)
            return 15;
        if (code_of(system::mmio_slot_interrupt(reader, memory, queue_bit)) != ErrorCode::MissingRight)
            return 16;
        /* DMA addresses: the slot's write right first; the hosted platform has no device addresses at all. */
        auto shared = TRY(system::create_memory(memory, 4096));
        if (code_of(system::mmio_slot_dma_address(reader, shared)) != ErrorCode::MissingRight)
            return 18;
        if (code_of(system::mmio_slot_dma_address(slot, shared)) != ErrorCode::Unsupported)
            return 19;
        /* Once every capability is gone the slot opens again. */
        TRY(system::remove(std::move(reader)));
        TRY(system::remove(std::move(slot)));
        auto again = TRY(system::mmio_slot_open(slots, memory, entropy));
        return TRY(system::mmio_slot_describe(again)).line == s_model.line(0) ? 0 : 17;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("a slot not granted: no slots DeviceCap, a guessed or foreign slot handle, another DeviceCap kind")
{
    Machine machine;
    machine.grant_slots = false;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        if (!bundle.take<DeviceCap>("virtio-mmio").is_error())
            return 1;
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        /* Handles it was never given: guessed in its own space, or another space's. */
        for (u16 slot = 0; slot < 8; ++slot) {
            VirtioMmioSlotCap guessed(memory.space(), slot, 1);
            if (code_of(system::mmio_slot_read(guessed, 0)) == ErrorCode::None)
                return 2;
            DeviceCap bus(memory.space(), slot, 1);
            if (code_of(system::mmio_slot_open(bus, memory, entropy)) == ErrorCode::None)
                return 3;
        }
        VirtioMmioSlotCap foreign(memory.space() + 1, 0, 1);
        if (code_of(system::mmio_slot_write(foreign, kernel::mmio_slot_status, 0)) != ErrorCode::ForeignHandle)
            return 4;
        /* The Reticle is not a DeviceCap. */
        DeviceCap wrong(memory.space(), memory.slot(), memory.generation());
        if (code_of(system::mmio_slot_open(wrong, memory, entropy)) != ErrorCode::WrongClass)
            return 5;
        return 0;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("a slot's interrupt as an IrqCap: masked at each arrival until acknowledged, one binding, unrouted when removed")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_slot(bundle, entropy));
        auto& [slots, memory, slot] = driver;
        u32 line = s_model.line(0);
        auto irq = TRY(system::mmio_slot_interrupt(slot, memory, queue_bit));
        if (TRY(system::interrupt_line(irq)) != line || platform::hosted::slot_line_masked(line))
            return 1;
        if (TRY(system::describe(irq)).rights != (RightReceive | RightRead))
            return 2; /* not grantable: the route is this Task's */
        arrive(line);
        if (!platform::hosted::slot_line_masked(line))
            return 3; /* masked from the arrival */
        if (system::wait(queue_bit.mask()) != queue_bit.mask())
            return 4;
        if (TRY(system::acknowledge_interrupt(irq)) != 1 || platform::hosted::slot_line_masked(line))
            return 5;
        arrive(line);
        if (TRY(system::acknowledge_interrupt(irq)) != 2 || system::wait(queue_bit.mask()) != queue_bit.mask())
            return 6;
        if (code_of(system::mmio_slot_interrupt(slot, memory, SignalBit(6))) != ErrorCode::Busy)
            return 7;
        if (code_of(system::bind_interrupt(irq, SignalBit(6))) != ErrorCode::AlreadyExists)
            return 8;
        /* A level slot works the same way: one arrival per acknowledge. */
        auto disk = TRY(system::mmio_slot_open(slots, memory, block));
        auto disk_irq = TRY(system::mmio_slot_interrupt(disk, memory, SignalBit(7)));
        arrive(s_model.line(2));
        arrive(s_model.line(2));
        if (!platform::hosted::slot_line_masked(s_model.line(2)) || TRY(system::acknowledge_interrupt(disk_irq)) != 2)
            return 9;
        if (platform::hosted::slot_line_masked(s_model.line(2)))
            return 10;
        /* Removing the IrqCap masks and unroutes the line: a later arrival raises nothing. */
        TRY(system::remove(std::move(irq)));
        (void)system::take_pending(queue_bit.mask());
        if (!platform::hosted::slot_line_masked(line))
            return 11;
        arrive(line);
        if (system::take_pending(queue_bit.mask()) != 0)
            return 12;
        /* The slot binds again. */
        auto again = TRY(system::mmio_slot_interrupt(slot, memory, queue_bit));
        return TRY(system::interrupt_line(again)) == line ? 0 : 13;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("acknowledging through a revoked, foreign or stale IrqCap is refused; revoking the starting copy resets the device")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_slot(bundle, entropy));
        auto& [slots, memory, slot] = driver;
        u32 line = s_model.line(0);
        /* A copy starts the device and binds its line; revoking the original's children takes both back. */
        auto copy = TRY(system::attenuate(slot, RightRead | RightWrite | RightGrant));
        TRY(system::mmio_slot_write(copy, kernel::mmio_slot_status, 0xf));
        auto irq = TRY(system::mmio_slot_interrupt(copy, memory, queue_bit));
        TRY(system::revoke(slot));
        if (s_model.status(0) != 0)
            return 1; /* reset: the device stops using its queues */
        if (code_of(system::acknowledge_interrupt(irq)) != ErrorCode::Revoked)
            return 2;
        if (code_of(system::interrupt_line(irq)) != ErrorCode::Revoked)
            return 3;
        if (!platform::hosted::slot_line_masked(line))
            return 4;
        arrive(line);
        if (system::take_pending(queue_bit.mask()) != 0)
            return 5;
        /* The original binds again; stale and foreign handles of it are refused. */
        auto again = TRY(system::mmio_slot_interrupt(slot, memory, queue_bit));
        IrqCap kept(again.space(), again.slot(), again.generation());
        IrqCap foreign(again.space() + 1, again.slot(), again.generation());
        if (code_of(system::acknowledge_interrupt(foreign)) != ErrorCode::ForeignHandle)
            return 6;
        TRY(system::remove(std::move(again)));
        if (code_of(system::acknowledge_interrupt(kept)) != ErrorCode::StaleHandle)
            return 7;
        /* A write of Status 0 through an entry forgets it; a later start through the original is reset when it goes. */
        TRY(system::mmio_slot_write(slot, kernel::mmio_slot_status, 0x7));
        auto bound = TRY(system::mmio_slot_interrupt(slot, memory, queue_bit));
        VirtioMmioSlotCap gone(slot.space(), slot.slot(), slot.generation());
        TRY(system::remove(std::move(slot)));
        if (s_model.status(0) != 0 || code_of(system::acknowledge_interrupt(bound)) != ErrorCode::Revoked)
            return 8;
        if (code_of(system::mmio_slot_read(gone, 0)) != ErrorCode::StaleHandle)
            return 9;
        return 0;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("lifetime: a Task that ends holding a started slot and its IrqCap leaves the device reset, the line masked, the slot free")
{
    Machine machine;
    auto first = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_slot(bundle, block));
        auto& [slots, memory, slot] = driver;
        TRY(system::mmio_slot_write(slot, kernel::mmio_slot_status, 0xf));
        [[maybe_unused]] auto irq = TRY(system::mmio_slot_interrupt(slot, memory, queue_bit));
        arrive(s_model.line(2));
        return 0; /* exits holding both, unacknowledged */
    });
    REQUIRE(first.value() == 0);
    CHECK(s_model.status(2) == 0);
    CHECK(platform::hosted::slot_line_masked(s_model.line(2)));
    arrive(s_model.line(2)); /* no route: spurious, raises nothing, touches no freed memory */
    /* A restarted driver opens the slot again and binds its line. */
    auto second = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto driver = TRY(open_slot(bundle, block));
        auto& [slots, memory, slot] = driver;
        auto irq = TRY(system::mmio_slot_interrupt(slot, memory, queue_bit));
        arrive(s_model.line(2));
        if (system::wait(queue_bit.mask()) != queue_bit.mask())
            return 1;
        return TRY(system::acknowledge_interrupt(irq)) == 1 ? 0 : 2;
    });
    REQUIRE(second.value() == 0);
    CHECK(platform::hosted::slot_line_masked(s_model.line(2)));
}
