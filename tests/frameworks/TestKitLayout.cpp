/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Layout numbers for nested rows and columns (padding, spacing, stretch, alignment) with DejaVu
 * Sans's real advances, boxes always inside their parents when space runs out, list rows fitted
 * to the list's height, bounds refused beyond their limits, and damage from layout only where
 * boxes moved.
 */

#include "KitGlyphs.h"
#include <catch2/catch.hpp>
#include <vectra/kit/Error.h>
#include <vectra/kit/Theme.h>
#include <vectra/kit/Tree.h>

using namespace vectra;
using kit::Align;
using kit::Box;
using kit::Kind;
using kit::KitError;

namespace {

void require_inside_parents(kit::Tree const& tree)
{
    auto const& columns = tree.columns();
    for (kit::Index index = tree.root_index(); index != kit::no_index; index = tree.next_in_order(index)) {
        kit::Index parent = columns.parent[index];
        if (parent == kit::no_index)
            continue;
        INFO("widget " << index << " in " << parent);
        REQUIRE(columns.box[parent].contains(columns.box[index]));
    }
}

}

TEST_CASE("a column of a filled row and a stretched list is laid out to the pixel", "[kit]")
{
    test::EngineGlyphs glyphs(14);
    auto line = glyphs.line_metrics();
    REQUIRE(line.line_height >= 16);
    REQUIRE(line.line_height <= 18);
    test::NumberedRows rows(100);
    kit::TreeStorage<16> storage;
    kit::Tree tree(storage.columns());
    auto root = MUST(tree.add({}, Kind::Column));
    MUST(tree.set_layout(root, { 10, 5 }));
    auto buttons = MUST(tree.add(root, Kind::Row));
    MUST(tree.set_layout(buttons, { 4, 6, 0, 0, 0, Align::Fill }));
    auto ok = MUST(tree.add(buttons, Kind::Button, "OK"));
    MUST(tree.set_layout(ok, { 6, 0, 0, 80, 36 }));
    auto cancel = MUST(tree.add(buttons, Kind::Button, "Cancel"));
    MUST(tree.set_layout(cancel, { 6, 0, 1, 80, 36 }));
    auto list = MUST(tree.add(root, Kind::List));
    MUST(tree.set_layout(list, { 1, 0, 1, 120, 0, Align::Fill }));
    MUST(tree.set_list_model(list, &rows));

    MUST(tree.layout(glyphs, Box { 0, 0, 400, 300 }));
    REQUIRE_FALSE(tree.needs_layout());
    REQUIRE(MUST(tree.box(root)) == Box { 0, 0, 400, 300 });
    /* The row fills the column's inner width; its height is its buttons' 36 plus padding 4 twice. */
    REQUIRE(MUST(tree.box(buttons)) == Box { 10, 10, 390, 54 });
    REQUIRE(MUST(tree.box(ok)) == Box { 14, 14, 94, 50 });
    /* Cancel stretches over the row's spare 372 − (80 + 6 + 80) = 206 pixels. */
    REQUIRE(MUST(tree.box(cancel)) == Box { 100, 14, 386, 50 });
    /* The list takes the column's spare height: 290 − (54 + 5). */
    REQUIRE(MUST(tree.box(list)) == Box { 10, 59, 390, 290 });
    auto state = MUST(tree.list(list));
    REQUIRE(state.row_height == line.line_height + 2 * kit::theme::list_row_padding);
    REQUIRE(state.visible_rows == (231 - 2) / state.row_height);
    require_inside_parents(tree);
}

TEST_CASE("labels and buttons measure their text with the font's advances", "[kit]")
{
    test::EngineGlyphs glyphs(18);
    auto line = glyphs.line_metrics();
    kit::TreeStorage<8> storage;
    kit::Tree tree(storage.columns());
    auto root = MUST(tree.add({}, Kind::Row));
    MUST(tree.set_layout(root, { 0, 3 }));
    auto label = MUST(tree.add(root, Kind::Label, "Volume"));
    auto button = MUST(tree.add(root, Kind::Button, "Apply"));
    auto field = MUST(tree.add(root, Kind::TextField, "A rather long text"));
    MUST(tree.layout(glyphs, Box { 0, 0, 1000, 100 }));

    i32 label_width = glyphs.pixels("Volume") + 2 * kit::theme::label_padding;
    i32 button_width = glyphs.pixels("Apply") + 2 * kit::theme::button_padding;
    i32 field_width = glyphs.pixels("A rather long text") + 1 + 2 * kit::theme::field_padding;
    REQUIRE(field_width > kit::theme::minimum_field_width);
    REQUIRE(MUST(tree.box(label)) == Box { 0, 0, label_width, line.line_height + 2 * kit::theme::label_padding });
    REQUIRE(MUST(tree.box(button))
        == Box {
            label_width + 3, 0, label_width + 3 + button_width, line.line_height + 2 * kit::theme::button_padding });
    i32 field_left = label_width + 3 + button_width + 3;
    REQUIRE(MUST(tree.box(field))
        == Box { field_left, 0, field_left + field_width, line.line_height + 2 * kit::theme::field_padding });
    /* A short text keeps a field at its minimum width. */
    MUST(tree.set_text(field, "ab"));
    REQUIRE(tree.needs_layout());
    MUST(tree.layout(glyphs, Box { 0, 0, 1000, 100 }));
    REQUIRE(MUST(tree.box(field)).width() == u32(kit::theme::minimum_field_width));
}

TEST_CASE("stretch shares spare length by weight without losing a pixel, and alignment places across", "[kit]")
{
    test::EngineGlyphs glyphs(14);
    kit::TreeStorage<8> storage;
    kit::Tree tree(storage.columns());
    auto root = MUST(tree.add({}, Kind::Row));
    kit::WidgetId parts[3];
    u16 weights[3] = { 1, 2, 1 };
    Align aligns[3] = { Align::Start, Align::Center, Align::End };
    for (usize part = 0; part < 3; ++part) {
        parts[part] = MUST(tree.add(root, Kind::Column));
        MUST(tree.set_layout(parts[part], { 0, 0, weights[part], 20, 10, aligns[part] }));
    }
    MUST(tree.layout(glyphs, Box { 0, 0, 70, 30 }));
    /* 10 spare pixels by cumulative weight: 10·1/4 = 2, 10·3/4 = 7 (5 more), 10 (3 more). */
    REQUIRE(MUST(tree.box(parts[0])) == Box { 0, 0, 22, 10 });
    REQUIRE(MUST(tree.box(parts[1])) == Box { 22, 10, 47, 20 });
    REQUIRE(MUST(tree.box(parts[2])) == Box { 47, 20, 70, 30 });
}

TEST_CASE("when space runs out, every box stays inside its parent", "[kit]")
{
    test::EngineGlyphs glyphs(14);
    test::NumberedRows rows(5);
    kit::TreeStorage<16> storage;
    kit::Tree tree(storage.columns());
    auto root = MUST(tree.add({}, Kind::Column));
    MUST(tree.set_layout(root, { 8, 8 }));
    auto row = MUST(tree.add(root, Kind::Row));
    MUST(tree.set_layout(row, { 3, 4 }));
    MUST(tree.add(row, Kind::Button, "Much too wide for the window"));
    MUST(tree.add(row, Kind::TextField, "more"));
    auto list = MUST(tree.add(root, Kind::List));
    MUST(tree.set_list_model(list, &rows));
    auto tail = MUST(tree.add(root, Kind::Label, "below everything"));
    for (i32 side : { 0, 1, 7, 16, 17, 30, 60, 90 }) {
        MUST(tree.layout(glyphs, Box { 5, 5, 5 + side, 5 + side }));
        require_inside_parents(tree);
    }
    /* A label pushed out below the window has an empty box inside its parent. */
    MUST(tree.layout(glyphs, Box { 0, 0, 40, 40 }));
    REQUIRE(MUST(tree.box(tail)).is_empty());
}

TEST_CASE("layout bounds beyond the coordinate limits are refused", "[kit]")
{
    test::EngineGlyphs glyphs(14);
    kit::TreeStorage<2> storage;
    kit::Tree tree(storage.columns());
    MUST(tree.add({}, Kind::Column));
    REQUIRE(tree.layout(glyphs, Box { 0, 0, 70000, 10 }).error().is(KitError::OutOfBounds));
    REQUIRE(tree.layout(glyphs, Box { -(1 << 21), 0, 10, 10 }).error().is(KitError::OutOfBounds));
    REQUIRE(tree.layout(glyphs, Box { 10, 10, 5, 5 }).error().is(KitError::OutOfBounds));
    MUST(tree.layout(glyphs, Box { -100, -100, 100, 100 }));
}

TEST_CASE("a glyph source's refusal fails the layout with its error", "[kit]")
{
    test::EngineGlyphs glyphs(14);
    kit::TreeStorage<2> storage;
    kit::Tree tree(storage.columns());
    auto root = MUST(tree.add({}, Kind::Row));
    MUST(tree.add(root, Kind::Label, "text"));
    glyphs.refuse(true);
    REQUIRE(tree.layout(glyphs, Box { 0, 0, 100, 100 }).error().is(KitError::GlyphFailed));
    glyphs.refuse(false);
    MUST(tree.layout(glyphs, Box { 0, 0, 100, 100 }));
}

TEST_CASE("layout damages only the boxes that moved or resized, old and new", "[kit]")
{
    test::EngineGlyphs glyphs(14);
    kit::TreeStorage<8> storage;
    kit::Tree tree(storage.columns());
    auto root = MUST(tree.add({}, Kind::Column));
    auto top = MUST(tree.add(root, Kind::Label, "Top"));
    auto row = MUST(tree.add(root, Kind::Row));
    auto left = MUST(tree.add(row, Kind::Label, "left"));
    auto right = MUST(tree.add(row, Kind::Label, "right"));
    MUST(tree.layout(glyphs, Box { 0, 0, 300, 200 }));
    REQUIRE(tree.take_damage().bounds() == Box { 0, 0, 300, 200 });
    MUST(tree.layout(glyphs, Box { 0, 0, 300, 200 }));
    REQUIRE(tree.damage().is_empty());

    Box top_box = MUST(tree.box(top));
    Box left_before = MUST(tree.box(left));
    Box right_before = MUST(tree.box(right));
    MUST(tree.set_text(left, "much longer left"));
    MUST(tree.layout(glyphs, Box { 0, 0, 300, 200 }));
    auto damage = tree.take_damage();
    Box left_after = MUST(tree.box(left));
    Box right_after = MUST(tree.box(right));
    REQUIRE(left_after.width() > left_before.width());
    REQUIRE(right_after.left > right_before.left);
    /* The label above did not move: none of its pixels are damaged. */
    REQUIRE(damage.bounds().intersected(top_box).is_empty());
    for (Box const& box : { left_before, left_after, right_before, right_after })
        for (i32 y = box.top; y < box.bottom; ++y)
            for (i32 x = box.left; x < box.right; ++x)
                REQUIRE(damage.contains(x, y));
}
