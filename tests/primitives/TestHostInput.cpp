/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted window's keyboard and mouse as a DeviceCap (vectra/kernel/HostInput.h, ADR 0040 §6),
 * through kernel calls from a Task: window events translated to evdev groups, queued by a thread
 * of the test's own as the SDL window's thread queues them, raising the input line into the
 * holder's Signal bit through the executor's idle; the bounded queue dropping whole groups. As an
 * attacker: a Task without the capability, the console's DeviceCap, a capability without
 * RightRead, the supervisor's handle copied, a revoked one and its IrqCap, a second holder, a
 * drain larger than the bound. Host tests have no window: the test opens the queue itself.
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <vectra/CallFrame.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/HostInput.h>
#include <vectra/platform/HostInput.h>
#include <vectra/platform/hosted/HostInput.h>

using namespace vectra;
using namespace vectra::platform::hosted;

namespace {

constexpr u32 window_width = 64;
constexpr u32 window_height = 32;
constexpr SignalBit arrival_bit { 8 };
constexpr SignalBit timeout_bit { 9 };

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

/* A supervisor's space holding the input device (and a console), as initd holds it; the window open. */
struct Supervisor {
    test::Arena arena { 1 * MiB };
    CapabilitySpace space { allocate_space_id() };
    HostInputDevice* device { nullptr };
    DeviceCap input;
    ConsoleCap console;

    Supervisor()
    {
        host_input_reset();
        host_input_open(window_width, window_height);
        device = arena.reticle().try_create<HostInputDevice>(&arena.reticle()).release_value();
        input = space.mint<CapabilityClass::Device>(device, RightRead | RightGrant | RightRevoke).release_value();
        auto* console_device = arena.reticle().try_create<ConsoleDevice>(&arena.reticle()).release_value();
        console = space.mint<CapabilityClass::Device>(console_device, RightWrite | RightGrant).release_value();
    }
    ~Supervisor()
    {
        (void)space.clear();
        host_input_reset();
    }

    template<typename Body>
    ErrorOr<i32> run(Rights rights, Body&& body)
    {
        return test::run_as_task(tasks.reticle(), [&](Task& task) {
            if (rights != 0)
                REQUIRE_FALSE(task.bundle().grant("input", space, input, rights).is_error());
            REQUIRE_FALSE(task.bundle().grant("console", space, console, RightWrite).is_error());
            auto& own = task.capabilities();
            Reticle* memory = MUST(arena.reticle().try_carve(128 * KiB));
            MUST(task.bundle().give("memory", own, MUST(own.mint<CapabilityClass::Reticle>(memory, all_rights))));
        }, body);
    }

    test::Arena tasks { 1 * MiB };
};

WindowEvent key(u32 usage, bool down, bool repeat = false)
{
    return { WindowEvent::Kind::Key, usage, 0, down, repeat, 0, 0 };
}

/* Translates and queues one window event, as the window's thread does. */
bool push(WindowEvent const& event)
{
    HostInputEvent group[maximum_group];
    usize count = translate(event, window_width, window_height, group);
    return host_input_push({ group, count });
}

RawHandle s_handle {};

}

TEST_CASE("window events become evdev groups: keys by their HID usage, motion clamped, buttons, no autorepeat")
{
    HostInputEvent group[maximum_group];
    REQUIRE(translate(key(0x04, true), 640, 480, group) == 2); /* A */
    CHECK((group[0].type == evdev::key && group[0].code == 30 && group[0].value == 1));
    CHECK((group[1].type == evdev::synchronise && group[1].code == 0 && group[1].value == 0));
    REQUIRE(translate(key(0x28, false), 640, 480, group) == 2); /* Return, released */
    CHECK((group[0].code == 28 && group[0].value == 0));
    /* Every code inputd's keymaps decode, checked against Linux's numbering. */
    struct Expected {
        u32 usage;
        u16 code;
    };
    Expected const table[] = { { 0x1d, 44 } /* Z */, { 0x1c, 21 } /* Y */, { 0x14, 16 } /* Q */, { 0x1e, 2 } /* 1 */,
        { 0x27, 11 } /* 0 */, { 0x2c, 57 } /* space */, { 0x2d, 12 } /* minus */, { 0x33, 39 } /* semicolon */,
        { 0x35, 41 } /* grave */, { 0x64, 86 } /* the ISO key left of Z */, { 0x52, 103 } /* Up */,
        { 0x45, 88 } /* F12 */, { 0x73, 194 } /* F24 */, { 0xe1, 42 } /* left Shift */, { 0xe6, 100 } /* AltGr */,
        { 0xe7, 126 } /* right GUI */ };
    for (auto const& expected : table) {
        INFO("usage " << expected.usage);
        CHECK(evdev_key_of_usage(expected.usage) == expected.code);
    }
    /* Usages without a key code, and the window system's repeats, are not reported at all. */
    for (u32 usage : { 0u, 1u, 3u, 0x74u, 0xdfu, 0xe8u, 0x1'0000u, ~0u })
        CHECK(translate(key(usage, true), 640, 480, group) == 0);
    CHECK(translate(key(0x04, true, true), 640, 480, group) == 0);

    WindowEvent motion { WindowEvent::Kind::Motion, 0, 0, false, false, 639, 17 };
    REQUIRE(translate(motion, 640, 480, group) == 3);
    CHECK((group[0].type == evdev::absolute && group[0].code == 0 && group[0].value == 639));
    CHECK((group[1].type == evdev::absolute && group[1].code == 1 && group[1].value == 17));
    CHECK(group[2].type == evdev::synchronise);
    /* Outside the window (a grab dragging past its edge): clamped to the last pixel, never beyond. */
    motion.x = -5;
    motion.y = 100'000;
    REQUIRE(translate(motion, 640, 480, group) == 3);
    CHECK((group[0].value == 0 && group[1].value == 479));
    CHECK(translate(motion, 0, 480, group) == 0);

    WindowEvent button { WindowEvent::Kind::Button, 0, 3, true, false, 0, 0 };
    REQUIRE(translate(button, 640, 480, group) == 2);
    CHECK((group[0].type == evdev::key && group[0].code == evdev::button_right && group[0].value == 1));
    button.button = 1;
    button.down = false;
    REQUIRE(translate(button, 640, 480, group) == 2);
    CHECK((group[0].code == evdev::button_left && group[0].value == 0));
    for (u8 other : { 0, 4, 5, 255 }) {
        button.button = other;
        CHECK(translate(button, 640, 480, group) == 0);
    }
}

TEST_CASE("the holder sleeps on its bit; a window thread's events wake it and are drained in order")
{
    Supervisor supervisor;
    /* Before the route: kept, and drained first. */
    REQUIRE(push(key(0x0b, true))); /* H */
    std::thread window;
    auto result = supervisor.run(RightRead, [&](Bundle& bundle) -> ErrorOr<i32> {
        auto input = TRY(bundle.take<DeviceCap>("input"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto info = TRY(system::host_input_info(input));
        if (info.width != window_width || info.height != window_height || info.dropped != 0)
            return 1;
        auto arrival = TRY(system::host_input_interrupt(input, memory, arrival_bit));
        if (TRY(system::interrupt_line(arrival)) != input_line)
            return 2;
        HostInputEvent events[maximum_host_input_drain];
        if (TRY(system::host_input_drain(input, events)) != 2 || events[0].code != 35 || events[0].value != 1)
            return 3;
        /* Nothing queued: the Task sleeps until the other thread's events raise its bit. */
        window = std::thread([] {
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
            (void)push(key(0x0b, false));
            (void)push({ WindowEvent::Kind::Motion, 0, 0, false, false, 10, 20 });
        });
        u64 woken = system::wait_until(arrival_bit.mask(), system::monotonic_nanoseconds() + 5'000'000'000, timeout_bit);
        if (!(woken & arrival_bit.mask()))
            return 4;
        window.join();
        usize count = TRY(system::host_input_drain(input, events));
        if (count != 5)
            return 5;
        if (events[0].code != 35 || events[0].value != 0 || events[1].type != evdev::synchronise)
            return 6;
        if (events[2].type != evdev::absolute || events[2].value != 10 || events[3].value != 20 || events[4].type != evdev::synchronise)
            return 7;
        if (TRY(system::host_input_drain(input, events)) != 0)
            return 8;
        return 0;
    });
    if (window.joinable())
        window.join();
    REQUIRE(result.value() == 0);
}

TEST_CASE("the queue is bounded: a group that does not fit is dropped whole and counted")
{
    Supervisor supervisor;
    /* 85 motion groups of 3 events fill 255 of 256 places; a key group of 2 no longer fits. */
    for (usize index = 0; index < 85; ++index)
        REQUIRE(push({ WindowEvent::Kind::Motion, 0, 0, false, false, i32(index % window_width), 1 }));
    CHECK_FALSE(push(key(0x04, true)));
    CHECK_FALSE(push({ WindowEvent::Kind::Motion, 0, 0, false, false, 1, 1 }));
    auto result = supervisor.run(RightRead, [](Bundle& bundle) -> ErrorOr<i32> {
        auto input = TRY(bundle.take<DeviceCap>("input"));
        if (TRY(system::host_input_info(input)).dropped != 2)
            return 1;
        HostInputEvent events[maximum_host_input_drain];
        usize total = 0;
        for (;;) {
            usize count = TRY(system::host_input_drain(input, events));
            for (usize index = 0; index < count; ++index) {
                /* Whole groups, in order: ABS_X, ABS_Y, SYN_REPORT, again and again. */
                usize position = total + index;
                if (events[index].type != (position % 3 == 2 ? evdev::synchronise : evdev::absolute))
                    return 2;
                if (position % 3 == 0 && events[index].value != i32((position / 3) % window_width))
                    return 3;
            }
            total += count;
            if (count < maximum_host_input_drain)
                break;
        }
        return total == 255 ? 0 : 4;
    });
    REQUIRE(result.value() == 0);
    /* Room again: the next group is queued. */
    CHECK(push(key(0x04, true)));
}

TEST_CASE("a Task without the input capability reaches none of it, and the console's DeviceCap is the wrong device")
{
    Supervisor supervisor;
    REQUIRE(push(key(0x04, true)));
    s_handle = { supervisor.input.space(), supervisor.input.slot(), supervisor.input.generation() };
    auto result = supervisor.run(0, [](Bundle& bundle) -> ErrorOr<i32> {
        if (code_of(bundle.take<DeviceCap>("input")) != ErrorCode::NotFound)
            return 1;
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto console = TRY(bundle.take<ConsoleCap>("console"));
        DeviceCap console_as_input(console.space(), console.slot(), console.generation());
        HostInputEvent events[4];
        if (code_of(system::host_input_info(console_as_input)) != ErrorCode::WrongClass)
            return 2;
        if (code_of(system::host_input_drain(console_as_input, events)) != ErrorCode::WrongClass)
            return 3;
        if (code_of(system::host_input_interrupt(console_as_input, memory, arrival_bit)) != ErrorCode::WrongClass)
            return 4;
        /* The supervisor's own handle, numbers copied: another space. */
        DeviceCap stolen(s_handle.space, s_handle.slot, s_handle.generation);
        if (code_of(system::host_input_drain(stolen, events)) != ErrorCode::ForeignHandle)
            return 5;
        if (code_of(system::host_input_interrupt(stolen, memory, arrival_bit)) != ErrorCode::ForeignHandle)
            return 6;
        /* Made-up slots of its own space: never the input device. */
        for (u16 slot = 0; slot < CapabilitySpace::capacity; ++slot) {
            DeviceCap made_up(console.space(), slot, 1);
            if (code_of(system::host_input_drain(made_up, events)) == ErrorCode::None)
                return 7;
        }
        return 0;
    });
    REQUIRE(result.value() == 0);
    /* Nothing was taken from the queue. */
    HostInputEvent events[4];
    CHECK(platform::host_input_drain(events) == 2);
}

TEST_CASE("every input call needs RightRead; a drain larger than the bound or unaligned is refused")
{
    Supervisor supervisor;
    REQUIRE(push(key(0x04, true)));
    auto grant_only = supervisor.run(RightGrant, [](Bundle& bundle) -> ErrorOr<i32> {
        auto input = TRY(bundle.take<DeviceCap>("input"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        HostInputEvent events[4];
        if (code_of(system::host_input_info(input)) != ErrorCode::MissingRight)
            return 1;
        if (code_of(system::host_input_drain(input, events)) != ErrorCode::MissingRight)
            return 2;
        if (code_of(system::host_input_interrupt(input, memory, arrival_bit)) != ErrorCode::MissingRight)
            return 3;
        return 0;
    });
    REQUIRE(grant_only.value() == 0);
    auto malformed = supervisor.run(RightRead, [](Bundle& bundle) -> ErrorOr<i32> {
        auto input = TRY(bundle.take<DeviceCap>("input"));
        static HostInputEvent events[maximum_host_input_drain + 1];
        if (code_of(system::host_input_drain(input, { events, maximum_host_input_drain + 1 })) != ErrorCode::InvalidArgument)
            return 1;
        kernel::CallFrame frame;
        frame.number = u64(kernel::Call::HostInputDrain);
        frame.arguments[0] = kernel::handle_word({ input.space(), input.slot(), input.generation() });
        frame.arguments[1] = input.generation();
        frame.arguments[2] = reinterpret_cast<uptr>(events) + 1; /* not aligned for an event */
        frame.arguments[3] = 1;
        kernel::system_call(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument))
            return 2;
        frame.arguments[2] = ~u64(0) - 4; /* wraps around */
        kernel::system_call(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument))
            return 3;
        /* A bit outside the mask. */
        frame.number = u64(kernel::Call::HostInputInterrupt);
        frame.arguments[2] = 0;
        frame.arguments[4] = 64;
        kernel::system_call(frame);
        if (frame.error == 0)
            return 4;
        return 0;
    });
    REQUIRE(malformed.value() == 0);
    HostInputEvent events[4];
    CHECK(platform::host_input_drain(events) == 2);
}

TEST_CASE("one holder at a time; revoking the DeviceCap deletes its IrqCap and frees the line for the next")
{
    Supervisor supervisor;
    auto result = supervisor.run(RightRead | RightGrant | RightRevoke, [](Bundle& bundle) -> ErrorOr<i32> {
        auto input = TRY(bundle.take<DeviceCap>("input"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto copy = TRY(system::attenuate(input, RightRead));
        auto arrival = TRY(system::host_input_interrupt(copy, memory, arrival_bit));
        /* A second route while the first stands: Busy, through either capability. */
        if (code_of(system::host_input_interrupt(input, memory, timeout_bit)) != ErrorCode::Busy)
            return 1;
        /* The IrqCap cannot be handed on: it was made without RightGrant. */
        if (code_of(system::attenuate(arrival, RightReceive | RightRead | RightGrant)) == ErrorCode::None)
            return 2;
        if (TRY(system::revoke(input)) == 0)
            return 3;
        /* The copy and the IrqCap made through it are gone. */
        if (code_of(system::interrupt_line(arrival)) != ErrorCode::StaleHandle)
            return 4;
        HostInputEvent events[4];
        if (code_of(system::host_input_drain(copy, events)) != ErrorCode::StaleHandle)
            return 5;
        /* Queued now, nobody is raised: the route went with the IrqCap. */
        (void)push(key(0x04, true));
        if (system::wait_until(arrival_bit.mask(), system::monotonic_nanoseconds(), timeout_bit) & arrival_bit.mask())
            return 6;
        /* The line is free: the revoker's own entry routes it again and is raised. */
        auto again = TRY(system::host_input_interrupt(input, memory, arrival_bit));
        (void)push(key(0x04, false));
        u64 woken = system::wait_until(arrival_bit.mask(), system::monotonic_nanoseconds() + 5'000'000'000, timeout_bit);
        if (!(woken & arrival_bit.mask()))
            return 7;
        TRY(system::remove(std::move(again)));
        return 0;
    });
    REQUIRE(result.value() == 0);
    CHECK(supervisor.device->reference_count() == 0);
}
