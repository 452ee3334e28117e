/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Places glyph bitmaps in an atlas: shelves filled left to right, a new shelf below the last when a
 * glyph does not fit the current one's width; the last shelf grows to its tallest glyph. Nothing is
 * ever removed (an atlas is cleared whole). One pixel of space is kept between glyphs (and between
 * shelves) so sampling never bleeds. A blank (0-sized) glyph takes no space.
 */

#pragma once

#include <optional>
#include <vectra/Types.h>

namespace vectra::font {

struct Placement {
    u32 x { 0 };
    u32 y { 0 };
};

class ShelfPacker {
public:
    ShelfPacker(u32 width, u32 height)
        : m_width(width)
        , m_height(height)
    {
    }

    /* Where a width × height bitmap goes, or nothing when it does not fit any more. */
    [[nodiscard]] std::optional<Placement> place(u32 width, u32 height);
    void clear();

    [[nodiscard]] u32 rows_used() const { return m_shelf_top + m_shelf_height; }
    [[nodiscard]] u32 width() const { return m_width; }
    [[nodiscard]] u32 height() const { return m_height; }

private:
    u32 m_width;
    u32 m_height;
    u32 m_shelf_top { 0 };
    u32 m_shelf_height { 0 };
    u32 m_cursor { 0 };
};

}
