/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/font/Atlas.h>

namespace vectra::font {

namespace {

constexpr u32 gap = 1;

}

std::optional<Placement> ShelfPacker::place(u32 width, u32 height)
{
    if (width > m_width || height > m_height)
        return std::nullopt;
    if (width == 0 || height == 0)
        return Placement { 0, 0 };
    u32 top = m_shelf_top;
    u32 cursor = m_cursor;
    u32 shelf_height = m_shelf_height;
    if (cursor + width > m_width) {
        /* The next shelf starts below this one. */
        top = m_shelf_top + m_shelf_height + gap;
        cursor = 0;
        shelf_height = 0;
    }
    /* The current shelf is the lowest: a taller glyph makes it taller, if the atlas has the rows. */
    if (top > m_height || height > m_height - top)
        return std::nullopt;
    m_shelf_top = top;
    m_shelf_height = height > shelf_height ? height : shelf_height;
    m_cursor = cursor + width + gap;
    return Placement { cursor, top };
}

void ShelfPacker::clear()
{
    m_shelf_top = 0;
    m_shelf_height = 0;
    m_cursor = 0;
}

}
