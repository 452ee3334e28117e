/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The pointer in a vterm window (apps/vterm Gesture.h): a drag on the title bar moves the window,
 * never so far that its title bar leaves the screen (the attack: drags far past every edge); a
 * drag in the cells selects, clamped to the cells when the pointer leaves the window; a press
 * outside, or with another button, does nothing.
 */

#include <catch2/catch.hpp>
#include <vterm/Gesture.h>

using namespace vectra;
using namespace vectra::vterm;

namespace {

constexpr WindowGeometry window { 800, 483, 27, 10, 19 };
constexpr terminal::Size cells { 80, 24 };
constexpr u32 screen_width = 1024;
constexpr u32 screen_height = 768;

GestureStep report(Gesture& gesture, i32 x, i32 y, u8 buttons, Place at)
{
    return gesture.pointer(x, y, buttons, at, window, cells, screen_width, screen_height);
}

}

TEST_CASE("vterm: a drag on the title bar moves the window by the pointer's travel", "[vterm]")
{
    Gesture gesture;
    Place at { 192, 256 };
    CHECK(report(gesture, 100, 10, 0, at).kind == GestureKind::None); /* moving over it */
    CHECK(report(gesture, 100, 10, 1, at).kind == GestureKind::None); /* the press */
    auto moved = report(gesture, 60, -90, 1, at);
    REQUIRE(moved.kind == GestureKind::Move);
    CHECK(moved.place == Place { 152, 156 });
    /* The next report is in the moved window's pixels. */
    at = moved.place;
    moved = report(gesture, 110, 15, 1, at);
    REQUIRE(moved.kind == GestureKind::Move);
    CHECK(moved.place == Place { 162, 161 });
    /* Released in the same batch as the move: reported in the old place, dropped where the move put it. */
    auto dropped = report(gesture, 110, 15, 0, at); /* released */
    CHECK(dropped.kind == GestureKind::Dropped);
    CHECK(dropped.place == Place { 162, 161 });
    CHECK(report(gesture, 300, 15, 0, moved.place).kind == GestureKind::None);
    /* A press and release on the title bar without travel moves nothing and drops nothing. */
    CHECK(report(gesture, 100, 10, 1, moved.place).kind == GestureKind::None);
    CHECK(report(gesture, 100, 10, 0, moved.place).kind == GestureKind::None);
}

TEST_CASE("vterm: a window dragged past any edge keeps its title bar on the screen", "[vterm][attack]")
{
    for (auto [dx, dy] : { std::pair { -100000, 0 }, std::pair { 100000, 0 }, std::pair { 0, -100000 },
             std::pair { 0, 100000 }, std::pair { 2147483, 2147483 }, std::pair { -2147483, -2147483 } }) {
        Gesture gesture;
        Place at { 192, 256 };
        (void)report(gesture, 5, 5, 1, at);
        auto moved = report(gesture, 5 + dx, 5 + dy, 1, at);
        REQUIRE(moved.kind == GestureKind::Move);
        CHECK(moved.place.y >= 0);
        CHECK(moved.place.y + i32(window.title_height) <= i32(screen_height));
        CHECK(moved.place.x + i32(window.width) >= reachable_title);
        CHECK(moved.place.x <= i32(screen_width) - reachable_title);
    }
    /* A screen narrower than the reachable part: the bar starts on it. */
    CHECK(bounded_place({ 500, 500 }, window, 40, 20) == Place { 0, 0 });
}

TEST_CASE("vterm: a drag in the cells selects from the cell pressed, clamped to the cells", "[vterm]")
{
    Gesture gesture;
    Place at { 32, 32 };
    auto pressed = report(gesture, 25, 27 + 19 + 3, 1, at);
    REQUIRE(pressed.kind == GestureKind::Deselect);
    CHECK((pressed.anchor_row == 1 && pressed.anchor_column == 2));
    auto dragged = report(gesture, 55, 27 + 3 * 19, 1, at);
    REQUIRE(dragged.kind == GestureKind::Select);
    CHECK((dragged.anchor_row == 1 && dragged.anchor_column == 2 && dragged.row == 3 && dragged.column == 5));
    /* Beyond the window: the nearest cell. */
    dragged = report(gesture, 5000, 5000, 1, at);
    CHECK((dragged.row == 23 && dragged.column == 79));
    dragged = report(gesture, -5000, -5000, 1, at);
    CHECK((dragged.row == 0 && dragged.column == 0));
    CHECK(report(gesture, 0, 0, 0, at).kind == GestureKind::None);
}

TEST_CASE("vterm: a press outside the window or with another button does nothing until released", "[vterm][attack]")
{
    Gesture gesture;
    Place at { 32, 32 };
    CHECK(report(gesture, 900, 10, 1, at).kind == GestureKind::None);
    CHECK(report(gesture, 100, 10, 1, at).kind == GestureKind::None); /* still the same press */
    CHECK(report(gesture, 100, 10, 0, at).kind == GestureKind::None);
    CHECK(report(gesture, 100, 100, 2, at).kind == GestureKind::None); /* the right button */
    CHECK(report(gesture, 100, 100, 0, at).kind == GestureKind::None);
    /* A window of no cells selects nothing. */
    CHECK(gesture.pointer(10, 100, 1, at, window, { 0, 0 }, screen_width, screen_height).kind == GestureKind::None);
}
