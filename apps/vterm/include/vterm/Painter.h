/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A vterm window drawn into a 32-bit pixel buffer (docs/adr/0044-vterm.md §6): a title bar with the
 * session's title (darker and marked while the window lacks the focus), then the view's cells from
 * one monospace face — each cell's background, its glyph clipped to the cell, underline, reverse,
 * the cursor as a reversed cell and the selection reversed. Only the runs the model damaged are drawn again, and each
 * run becomes one box of the damage sent to compositord.
 */

#pragma once

#include <optional>
#include <terminal/Terminal.h>
#include <vectra/kit/Canvas.h>
#include <vectra/surface/Region.h>

namespace vectra::vterm {

inline constexpr u32 title_padding = 4;
inline constexpr u32 title_focused = 0x3a6ea5;
inline constexpr u32 title_unfocused = 0x505050;
inline constexpr u32 title_text = 0xffffff;

/* One cell's pixels: its width (the face's advance, rounded up), its height (the line) and its baseline. */
struct CellMetrics {
    u32 width { 0 };
    u32 height { 0 };
    i32 baseline { 0 };
};

class Painter {
public:
    /* Cell metrics from the face's line and the advance of 'M' (every glyph of a monospace face has it). */
    [[nodiscard]] static ErrorOr<Painter> try_create(kit::GlyphSource&);

    [[nodiscard]] CellMetrics cell() const { return m_cell; }
    [[nodiscard]] u32 title_height() const { return m_cell.height + 2 * title_padding; }
    [[nodiscard]] u32 width_for(terminal::Size size) const { return u32(size.columns) * m_cell.width; }
    [[nodiscard]] u32 height_for(terminal::Size size) const { return title_height() + u32(size.rows) * m_cell.height; }
    /* Where the cell (row, column) lies in the window. */
    [[nodiscard]] surface::Box cell_box(u16 row, u16 column) const;
    /* What the window's pixel (x, y) shows: its title bar or a cell of a window of `size`; nothing outside. */
    struct Hit {
        bool title_bar { false };
        u16 row { 0 };
        u16 column { 0 };
    };
    [[nodiscard]] std::optional<Hit> hit(i32 x, i32 y, terminal::Size size) const;

    /* Everything: the title bar with `title` and every cell; the model's damage is taken. */
    [[nodiscard]] ErrorOr<void> draw_all(kit::Canvas&, terminal::Terminal&, std::span<u8 const> title, bool focused);
    /* What changed since the last draw: the title bar when the title or the focus changed, each
     * damaged run of cells; each drawn box is added to `damage`. The model's damage is taken. */
    [[nodiscard]] ErrorOr<void> draw_changes(
        kit::Canvas&, terminal::Terminal&, std::span<u8 const> title, bool focused, surface::Region& damage);

private:
    explicit Painter(kit::GlyphSource& glyphs, CellMetrics cell)
        : m_glyphs(&glyphs)
        , m_cell(cell)
    {
    }

    [[nodiscard]] ErrorOr<void> draw_title(kit::Canvas&, std::span<u8 const> title, bool focused);
    [[nodiscard]] ErrorOr<void> draw_cell(kit::Canvas&, terminal::Terminal const&, u16 row, u16 column);

    kit::GlyphSource* m_glyphs { nullptr };
    CellMetrics m_cell;
    u8 m_title[terminal::Terminal::maximum_title] {};
    usize m_title_length { 0 };
    bool m_focused { false };
};

/* A cell colour as an xrgb8888 pixel. */
[[nodiscard]] constexpr u32 pixel_of(terminal::Color colour)
{
    return (u32(colour.red) << 16) | (u32(colour.green) << 8) | u32(colour.blue);
}

}
