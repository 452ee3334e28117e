/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * surface-check (image compositor): two surfaces over surface-painter's, z-order, a move and a
 * one-character damage, each frame's composed pixels checked; then refusals a client meets
 * (another session's surface, damage overflowing its own, a MemCap too small), and the frame held
 * for the screenshot.
 */

#include <surfacecheck/Patterns.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/footprints/surface_check.h>
#include <vectra/surface/Cursor.h>

VECTRA_TASK_ENTRY(surface_check);

namespace vectra::task_entries {

namespace {

constexpr u64 hold_milliseconds = 2000;
constexpr SignalBit hold_bit { 20 };

ErrorOr<void> expect(bool condition, char const* what)
{
    if (!condition)
        return Error(ErrorCode::InvalidArgument, what);
    return {};
}

template<typename T>
ErrorOr<void> expect_refusal(ConsoleCap const& console, char const* what, ErrorOr<T> const& result, surface::SurfaceError code)
{
    if (!result.is_error() || !result.error().is(code)) {
        TRY(print_line(console, "surface-check: {} -> NOT refused as expected", what));
        return Error(ErrorCode::InvalidArgument, "a refusal did not come");
    }
    TRY(print_line(console, "surface-check: {} -> refused ({})", what, result.error().name()));
    return {};
}

}

ErrorOr<i32> surface_check(Bundle& bundle)
{
    using namespace surfacecheck;
    TRY(check_footprint(bundle, footprints::surface_check));
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto client = TRY(open_session(bundle, memory));
    auto state = TRY(client.call(surface::ReadState {}));
    u64 full_frame = u64(state.display_width) * state.display_height;

    auto checker = TRY(show(client, memory, checker_placement, draw_checker));
    auto gradient = TRY(show(client, memory, gradient_placement, draw_gradient));
    auto done = TRY(client.call(surface::Frame {}));
    TRY(print_line(console, "surface-check: checkerboard and gradient shown in frame {}, {} pixels composed", done.frame,
        done.composed_pixels));

    TRY(client.call(surface::Raise { checker.id }));
    TRY(client.call(surface::Move { gradient.id, gradient_moved_x, gradient_moved_y }));
    TRY(client.call(surface::Focus { checker.id }));
    done = TRY(client.call(surface::Frame {}));
    TRY(print_line(console, "surface-check: checkerboard raised, gradient moved: frame {} composed {} pixels", done.frame,
        done.composed_pixels));
    state = TRY(client.call(surface::ReadState {}));
    TRY(expect(state.focused == checker.id && state.surfaces == 2, "the checkerboard holds the focus"));

    fill(checker.pixels, checker_placement, character, character_colour);
    surface::Damage damage;
    damage.surface = checker.id;
    TRY(damage.rectangles.try_append(character));
    TRY(client.call(damage));
    done = TRY(client.call(surface::Frame {}));
    TRY(print_line(console, "surface-check: one-character damage: frame {} composed {} pixels, {} per 10000 of a full frame",
        done.frame, done.composed_pixels, done.composed_pixels * 10000 / full_frame));
    TRY(expect(done.composed_pixels == u64(character.width) * character.height, "the character's frame composed other pixels"));

    /* Another session's surface: surface-painter's is the first made (slot 1, generation 1). */
    constexpr u32 painters = (1 << 8) | 1;
    TRY(expect_refusal(console, "destroy surface-painter's surface", client.call(surface::Destroy { painters }),
        surface::SurfaceError::UnknownSurface));
    TRY(expect_refusal(console, "move surface-painter's surface", client.call(surface::Move { painters, 0, 0 }),
        surface::SurfaceError::UnknownSurface));
    surface::Damage outside;
    outside.surface = checker.id;
    TRY(outside.rectangles.try_append(surface::SurfaceRectangle { 0xfffffff0u, 0, 0x20, 1 }));
    TRY(expect_refusal(console, "damage overflowing its surface", client.call(outside), surface::SurfaceError::OutsideSurface));
    auto small = TRY(system::create_memory(memory, 4096));
    TRY(expect_refusal(console, "a surface larger than its MemCap",
        client.call_lending(surface::Create { 0, 0, 64, 64, 256 }, small, RightRead), surface::SurfaceError::BufferTooSmall));

    /* The pointer's arrow, drawn by compositord above every surface: showing it composes only its box,
       moving it only the box it left and the one it entered. */
    TRY(client.call(surface::Cursor { 700, 150, 1 }));
    done = TRY(client.call(surface::Frame {}));
    TRY(print_line(console, "surface-check: cursor shown at (700, 150): frame {} composed {} pixels", done.frame, done.composed_pixels));
    TRY(expect(done.composed_pixels == u64(surface::cursor_width) * surface::cursor_height, "showing the cursor composed other pixels"));
    TRY(client.call(surface::Cursor { 600, 250, 1 }));
    done = TRY(client.call(surface::Frame {}));
    TRY(print_line(console, "surface-check: cursor moved to (600, 250): frame {} composed {} pixels", done.frame, done.composed_pixels));
    TRY(expect(done.composed_pixels == 2 * u64(surface::cursor_width) * surface::cursor_height, "moving the cursor composed other pixels"));
    TRY(expect_refusal(console, "cursor beyond 65536", client.call(surface::Cursor { 70000, 0, 1 }),
        surface::SurfaceError::PositionOutOfBounds));

    TRY(print_line(console, "surface-check: holding the frame {} ms for a screenshot", hold_milliseconds));
    auto timer = TRY(system::create_timer(memory, hold_bit));
    TRY(system::arm_timer(timer, monotonic_now().nanoseconds_since_boot() + hold_milliseconds * 1'000'000));
    system::wait(hold_bit.mask());
    TRY(print_line(console, "surface-check: passed"));
    return 0;
}

}
