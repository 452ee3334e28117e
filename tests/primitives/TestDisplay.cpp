/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The display as a capability (vectra/kernel/Display.h, ADR 0014), tried as an attacker would:
 * damage outside the screen, a Task without the display, the wrong rights, a revoked or removed
 * DeviceCap (and the framebuffer MemCaps made through it), malformed frames. Host tests have no
 * window (CONFIG_DISPLAY is off): the device counts presents instead.
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <vectra/CallFrame.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/Display.h>
#include <vectra/kernel/Executor.h>

using namespace vectra;

namespace {

constexpr DisplayMode test_mode { 64, 32, 64 * 4 + 32, PixelFormat::Xrgb8888 };

/* A supervisor's space holding a display (and a console), as initd holds the boot display. */
struct Supervisor {
    test::Arena arena { 1 * MiB };
    CapabilitySpace space { allocate_space_id() };
    u8* framebuffer { nullptr };
    DisplayDevice* device { nullptr };
    DisplayCap display;
    ConsoleCap console;

    Supervisor()
    {
        usize size = align_up(test_mode.size(), MemoryObject::page_granule);
        framebuffer = static_cast<u8*>(arena.reticle().try_retype(size, MemoryObject::page_granule).release_value());
        device = arena.reticle().try_create<DisplayDevice>(&arena.reticle(), framebuffer, test_mode).release_value();
        display = space.mint<CapabilityClass::Device>(device, all_rights).release_value();
        auto* console_device = arena.reticle().try_create<ConsoleDevice>(&arena.reticle()).release_value();
        console = space.mint<CapabilityClass::Device>(console_device, RightWrite | RightGrant).release_value();
    }
    ~Supervisor() { (void)space.clear(); }

    template<typename Body>
    ErrorOr<i32> run(Rights rights, Body&& body)
    {
        return test::run_as_task(tasks.reticle(), [&](Task& task) {
            if (rights != 0)
                REQUIRE_FALSE(task.bundle().grant("display", space, display, rights).is_error());
            REQUIRE_FALSE(task.bundle().grant("console", space, console, RightWrite).is_error());
        }, body);
    }

    test::Arena tasks { 1 * MiB };
};

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

/* Shared between a test's Tasks and its checks. */
RawHandle s_handle {};

}

TEST_CASE("a Task holding the display reads its mode, draws through the framebuffer MemCap and presents")
{
    Supervisor supervisor;
    auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto display = TRY(bundle.take<DisplayCap>("display"));
        auto mode = TRY(system::display_mode(display));
        if (mode.width != 64 || mode.height != 32 || mode.stride != test_mode.stride || mode.format != PixelFormat::Xrgb8888)
            return 1;
        auto memory = TRY(system::display_memory(display, true));
        auto bytes = TRY(system::map_memory(memory));
        if (bytes.size() != mode.size())
            return 2;
        bytes[mode.stride + 4] = 0x5a;
        TRY(system::present(display, { 0, 0, mode.width, mode.height }));
        TRY(system::present(display, { 63, 31, 1, 1 }));
        return 0;
    });
    REQUIRE(result.value() == 0);
    CHECK(supervisor.framebuffer[test_mode.stride + 4] == 0x5a);
    CHECK(supervisor.device->presents() == 2);
    auto last = supervisor.device->last_damage();
    CHECK((last.x == 63 && last.y == 31 && last.width == 1 && last.height == 1));
    /* The Task's MemCaps went with it: nothing but the supervisor's DeviceCap names the display. */
    CHECK(supervisor.device->reference_count() == 0);
    CHECK(supervisor.device->capability_count() == 1);
}

TEST_CASE("damage outside the screen or empty is refused and presents nothing")
{
    Supervisor supervisor;
    auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto display = TRY(bundle.take<DisplayCap>("display"));
        Rectangle refused[] = {
            { 64, 0, 1, 1 }, /* starts right of the screen */
            { 0, 32, 1, 1 }, /* starts below it */
            { 63, 0, 2, 1 }, /* reaches one past the right edge */
            { 0, 31, 1, 2 }, /* one past the bottom */
            { 0, 0, 0, 1 }, /* empty */
            { 0, 0, 1, 0 },
            { 0xffff'ffff, 0, 2, 1 }, /* wraps around in 32 bits */
            { 1, 1, 0xffff'ffff, 0xffff'ffff },
        };
        for (auto const& damage : refused) {
            if (code_of(system::present(display, damage)) != ErrorCode::InvalidArgument)
                return 1;
        }
        return 0;
    });
    REQUIRE(result.value() == 0);
    CHECK(supervisor.device->presents() == 0);
}

TEST_CASE("a Task without the display capability cannot reach the display")
{
    Supervisor supervisor;
    s_handle = { supervisor.display.space(), supervisor.display.slot(), supervisor.display.generation() };
    auto result = supervisor.run(0, [](Bundle& bundle) -> ErrorOr<i32> {
        if (code_of(bundle.take<DisplayCap>("display")) != ErrorCode::NotFound)
            return 1;
        /* Its console's DeviceCap names another device: refused whatever the call. */
        auto console = TRY(bundle.take<ConsoleCap>("console"));
        DisplayCap console_as_display(console.space(), console.slot(), console.generation());
        if (code_of(system::present(console_as_display, { 0, 0, 1, 1 })) != ErrorCode::WrongClass)
            return 2;
        if (code_of(system::display_mode(console_as_display)) != ErrorCode::WrongClass)
            return 3;
        if (code_of(system::display_memory(console_as_display, false)) != ErrorCode::WrongClass)
            return 4;
        /* The supervisor's own handle, numbers copied: another space. */
        DisplayCap stolen(s_handle.space, s_handle.slot, s_handle.generation);
        if (code_of(system::present(stolen, { 0, 0, 1, 1 })) != ErrorCode::ForeignHandle)
            return 5;
        if (code_of(system::display_memory(stolen, true)) != ErrorCode::ForeignHandle)
            return 6;
        /* Made-up slots of its own space: empty, never the display. */
        for (u16 slot = 0; slot < CapabilitySpace::capacity; ++slot) {
            DisplayCap made_up(console.space(), slot, 1);
            if (code_of(system::present(made_up, { 0, 0, 1, 1 })) == ErrorCode::None)
                return 7;
        }
        return 0;
    });
    REQUIRE(result.value() == 0);
    CHECK(supervisor.device->presents() == 0);
}

TEST_CASE("each display call needs its right: read for the mode and a read-only view, write to draw and present")
{
    Supervisor supervisor;
    auto reader = supervisor.run(RightRead, [](Bundle& bundle) -> ErrorOr<i32> {
        auto display = TRY(bundle.take<DisplayCap>("display"));
        TRY(system::display_mode(display));
        if (code_of(system::present(display, { 0, 0, 1, 1 })) != ErrorCode::MissingRight)
            return 1;
        if (code_of(system::display_memory(display, true)) != ErrorCode::MissingRight)
            return 2;
        auto view = TRY(system::display_memory(display, false));
        if (code_of(system::map_memory(view)) != ErrorCode::MissingRight)
            return 3;
        TRY(system::map_memory_read_only(view));
        /* The read-only MemCap cannot be widened either. */
        if (code_of(system::attenuate(view, RightRead | RightWrite)) != ErrorCode::MissingRight)
            return 4;
        return 0;
    });
    REQUIRE(reader.value() == 0);
    auto writer = supervisor.run(RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto display = TRY(bundle.take<DisplayCap>("display"));
        if (code_of(system::display_mode(display)) != ErrorCode::MissingRight)
            return 1;
        if (code_of(system::display_memory(display, false)) != ErrorCode::MissingRight)
            return 2;
        TRY(system::present(display, { 0, 0, 1, 1 }));
        return 0;
    });
    REQUIRE(writer.value() == 0);
    CHECK(supervisor.device->presents() == 1);
}

TEST_CASE("revoking or removing the DisplayCap deletes the framebuffer MemCaps made through it")
{
    Supervisor supervisor;
    auto result = supervisor.run(RightRead | RightWrite | RightRevoke, [](Bundle& bundle) -> ErrorOr<i32> {
        auto display = TRY(bundle.take<DisplayCap>("display"));
        /* Through a copy, then the copy revoked by its parent. */
        auto copy = TRY(system::attenuate(display, RightRead | RightWrite));
        auto memory = TRY(system::display_memory(copy, true));
        TRY(system::map_memory(memory));
        if (TRY(system::revoke(display)) == 0)
            return 1;
        if (code_of(system::map_memory(memory)) != ErrorCode::StaleHandle)
            return 2;
        if (code_of(system::present(copy, { 0, 0, 1, 1 })) != ErrorCode::StaleHandle)
            return 3;
        /* The revoker's own entry still works; removing it takes its MemCaps along. */
        auto own = TRY(system::display_memory(display, false));
        TRY(system::present(display, { 0, 0, 1, 1 }));
        TRY(system::remove(std::move(display)));
        if (code_of(system::map_memory_read_only(own)) != ErrorCode::StaleHandle)
            return 4;
        return 0;
    });
    REQUIRE(result.value() == 0);
    CHECK(supervisor.device->presents() == 1);
    CHECK(supervisor.device->reference_count() == 0);
}

TEST_CASE("malformed display frames are refused")
{
    Supervisor supervisor;
    auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto display = TRY(bundle.take<DisplayCap>("display"));
        kernel::CallFrame frame;
        frame.number = u64(kernel::Call::DisplayMemory);
        frame.arguments[0] = kernel::handle_word({ display.space(), display.slot(), display.generation() });
        frame.arguments[1] = display.generation();
        frame.arguments[2] = 2; /* neither read-only (0) nor writable (1) */
        kernel::system_call(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument))
            return 1;
        /* A handle word with bits above the slot names no capability. */
        frame.number = u64(kernel::Call::DisplayPresent);
        frame.arguments[0] |= u64(1) << 60;
        frame.arguments[2] = 0;
        frame.arguments[3] = u64(1) | (u64(1) << 32);
        kernel::system_call(frame);
        if (frame.error != u64(ErrorCode::ForeignHandle))
            return 2;
        return 0;
    });
    REQUIRE(result.value() == 0);
    CHECK(supervisor.device->presents() == 0);
}

TEST_CASE("a framebuffer MemCap carries grant, revoke and move only when the DisplayCap holds grant, and revoke reaches only its copies")
{
    Supervisor supervisor;
    auto without = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto display = TRY(bundle.take<DisplayCap>("display"));
        auto memory = TRY(system::display_memory(display, true));
        if (TRY(system::describe(memory)).rights != (RightRead | RightWrite))
            return 1;
        /* Without grant nothing can be lent, and without revoke nothing taken back. */
        if (code_of(system::revoke(memory)) != ErrorCode::MissingRight)
            return 2;
        return 0;
    });
    REQUIRE(without.value() == 0);
    auto lender = supervisor.run(RightRead | RightWrite | RightGrant, [](Bundle& bundle) -> ErrorOr<i32> {
        auto display = TRY(bundle.take<DisplayCap>("display"));
        auto view = TRY(system::display_memory(display, false));
        if (TRY(system::describe(view)).rights != (RightRead | RightGrant | RightRevoke | RightMove))
            return 1;
        auto memory = TRY(system::display_memory(display, true));
        if (TRY(system::describe(memory)).rights != (RightRead | RightWrite | RightGrant | RightRevoke | RightMove))
            return 2;
        /* A copy lent (attenuated as a Ring send would) is deleted by revoking the MemCap; the MemCap and the display stay. */
        auto lent = TRY(system::attenuate(memory, RightRead | RightWrite));
        TRY(system::map_memory(lent));
        if (TRY(system::revoke(memory)) != 1)
            return 3;
        if (code_of(system::map_memory(lent)) != ErrorCode::StaleHandle)
            return 4;
        TRY(system::map_memory(memory));
        TRY(system::present(display, { 0, 0, 1, 1 }));
        /* The holder cannot reach past its own copies: the display's other framebuffer MemCap survives. */
        TRY(system::map_memory_read_only(view));
        return 0;
    });
    REQUIRE(lender.value() == 0);
}
