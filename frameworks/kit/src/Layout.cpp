/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Layout as two passes over the columns: preferred sizes bottom-up (post-order), then boxes
 * top-down (pre-order), each child's box inside its container's padding, so every box lies inside
 * its parent's. Rows and columns share their spare length among children by `stretch`.
 */

#include <vectra/Try.h>
#include <vectra/kit/Error.h>
#include <vectra/kit/Theme.h>
#include <vectra/kit/Tree.h>

namespace vectra::kit {

namespace {

i32 clamp_side(i64 value)
{
    if (value < 0)
        return 0;
    return value > maximum_side ? maximum_side : i32(value);
}

i32 larger(i32 a, i32 b) { return a > b ? a : b; }
i32 smaller(i32 a, i32 b) { return a < b ? a : b; }

i32 row_height(LineMetrics const& line) { return line.line_height + 2 * theme::list_row_padding; }

/* The box inside `padding`; an empty box at the top-left corner when the padding leaves nothing. */
Box inner_box(Box const& box, i32 padding)
{
    Box inner { box.left + padding, box.top + padding, box.right - padding, box.bottom - padding };
    if (inner.right < inner.left)
        inner.right = inner.left = smaller(box.left + padding, box.right);
    if (inner.bottom < inner.top)
        inner.bottom = inner.top = smaller(box.top + padding, box.bottom);
    return inner;
}

}

ErrorOr<Size> Tree::measure(Index index, GlyphSource& glyphs) const
{
    auto const& parameters = m_columns.layout[index];
    i64 padding = 2 * i64(parameters.padding);
    LineMetrics line = glyphs.line_metrics();
    i64 width = 0;
    i64 height = 0;
    switch (m_columns.kind[index]) {
    case Kind::Free:
        VERIFY_NOT_REACHED();
    case Kind::Label:
    case Kind::Button:
    case Kind::TextField: {
        i64 text = TRY(measure_text(glyphs, m_columns.text[index].view()));
        /* A text field keeps a pixel after its text for the caret. */
        width = (text + 63) / 64 + (m_columns.kind[index] == Kind::TextField ? 1 : 0) + padding;
        height = line.line_height + padding;
        break;
    }
    case Kind::List:
        width = padding;
        height = i64(theme::list_default_rows) * row_height(line) + padding;
        break;
    case Kind::Row:
    case Kind::Column: {
        bool is_row = m_columns.kind[index] == Kind::Row;
        i64 along = 0;
        i64 across = 0;
        usize children = 0;
        for (Index child = m_columns.first_child[index]; child != no_index; child = m_columns.next_sibling[child]) {
            Size size = m_columns.preferred[child];
            along += is_row ? size.width : size.height;
            i64 child_across = is_row ? size.height : size.width;
            across = child_across > across ? child_across : across;
            ++children;
        }
        if (children > 1)
            along += i64(parameters.spacing) * i64(children - 1);
        width = (is_row ? along : across) + padding;
        height = (is_row ? across : along) + padding;
        break;
    }
    }
    return Size { larger(clamp_side(width), parameters.minimum_width),
        larger(clamp_side(height), parameters.minimum_height) };
}

void Tree::arrange(Index index)
{
    Kind kind = m_columns.kind[index];
    auto const& parameters = m_columns.layout[index];
    Box inner = inner_box(m_columns.box[index], parameters.padding);
    if (kind == Kind::List) {
        auto& list = m_columns.list[index];
        u32 visible = list.row_height == 0 ? 0 : u32(inner.height()) / list.row_height;
        list.visible_rows = u16(visible > 0xffff ? 0xffff : visible);
        clamp_list(index);
        return;
    }
    if (kind != Kind::Row && kind != Kind::Column)
        return;
    bool is_row = kind == Kind::Row;
    i64 available = is_row ? inner.width() : inner.height();
    i64 wanted = 0;
    i64 total_stretch = 0;
    usize children = 0;
    for (Index child = m_columns.first_child[index]; child != no_index; child = m_columns.next_sibling[child]) {
        Size size = m_columns.preferred[child];
        wanted += is_row ? size.width : size.height;
        total_stretch += m_columns.layout[child].stretch;
        ++children;
    }
    if (children > 1)
        wanted += i64(parameters.spacing) * i64(children - 1);
    i64 spare = available > wanted ? available - wanted : 0;
    i64 handed_out = 0;
    i64 stretch_seen = 0;
    i64 cursor = is_row ? inner.left : inner.top;
    i32 across_start = is_row ? inner.top : inner.left;
    i32 across_length = i32(is_row ? inner.height() : inner.width());
    for (Index child = m_columns.first_child[index]; child != no_index; child = m_columns.next_sibling[child]) {
        Size size = m_columns.preferred[child];
        auto const& child_parameters = m_columns.layout[child];
        i64 length = is_row ? size.width : size.height;
        if (spare > 0 && child_parameters.stretch > 0) {
            /* Shares by cumulative stretch, so rounding never loses a pixel of the spare length. */
            stretch_seen += child_parameters.stretch;
            i64 due = spare * stretch_seen / total_stretch;
            length += due - handed_out;
            handed_out = due;
        }
        i32 wanted_across = is_row ? size.height : size.width;
        i32 across = smaller(wanted_across, across_length);
        i32 offset = 0;
        switch (child_parameters.align) {
        case Align::Start:
            break;
        case Align::Center:
            offset = (across_length - across) / 2;
            break;
        case Align::End:
            offset = across_length - across;
            break;
        case Align::Fill:
            across = across_length;
            break;
        }
        /* Along the axis: from the cursor, cut at the container's inner end. */
        i64 along_end = is_row ? inner.right : inner.bottom;
        i32 from = i32(cursor < along_end ? cursor : along_end);
        i32 to = i32(cursor + length < along_end ? cursor + length : along_end);
        i32 across_from = across_start + offset;
        Box placed = is_row ? Box { from, across_from, to, across_from + across }
                            : Box { across_from, from, across_from + across, to };
        placed = placed.intersected(inner);
        if (placed.is_empty())
            placed = Box { inner.left, inner.top, inner.left, inner.top };
        if (!(placed == m_columns.box[child])) {
            damage_widget(child);
            m_columns.box[child] = placed;
            damage_widget(child);
        }
        cursor += length + parameters.spacing;
    }
}

ErrorOr<void> Tree::layout(GlyphSource& glyphs, Box bounds)
{
    if (bounds.left < -surface::maximum_coordinate || bounds.top < -surface::maximum_coordinate
        || bounds.right > surface::maximum_coordinate || bounds.bottom > surface::maximum_coordinate
        || bounds.right < bounds.left || bounds.bottom < bounds.top || i64(bounds.right) - bounds.left > maximum_side
        || i64(bounds.bottom) - bounds.top > maximum_side)
        return Error(KitError::OutOfBounds, "a layout box beyond ±2^20 or wider or taller than 2^16");
    if (m_root == no_index)
        return {};
    LineMetrics line = glyphs.line_metrics();

    /* Bottom-up: preferred sizes, children before their parent. */
    auto leftmost = [&](Index index) {
        while (m_columns.first_child[index] != no_index)
            index = m_columns.first_child[index];
        return index;
    };
    Index index = leftmost(m_root);
    while (true) {
        m_columns.preferred[index] = TRY(measure(index, glyphs));
        if (m_columns.kind[index] == Kind::List)
            m_columns.list[index].row_height
                = u16(clamp_side(row_height(line)) > 0xffff ? 0xffff : clamp_side(row_height(line)));
        if (index == m_root)
            break;
        Index next = m_columns.next_sibling[index];
        index = next != no_index ? leftmost(next) : m_columns.parent[index];
    }

    /* Top-down: the root takes the bounds, each container places its children. */
    if (!(m_columns.box[m_root] == bounds)) {
        damage_widget(m_root);
        m_columns.box[m_root] = bounds;
        damage_widget(m_root);
    }
    for (index = m_root; index != no_index; index = next_in_order(index))
        arrange(index);
    m_needs_layout = false;
    return {};
}

}
