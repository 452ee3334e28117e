/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The pointer in a vterm window (Gesture.h).
 */

#include <vterm/Gesture.h>

namespace vectra::vterm {

namespace {

constexpr u8 left_button = 1;

i32 clamp(i32 value, i32 low, i32 high)
{
    if (high < low)
        high = low;
    return value < low ? low : value > high ? high : value;
}

u16 cell_of(i32 pixel, u32 cell, u16 count)
{
    if (pixel < 0 || cell == 0)
        return 0;
    u32 index = u32(pixel) / cell;
    return index >= count ? u16(count - 1) : u16(index);
}

}

Place bounded_place(Place place, WindowGeometry const& window, u32 screen_width, u32 screen_height)
{
    i32 width = i32(window.width);
    i32 across = reachable_title < width ? reachable_title : width;
    if (i32(screen_width) < across)
        across = i32(screen_width);
    return { clamp(place.x, across - width, i32(screen_width) - across),
        clamp(place.y, 0, i32(screen_height) - i32(window.title_height)) };
}

GestureStep Gesture::pointer(i32 x, i32 y, u8 buttons, Place at, WindowGeometry const& window, terminal::Size cells,
    u32 screen_width, u32 screen_height)
{
    bool held = (buttons & left_button) != 0;
    if (!held) {
        bool dropped = m_mode == Mode::Moving && m_moved;
        m_mode = Mode::Idle;
        m_moved = false;
        if (dropped)
            return { GestureKind::Dropped, m_moved_to, 0, 0, 0, 0 };
        return {};
    }
    if (cells.columns == 0 || cells.rows == 0)
        return {};
    i32 cells_top = i32(window.title_height);
    if (m_mode == Mode::Idle) {
        bool inside = x >= 0 && y >= 0 && x < i32(window.width) && y < i32(window.height);
        if (!inside) {
            m_mode = Mode::Held;
            return {};
        }
        if (y < cells_top) {
            m_mode = Mode::Moving;
            m_grab_x = x;
            m_grab_y = y;
            return {};
        }
        m_mode = Mode::Selecting;
        m_anchor_row = cell_of(y - cells_top, window.cell_height, cells.rows);
        m_anchor_column = cell_of(x, window.cell_width, cells.columns);
        return { GestureKind::Deselect, at, m_anchor_row, m_anchor_column, m_anchor_row, m_anchor_column };
    }
    if (m_mode == Mode::Moving) {
        Place moved = bounded_place({ at.x + (x - m_grab_x), at.y + (y - m_grab_y) }, window, screen_width, screen_height);
        if (moved == at)
            return {};
        m_moved = true;
        m_moved_to = moved;
        return { GestureKind::Move, moved, 0, 0, 0, 0 };
    }
    if (m_mode == Mode::Selecting) {
        u16 row = cell_of(y - cells_top, window.cell_height, cells.rows);
        u16 column = cell_of(x, window.cell_width, cells.columns);
        return { GestureKind::Select, at, m_anchor_row, m_anchor_column, row, column };
    }
    return {};
}

}
