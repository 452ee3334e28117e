/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The i8042 keyboard controller as a capability (ADR 0031 amendment; vectra/kernel/I8042.h)
 * over a modelled controller: its holder reads and writes ports 0x60 and 0x64 one byte at a
 * time and binds the keyboard line as an IrqCap masked from each arrival until acknowledged.
 * And the refusals an attacker would try: any other port (the debug-exit port, COM1, the PIC,
 * the PIT speaker port next door, a port that wraps to 0x60 in 16 bits), a value past a byte, a
 * copy without the right, a Task not granted it guessing handles, a foreign handle, another
 * DeviceCap kind or a Reticle in its place, a second binding, acknowledging through a revoked or
 * stale IrqCap, a Task ending while it holds the line, and the calls on a machine without one
 * (hosted and aarch64).
 */

#include "../TestSupport.h"
#include "DeviceTestTask.h"
#include <catch2/catch.hpp>
#include <vector>
#include <vectra/CallFrame.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/Capability.h>
#include <vectra/kernel/I8042.h>
#include <vectra/platform/I8042.h>
#include <vectra/platform/hosted/IntxLines.h>

using namespace vectra;

namespace {

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

constexpr SignalBit keyboard_bit { 5 };
constexpr u32 line = platform::hosted::i8042_model_line;

/* A controller: the status byte at 0x64, bytes queued for 0x60, every write recorded. */
struct ControllerModel final : kernel::I8042Access {
    struct Write {
        u16 port;
        u8 value;
    };
    std::vector<u8> output;
    std::vector<Write> writes;
    std::vector<u16> ports_read;

    u8 read(u16 port) override
    {
        ports_read.push_back(port);
        if (port == platform::i8042_status_port)
            return output.empty() ? 0x00 : 0x01;
        if (output.empty())
            return 0x00;
        u8 byte = output.front();
        output.erase(output.begin());
        return byte;
    }
    void write(u16 port, u8 value) override { writes.push_back({ port, value }); }
};

ControllerModel s_model;

struct Machine {
    test::Arena arena { 1 * MiB };
    bool grant { true };
    bool installed { true };

    Machine()
    {
        s_model = {};
        kernel::i8042_install(&s_model, line);
    }
    ~Machine() { kernel::i8042_install(nullptr, 0); }

    auto fill()
    {
        return [this](Task& task) {
            auto& space = task.capabilities();
            if (grant) {
                auto* controller = MUST(arena.reticle().try_create<I8042Device>(&arena.reticle()));
                MUST(task.bundle().give("i8042", space,
                    MUST(space.mint<CapabilityClass::Device>(controller, RightRead | RightWrite | RightGrant | RightRevoke))));
            }
            test::give_console_and_memory(task, arena.reticle());
        };
    }
};

void arrive() { kernel::interrupt_arrived(line); }

kernel::CallFrame raw_frame(kernel::Call call, DeviceCap const& controller)
{
    kernel::CallFrame frame;
    frame.number = u64(call);
    frame.arguments[0] = kernel::handle_word({ controller.space(), controller.slot(), controller.generation() });
    frame.arguments[1] = controller.generation();
    return frame;
}

}

TEST_CASE("the holder reads and writes ports 0x60 and 0x64 only, one byte at a time")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto controller = TRY(bundle.take<DeviceCap>("i8042"));
        s_model.output = { 0x55 };
        if (TRY(system::i8042_read(controller, 0x64)) != 0x01 || TRY(system::i8042_read(controller, 0x60)) != 0x55)
            return 1;
        TRY(system::i8042_write(controller, 0x64, 0xad));
        TRY(system::i8042_write(controller, 0x60, 0x65));
        if (s_model.writes.size() != 2 || s_model.writes[0].port != 0x64 || s_model.writes[0].value != 0xad
            || s_model.writes[1].port != 0x60 || s_model.writes[1].value != 0x65)
            return 2;
        /* Every other port: the debug exit, COM1, the PICs, port B next door, a 16-bit wrap onto 0x60. */
        usize reads = s_model.ports_read.size();
        for (u16 port : { 0x61, 0x63, 0x65, 0x20, 0xa0, 0x3f8, 0xf4, 0x604, 0x0, 0xffff }) {
            if (code_of(system::i8042_read(controller, port)) != ErrorCode::InvalidArgument)
                return 3;
            if (code_of(system::i8042_write(controller, port, 0xfe)) != ErrorCode::InvalidArgument)
                return 4;
        }
        auto frame = raw_frame(kernel::Call::I8042Write, controller);
        frame.arguments[2] = 0x1'0060; /* 0x60 once truncated to 16 bits */
        frame.arguments[3] = 1;
        kernel::enter(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument))
            return 5;
        frame = raw_frame(kernel::Call::I8042Read, controller);
        frame.arguments[2] = 0x1'0064;
        kernel::enter(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument))
            return 6;
        frame = raw_frame(kernel::Call::I8042Write, controller);
        frame.arguments[2] = 0x64;
        frame.arguments[3] = 0x1fe; /* past a byte: not truncated to the reset pulse 0xfe */
        kernel::enter(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument))
            return 7;
        if (s_model.writes.size() != 2 || s_model.ports_read.size() != reads)
            return 8; /* nothing refused reached the controller */
        /* A read-only copy neither writes nor binds; a write-only copy does not read. */
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto reader = TRY(system::attenuate(controller, RightRead));
        if (TRY(system::i8042_read(reader, 0x64)) != 0x00)
            return 9;
        if (code_of(system::i8042_write(reader, 0x64, 0xfe)) != ErrorCode::MissingRight)
            return 10;
        if (code_of(system::i8042_interrupt(reader, memory, keyboard_bit)) != ErrorCode::MissingRight)
            return 11;
        auto writer = TRY(system::attenuate(controller, RightWrite));
        if (code_of(system::i8042_read(writer, 0x60)) != ErrorCode::MissingRight)
            return 12;
        return s_model.writes.size() == 2 ? 0 : 13;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("a Task not granted the i8042: guessed and foreign handles, the console's DeviceCap, a Reticle")
{
    Machine machine;
    machine.grant = false;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        if (!bundle.take<DeviceCap>("i8042").is_error())
            return 1;
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto console = TRY(bundle.take<DeviceCap>("console"));
        for (u16 slot = 0; slot < 64; ++slot) {
            for (u32 generation : { 0u, 1u, 2u }) {
                DeviceCap guessed(memory.space(), slot, generation);
                if (code_of(system::i8042_read(guessed, 0x60)) == ErrorCode::None)
                    return 2;
                if (code_of(system::i8042_write(guessed, 0x64, 0xfe)) == ErrorCode::None)
                    return 3;
                if (code_of(system::i8042_interrupt(guessed, memory, keyboard_bit)) == ErrorCode::None)
                    return 4;
            }
        }
        DeviceCap foreign(memory.space() + 1, 0, 1);
        if (code_of(system::i8042_read(foreign, 0x60)) != ErrorCode::ForeignHandle)
            return 5;
        if (code_of(system::i8042_write(console, 0x64, 0xfe)) != ErrorCode::WrongClass)
            return 6;
        if (code_of(system::i8042_interrupt(console, memory, keyboard_bit)) != ErrorCode::WrongClass)
            return 7;
        DeviceCap wrong(memory.space(), memory.slot(), memory.generation());
        if (code_of(system::i8042_read(wrong, 0x60)) != ErrorCode::WrongClass)
            return 8;
        return s_model.writes.empty() && s_model.ports_read.empty() ? 0 : 9;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("the keyboard line as an IrqCap: masked at each arrival until acknowledged, one binding, unrouted when removed")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto controller = TRY(bundle.take<DeviceCap>("i8042"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        if (!platform::hosted::i8042_model_line_masked())
            return 1;
        auto irq = TRY(system::i8042_interrupt(controller, memory, keyboard_bit));
        if (TRY(system::interrupt_line(irq)) != line || platform::hosted::i8042_model_line_masked())
            return 2;
        if (TRY(system::describe(irq)).rights != (RightReceive | RightRead))
            return 3; /* not grantable: the route is this Task's */
        arrive();
        if (!platform::hosted::i8042_model_line_masked())
            return 4;
        if (system::wait(keyboard_bit.mask()) != keyboard_bit.mask())
            return 5;
        if (TRY(system::acknowledge_interrupt(irq)) != 1 || platform::hosted::i8042_model_line_masked())
            return 6;
        /* A second holder: through the same capability or a copy, or binding the line by number. */
        if (code_of(system::i8042_interrupt(controller, memory, SignalBit(6))) != ErrorCode::Busy)
            return 7;
        auto copy = TRY(system::attenuate(controller, RightRead | RightWrite));
        if (code_of(system::i8042_interrupt(copy, memory, SignalBit(6))) != ErrorCode::Busy)
            return 8;
        if (code_of(system::bind_interrupt(irq, SignalBit(6))) != ErrorCode::AlreadyExists)
            return 9;
        /* Removed: masked and unrouted; an arrival raises nothing; the controller binds again. */
        TRY(system::remove(std::move(irq)));
        (void)system::take_pending(keyboard_bit.mask());
        if (!platform::hosted::i8042_model_line_masked())
            return 10;
        arrive();
        if (system::take_pending(keyboard_bit.mask()) != 0)
            return 11;
        auto again = TRY(system::i8042_interrupt(copy, memory, keyboard_bit));
        return TRY(system::interrupt_line(again)) == line ? 0 : 12;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("the line through a revoked copy, a stale or foreign IrqCap: refused, the line masked")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto controller = TRY(bundle.take<DeviceCap>("i8042"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto copy = TRY(system::attenuate(controller, RightRead | RightWrite | RightGrant));
        auto irq = TRY(system::i8042_interrupt(copy, memory, keyboard_bit));
        TRY(system::revoke(controller));
        if (code_of(system::acknowledge_interrupt(irq)) != ErrorCode::Revoked)
            return 1;
        if (!platform::hosted::i8042_model_line_masked())
            return 2;
        arrive();
        if (system::take_pending(keyboard_bit.mask()) != 0)
            return 3;
        if (code_of(system::i8042_read(copy, 0x60)) != ErrorCode::StaleHandle)
            return 4; /* the revoked copy reaches no port */
        auto again = TRY(system::i8042_interrupt(controller, memory, keyboard_bit));
        IrqCap kept(again.space(), again.slot(), again.generation());
        IrqCap foreign(again.space() + 1, again.slot(), again.generation());
        if (code_of(system::acknowledge_interrupt(foreign)) != ErrorCode::ForeignHandle)
            return 5;
        TRY(system::remove(std::move(again)));
        if (code_of(system::acknowledge_interrupt(kept)) != ErrorCode::StaleHandle)
            return 6;
        /* The controller's own entry removed: its line goes with it. */
        auto bound = TRY(system::i8042_interrupt(controller, memory, keyboard_bit));
        DeviceCap gone(controller.space(), controller.slot(), controller.generation());
        TRY(system::remove(std::move(controller)));
        if (code_of(system::acknowledge_interrupt(bound)) != ErrorCode::Revoked || !platform::hosted::i8042_model_line_masked())
            return 7;
        return code_of(system::i8042_read(gone, 0x64)) == ErrorCode::StaleHandle ? 0 : 8;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("lifetime: a Task that ends holding the line unacknowledged leaves it masked and free to bind again")
{
    Machine machine;
    auto first = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto controller = TRY(bundle.take<DeviceCap>("i8042"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        [[maybe_unused]] auto irq = TRY(system::i8042_interrupt(controller, memory, keyboard_bit));
        arrive();
        return 0;
    });
    REQUIRE(first.value() == 0);
    CHECK(platform::hosted::i8042_model_line_masked());
    arrive(); /* no route: spurious, touches no freed memory */
    auto second = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto controller = TRY(bundle.take<DeviceCap>("i8042"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto irq = TRY(system::i8042_interrupt(controller, memory, keyboard_bit));
        arrive();
        if (system::wait(keyboard_bit.mask()) != keyboard_bit.mask())
            return 1;
        return TRY(system::acknowledge_interrupt(irq)) == 1 ? 0 : 2;
    });
    REQUIRE(second.value() == 0);
    CHECK(platform::hosted::i8042_model_line_masked());
}

TEST_CASE("a machine without an i8042 (hosted, aarch64): no controller, every call Unsupported")
{
    Machine machine;
    kernel::i8042_install(nullptr, 0);
    kernel::i8042_boot(); /* the hosted platform has none */
    REQUIRE_FALSE(kernel::i8042_present());
    REQUIRE_FALSE(platform::i8042_present());
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto controller = TRY(bundle.take<DeviceCap>("i8042"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        if (code_of(system::i8042_read(controller, 0x60)) != ErrorCode::Unsupported)
            return 1;
        if (code_of(system::i8042_write(controller, 0x64, 0xfe)) != ErrorCode::Unsupported)
            return 2;
        if (code_of(system::i8042_interrupt(controller, memory, keyboard_bit)) != ErrorCode::Unsupported)
            return 3;
        return 0;
    });
    REQUIRE(result.value() == 0);
    CHECK(s_model.writes.empty());
}
