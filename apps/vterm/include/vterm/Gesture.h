/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The pointer in a vterm window (docs/adr/0044-vterm.md, second amendment): a press on the title bar
 * and a drag moves the window, bounded so that its title bar stays on the screen where the pointer
 * can take it again; a press in the cells and a drag selects from the cell pressed to the cell under
 * the pointer (the pointer beyond the cells selects to the nearest). compositord reports the pointer
 * in the window's own pixels and keeps it with the window pressed while a button is held, so the
 * drag goes on when the pointer leaves the window.
 */

#pragma once

#include <terminal/Terminal.h>

namespace vectra::vterm {

/* How much of the title bar stays on the screen, across, when a window is dragged aside. */
inline constexpr i32 reachable_title = 64;

/* A window's pixels: its size, its title bar's height and its cells. */
struct WindowGeometry {
    u32 width { 0 };
    u32 height { 0 };
    u32 title_height { 0 };
    u32 cell_width { 0 };
    u32 cell_height { 0 };
};

struct Place {
    i32 x { 0 };
    i32 y { 0 };
    constexpr bool operator==(Place const&) const = default;
};

/* (x, y) moved so that the title bar lies within the screen vertically and at least
 * reachable_title pixels of it across (the whole bar when the screen is narrower). */
[[nodiscard]] Place bounded_place(Place, WindowGeometry const&, u32 screen_width, u32 screen_height);

enum class GestureKind : u8 {
    None,
    Move,     /* place: where the window goes */
    Dropped,  /* the button released after a move: place is where the window stays */
    Select,   /* from (anchor_row, anchor_column) to (row, column), view cells */
    Deselect, /* a press in the cells: the old selection goes */
};

struct GestureStep {
    GestureKind kind { GestureKind::None };
    Place place;
    u16 anchor_row { 0 };
    u16 anchor_column { 0 };
    u16 row { 0 };
    u16 column { 0 };
};

class Gesture {
public:
    /* A pointer report in the window's pixels, `buttons` held (bit 0 the left), the window at `at`. */
    [[nodiscard]] GestureStep pointer(i32 x, i32 y, u8 buttons, Place at, WindowGeometry const&, terminal::Size cells,
        u32 screen_width, u32 screen_height);

private:
    enum class Mode : u8 {
        Idle,
        Moving,
        Selecting,
        Held, /* pressed where nothing is done (another button first) */
    };

    Mode m_mode { Mode::Idle };
    i32 m_grab_x { 0 };
    i32 m_grab_y { 0 };
    bool m_moved { false };
    Place m_moved_to; /* where the last move of this drag put the window */
    u16 m_anchor_row { 0 };
    u16 m_anchor_column { 0 };
};

}
