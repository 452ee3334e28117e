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
    if (m_cursor + width > m_width || height > m_shelf_height) {
        /* A new shelf, unless this one is empty and only needs to grow. */
        if (m_cursor == 0 && m_shelf_top + height <= m_height) {
            m_shelf_height = height;
        } else {
            u32 next_top = m_shelf_top + m_shelf_height + (m_shelf_height ? gap : 0);
            if (next_top > m_height || height > m_height - next_top)
                return std::nullopt;
            m_shelf_top = next_top;
            m_shelf_height = height;
            m_cursor = 0;
        }
    }
    Placement placement { m_cursor, m_shelf_top };
    m_cursor += width + gap;
    if (m_cursor > m_width)
        m_cursor = m_width;
    return placement;
}

void ShelfPacker::clear()
{
    m_shelf_top = 0;
    m_shelf_height = 0;
    m_cursor = 0;
}

}
