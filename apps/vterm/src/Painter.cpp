/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A vterm window's pixels (Painter.h).
 */

#include <vectra/Try.h>
#include <vectra/Utf8View.h>
#include <vectra/kit/Error.h>
#include <vterm/Painter.h>

namespace vectra::vterm {

using surface::Box;
using terminal::Cell;

ErrorOr<Painter> Painter::try_create(kit::GlyphSource& glyphs)
{
    auto line = glyphs.line_metrics();
    auto em = TRY(glyphs.glyph('M'));
    if (em.advance <= 0 || line.line_height <= 0)
        return Error(kit::KitError::GlyphFailed, "the face has no advance or no line height");
    CellMetrics cell { u32((em.advance + 63) / 64), u32(line.line_height), line.ascender };
    return Painter(glyphs, cell);
}

Box Painter::cell_box(u16 row, u16 column) const
{
    return Box::of(
        i32(u32(column) * m_cell.width), i32(title_height() + u32(row) * m_cell.height), m_cell.width, m_cell.height);
}

std::optional<Painter::Hit> Painter::hit(i32 x, i32 y, terminal::Size size) const
{
    if (x < 0 || y < 0 || u32(x) >= width_for(size) || u32(y) >= height_for(size))
        return std::nullopt;
    if (u32(y) < title_height())
        return Hit { true, 0, 0 };
    return Hit { false, u16((u32(y) - title_height()) / m_cell.height), u16(u32(x) / m_cell.width) };
}

ErrorOr<void> Painter::draw_title(kit::Canvas& canvas, std::span<u8 const> title, bool focused)
{
    Box bar = Box::of(0, 0, canvas.width(), title_height());
    canvas.fill(bar, bar, focused ? title_focused : title_unfocused);
    auto text = Utf8View::try_from(title);
    if (text.is_error())
        return {};
    i32 pen = i32(title_padding);
    i32 baseline = i32(title_padding) + m_cell.baseline;
    Box inside = Box::of(i32(title_padding), 0, canvas.width() - 2 * title_padding, title_height());
    for (u32 code_point : text.value()) {
        auto glyph = TRY(m_glyphs->glyph(code_point));
        canvas.blend_glyph(glyph, pen, baseline, inside, focused ? title_text : 0xb0b0b0);
        pen += i32(m_cell.width);
    }
    usize length = title.size() < sizeof(m_title) ? title.size() : sizeof(m_title);
    __builtin_memcpy(m_title, title.data(), length);
    m_title_length = length;
    m_focused = focused;
    return {};
}

ErrorOr<void> Painter::draw_cell(kit::Canvas& canvas, terminal::Terminal const& model, u16 row, u16 column)
{
    Cell cell = model.view_cell(row, column);
    if (cell.width == 0 && column > 0) {
        /* The right half of a wide character: its left half draws both. */
        return draw_cell(canvas, model, row, u16(column - 1));
    }
    Box box = cell_box(row, column);
    if (cell.width == 2)
        box.right += i32(m_cell.width);
    auto cursor = model.cursor();
    bool is_cursor = cursor.visible && model.view_offset() == 0 && cursor.row == row && cursor.column == column;
    /* The cursor and the selection are each drawn reversed; the cursor inside the selection shows as itself again. */
    bool reversed = (cell.has(terminal::attribute::reverse) != is_cursor)
        != model.is_selected(model.view_position(row, column));
    u32 foreground = pixel_of(reversed ? cell.background : cell.foreground);
    u32 background = pixel_of(reversed ? cell.foreground : cell.background);
    canvas.fill(box, box, background);
    i32 baseline = box.top + m_cell.baseline;
    for (u32 code_point : cell.code_points) {
        if (code_point == 0)
            break;
        auto glyph = TRY(m_glyphs->glyph(code_point));
        canvas.blend_glyph(glyph, box.left, baseline, box, foreground);
    }
    if (cell.has(terminal::attribute::underline))
        canvas.fill({ box.left, baseline + 1, box.right, baseline + 2 }, box, foreground);
    if (cell.has(terminal::attribute::strike)) {
        i32 middle = baseline - m_cell.baseline / 3;
        canvas.fill({ box.left, middle, box.right, middle + 1 }, box, foreground);
    }
    return {};
}

ErrorOr<void> Painter::draw_all(kit::Canvas& canvas, terminal::Terminal& model, std::span<u8 const> title, bool focused)
{
    TRY(draw_title(canvas, title, focused));
    auto size = model.size();
    for (u16 row = 0; row < size.rows; ++row) {
        for (u16 column = 0; column < size.columns; ++column)
            TRY(draw_cell(canvas, model, row, column));
    }
    model.clear_damage();
    return {};
}

ErrorOr<void> Painter::draw_changes(
    kit::Canvas& canvas, terminal::Terminal& model, std::span<u8 const> title, bool focused, surface::Region& damage)
{
    if (focused != m_focused || title.size() != m_title_length
        || __builtin_memcmp(title.data(), m_title, m_title_length) != 0) {
        TRY(draw_title(canvas, title, focused));
        damage.add(Box::of(0, 0, canvas.width(), title_height()));
    }
    auto rows = model.damage();
    for (u16 row = 0; row < rows.size(); ++row) {
        auto run = rows[row];
        if (run.is_empty())
            continue;
        u16 begin = run.begin;
        u16 end = run.end < model.size().columns ? run.end : model.size().columns;
        for (u16 column = begin; column < end; ++column)
            TRY(draw_cell(canvas, model, row, column));
        /* A wide character cut by the run's ends is drawn whole: the box covers both halves. */
        Box first = cell_box(row, begin > 0 && model.view_cell(row, begin).width == 0 ? u16(begin - 1) : begin);
        Box last = cell_box(row, u16(end - 1));
        if (model.view_cell(row, u16(end - 1)).width == 2)
            last.right += i32(m_cell.width);
        damage.add(first.united(last).intersected(canvas.bounds()));
    }
    model.clear_damage();
    return {};
}

}
