/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Drawing as a pass over the columns, limited to a region: each box of it is cleared to the window
 * colour, then every widget whose box meets it is drawn in tree order (parents under children),
 * clipped to that box. Text goes through the glyph source, baseline centred in the content box.
 */

#include <vectra/Try.h>
#include <vectra/kit/Canvas.h>
#include <vectra/kit/Error.h>
#include <vectra/kit/Theme.h>
#include <vectra/kit/Tree.h>

namespace vectra::kit {

namespace {

Box inset(Box const& box, i32 amount)
{
    Box inner { box.left + amount, box.top + amount, box.right - amount, box.bottom - amount };
    return inner.is_empty() ? Box {} : inner;
}

ErrorOr<void> draw_text(
    Canvas& canvas, GlyphSource& glyphs, Utf8View text, i32 x, i32 baseline, Box const& clip, u32 colour)
{
    i64 pen = 0;
    for (u32 code_point : text) {
        auto glyph = TRY(glyphs.glyph(code_point));
        canvas.blend_glyph(glyph, x + i32(pen / 64), baseline, clip, colour);
        pen += glyph.advance;
    }
    return {};
}

i32 baseline_in(Box const& content, LineMetrics const& line)
{
    return content.top + (i32(content.height()) - line.line_height) / 2 + line.ascender;
}

}

ErrorOr<void> Tree::draw(Canvas& canvas, GlyphSource& glyphs, Region const& region) const
{
    if (m_root == no_index)
        return {};
    LineMetrics line = glyphs.line_metrics();
    for (Box const& part : region.boxes()) {
        Box clip = part.intersected(m_columns.box[m_root]).intersected(canvas.bounds());
        if (clip.is_empty())
            continue;
        canvas.fill(clip, clip, theme::window);
        Index index = m_root;
        while (index != no_index) {
            Box const& box = m_columns.box[index];
            if (box.intersected(clip).is_empty()) {
                index = next_after_subtree(index);
                continue;
            }
            u8 flags = m_columns.flags[index];
            bool focused = flags & flag::focused;
            bool disabled = flags & flag::disabled;
            u32 border_width = focused ? theme::focus_width : theme::border_width;
            u32 border = focused ? theme::focus : theme::border;
            u32 text_colour = disabled ? theme::disabled_text : theme::text;
            Box content = inset(box, m_columns.layout[index].padding);
            Box text_clip = inset(box, i32(border_width)).intersected(clip);
            Utf8View text = m_columns.text[index].view();
            switch (m_columns.kind[index]) {
            case Kind::Free:
                VERIFY_NOT_REACHED();
            case Kind::Row:
            case Kind::Column:
                break;
            case Kind::Label:
                TRY(draw_text(canvas, glyphs, text, content.left, baseline_in(content, line), box.intersected(clip),
                    text_colour));
                break;
            case Kind::Button: {
                u32 face = disabled ? theme::button_disabled
                                    : (flags & flag::pressed ? theme::button_pressed : theme::button_face);
                canvas.fill(box, clip, face);
                canvas.frame(box, clip, border_width, border);
                i64 width = (TRY(measure_text(glyphs, text)) + 63) / 64;
                i32 x = content.left + (i32(content.width()) - i32(width)) / 2;
                TRY(draw_text(canvas, glyphs, text, x, baseline_in(content, line), text_clip, text_colour));
                break;
            }
            case Kind::TextField: {
                canvas.fill(box, clip, theme::field);
                canvas.frame(box, clip, border_width, border);
                i32 baseline = baseline_in(content, line);
                TRY(draw_text(canvas, glyphs, text, content.left, baseline, text_clip, text_colour));
                if (focused) {
                    auto before = MUST(text.try_substring(0, m_columns.caret[index]));
                    i32 x = content.left + i32(TRY(measure_text(glyphs, before)) / 64);
                    canvas.fill(
                        { x, baseline - line.ascender, x + 1, baseline + line.descender }, text_clip, theme::text);
                }
                break;
            }
            case Kind::List: {
                canvas.fill(box, clip, theme::field);
                canvas.frame(box, clip, border_width, border);
                auto const& list = m_columns.list[index];
                if (list.model == nullptr)
                    break;
                u32 rows = list.model->row_count();
                for (u32 shown = 0; shown < list.visible_rows && list.first_row + shown < rows; ++shown) {
                    u32 row = list.first_row + shown;
                    Box row_box = this->row_box(index, row);
                    u32 colour = text_colour;
                    if (row == list.selected) {
                        canvas.fill(row_box, text_clip, focused ? theme::selection : theme::selection_unfocused);
                        colour = focused ? theme::selected_text : theme::text;
                    }
                    TRY(draw_text(canvas, glyphs, list.model->row_text(row), row_box.left + theme::list_row_padding,
                        baseline_in(row_box, line), row_box.intersected(text_clip), colour));
                }
                break;
            }
            }
            index = next_in_order(index);
        }
    }
    return {};
}

}
