/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The screen image's Tasks. testcard holds the display (read, write): it draws the test card,
 * presents it, reports when the first frame was shown, checks the refusals it can provoke with
 * its own capability, holds the frame for the harness's screenshot and then reports ready.
 * screen_intruder holds no display: every way it tries to reach one is refused.
 */

#include <testcard/TestCard.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>

VECTRA_TASK_ENTRY(testcard);
VECTRA_TASK_ENTRY(screen_intruder);

namespace vectra::task_entries {

namespace {

/* How long testcard keeps the frame up before reporting ready (the harness screenshots it then). */
constexpr u64 hold_milliseconds = 2000;
constexpr SignalBit hold_bit { 1 };
constexpr SignalBit never_bit { 2 };
/* Forged handles the intruder tries: every slot of its space, a few generations each. */
constexpr u32 forged_generations = 4;

ErrorOr<void> expect(bool condition, char const* what)
{
    if (!condition)
        return Error(ErrorCode::InvalidArgument, what);
    return {};
}

/* Prints `what -> refused (code)` when `result` failed with `expected`; an error otherwise. */
template<typename T>
ErrorOr<void> expect_refusal(ConsoleCap const& console, char const* prefix, char const* what, ErrorOr<T> const& result,
    ErrorCode expected)
{
    if (!result.is_error()) {
        TRY(print_line(console, "{}: {} -> NOT refused", prefix, what));
        return Error(ErrorCode::InvalidArgument, "a refusal did not happen");
    }
    TRY(print_line(console, "{}: {} -> refused ({})", prefix, what, error_code_name(result.error().code())));
    return expect(result.error().code() == expected, "refused with another error than expected");
}

}

ErrorOr<i32> testcard(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto display = TRY(bundle.take<DisplayCap>("display"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    auto mode = TRY(system::display_mode(display));
    TRY(expect(mode.format == PixelFormat::Xrgb8888, "the display is not XRGB8888"));
    TRY(print_line(console, "testcard: display {}x{}, stride {}, xrgb8888", mode.width, mode.height, mode.stride));
    auto framebuffer = TRY(system::display_memory(display, true));
    auto bytes = TRY(system::map_memory(framebuffer));
    TRY(expect(bytes.size() >= mode.size() && reinterpret_cast<uptr>(bytes.data()) % 4 == 0,
        "the framebuffer is smaller than the mode or misaligned"));
    std::span<u32> pixels(reinterpret_cast<u32*>(bytes.data()), bytes.size() / 4);

    testcard::draw(pixels, mode);
    TRY(system::present(display, { 0, 0, mode.width, mode.height }));
    u64 first_frame = monotonic_now().nanoseconds_since_boot();
    TRY(print_line(console, "testcard: first frame presented {} us after boot", first_frame / 1000));

    /* A one-character damage rectangle is fine; one reaching past the edge or empty is not. */
    Rectangle text = testcard::text_rectangle(mode);
    TRY(system::present(display, { text.x, text.y, 8 * testcard::text_scale, 8 * testcard::text_scale }));
    TRY(print_line(console, "testcard: one-character damage presented ok"));
    TRY(expect_refusal(console, "testcard", "present reaching past the right edge",
        system::present(display, { mode.width - 1, 0, 2, 1 }), ErrorCode::InvalidArgument));
    TRY(expect_refusal(console, "testcard", "present of an empty rectangle",
        system::present(display, { 0, 0, 0, 1 }), ErrorCode::InvalidArgument));
    auto read_only = TRY(system::attenuate(display, RightRead));
    TRY(expect_refusal(console, "testcard", "present through a read-only copy",
        system::present(read_only, { 0, 0, 1, 1 }), ErrorCode::MissingRight));
    TRY(expect_refusal(console, "testcard", "writable framebuffer through a read-only copy",
        system::display_memory(read_only, true), ErrorCode::MissingRight));
    auto viewer = TRY(system::display_memory(read_only, false));
    auto view = TRY(system::map_memory_read_only(viewer));
    TRY(expect(view.size() == bytes.size() && view[0] == bytes[0], "the read-only view shows other bytes"));
    TRY(expect_refusal(console, "testcard", "writable map of the read-only framebuffer",
        system::map_memory(viewer), ErrorCode::MissingRight));
    TRY(system::remove(std::move(read_only)));
    TRY(expect_refusal(console, "testcard", "read-only framebuffer after its DeviceCap was removed",
        system::map_memory_read_only(viewer), ErrorCode::StaleHandle));

    TRY(print_line(console, "testcard: holding the frame {} ms for a screenshot", hold_milliseconds));
    auto timer = TRY(system::create_timer(memory, hold_bit));
    TRY(system::arm_timer(timer, first_frame + hold_milliseconds * 1'000'000));
    system::wait(hold_bit.mask());
    TRY(system::raise(ready));
    /* The frame stays up until the image powers off; nothing ever raises this bit. */
    system::wait(never_bit.mask());
    return 0;
}

ErrorOr<i32> screen_intruder(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    constexpr char const* prefix = "screen-intruder";

    TRY(expect_refusal(console, prefix, "take a display from its Bundle", bundle.take<DisplayCap>("display"),
        ErrorCode::NotFound));
    /* Its only DeviceCap is the console's: the kernel checks what the capability names. */
    DisplayCap console_as_display(console.space(), console.slot(), console.generation());
    TRY(expect_refusal(console, prefix, "present through the console's DeviceCap",
        system::present(console_as_display, { 0, 0, 1, 1 }), ErrorCode::WrongClass));
    TRY(expect_refusal(console, prefix, "framebuffer through the console's DeviceCap",
        system::display_memory(console_as_display, true), ErrorCode::WrongClass));
    TRY(expect_refusal(console, prefix, "mode through the console's DeviceCap",
        system::display_mode(console_as_display), ErrorCode::WrongClass));

    /* Made-up handles: every slot of its own space and of its neighbours' spaces. */
    u32 refused_presents = 0;
    u32 refused_maps = 0;
    u32 attempts = 0;
    for (u32 space = console.space() - 2; space <= console.space() + 2; ++space) {
        for (u16 slot = 0; slot < 64; ++slot) {
            for (u32 generation = 0; generation < forged_generations; ++generation) {
                ++attempts;
                DisplayCap forged_display(space, slot, generation);
                if (system::present(forged_display, { 0, 0, 1, 1 }).is_error())
                    ++refused_presents;
                MemCap forged_memory(space, slot, generation);
                if (system::map_memory(forged_memory).is_error())
                    ++refused_maps;
            }
        }
    }
    TRY(print_line(console, "{}: {} made-up DeviceCaps -> {} presents refused", prefix, attempts, refused_presents));
    TRY(print_line(console, "{}: {} made-up MemCaps -> {} maps refused", prefix, attempts, refused_maps));
    TRY(expect(refused_presents == attempts && refused_maps == attempts, "a made-up handle reached the display"));
    TRY(print_line(console, "{}: passed", prefix));
    return 0;
}

}
