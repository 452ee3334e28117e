/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Hit-testing at every edge of a box, focus order with Tab and Shift+Tab (disabled widgets
 * skipped), buttons pressed and activated, text field editing by code point, list selection and
 * scrolling held inside the model, and damage exactly where state changed.
 */

#include "KitGlyphs.h"
#include <catch2/catch.hpp>
#include <vectra/kit/Error.h>
#include <vectra/kit/Tree.h>

using namespace vectra;
using kit::Box;
using kit::Event;
using kit::Key;
using kit::Kind;
using kit::KitError;
using kit::MessageKind;
using kit::Modifiers;

namespace {

struct Panel {
    test::EngineGlyphs glyphs { 14 };
    test::NumberedRows rows { 50 };
    kit::TreeStorage<16> storage;
    kit::Tree tree { storage.columns() };
    kit::WidgetId root, title, row, ok, cancel, field, list;

    Panel()
    {
        root = MUST(tree.add({}, Kind::Column));
        MUST(tree.set_layout(root, { 10, 6 }));
        title = MUST(tree.add(root, Kind::Label, "Settings"));
        row = MUST(tree.add(root, Kind::Row));
        MUST(tree.set_layout(row, { 0, 8 }));
        ok = MUST(tree.add(row, Kind::Button, "OK"));
        cancel = MUST(tree.add(row, Kind::Button, "Cancel"));
        field = MUST(tree.add(root, Kind::TextField, "ab"));
        list = MUST(tree.add(root, Kind::List));
        MUST(tree.set_list_model(list, &rows));
        MUST(tree.layout(glyphs, Box { 0, 0, 300, 300 }));
        (void)tree.take_damage();
    }
};

}

TEST_CASE("hit-testing finds the deepest widget, edges half-open", "[kit]")
{
    Panel panel;
    auto& tree = panel.tree;
    Box ok = MUST(tree.box(panel.ok));
    Box row = MUST(tree.box(panel.row));
    REQUIRE(tree.hit(ok.left, ok.top) == panel.ok);
    REQUIRE(tree.hit(ok.right - 1, ok.bottom - 1) == panel.ok);
    /* One past the right edge is the spacing between the buttons: the row. */
    REQUIRE(tree.hit(ok.right, ok.top) == panel.row);
    REQUIRE(tree.hit(ok.left - 1, ok.top) == panel.root);
    REQUIRE(tree.hit(ok.left, row.top - 1) == panel.root);
    REQUIRE(tree.hit(0, 0) == panel.root);
    REQUIRE(tree.hit(299, 299) == panel.root);
    REQUIRE(tree.hit(300, 10).is_null());
    REQUIRE(tree.hit(-1, 10).is_null());
    REQUIRE(tree.hit(10, 300).is_null());
    Box cancel = MUST(tree.box(panel.cancel));
    REQUIRE(tree.hit(cancel.left, cancel.top) == panel.cancel);
}

TEST_CASE("Tab moves focus in tree order over enabled buttons, fields and lists, wrapping", "[kit]")
{
    Panel panel;
    auto& tree = panel.tree;
    REQUIRE(tree.focused().is_null());
    kit::WidgetId expected[] = { panel.ok, panel.cancel, panel.field, panel.list, panel.ok };
    for (auto widget : expected) {
        auto message = MUST(tree.dispatch(Event::key_press(Key::Tab)));
        REQUIRE(message.kind == MessageKind::FocusChanged);
        REQUIRE(message.widget == widget);
        REQUIRE(tree.focused() == widget);
        REQUIRE((MUST(tree.flags(widget)) & kit::flag::focused));
    }
    REQUIRE_FALSE((MUST(tree.flags(panel.list)) & kit::flag::focused));
    /* Backwards from OK wraps to the list, then the field. */
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::Tab, Modifiers::Shift))).widget == panel.list);
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::Tab, Modifiers::Shift))).widget == panel.field);
    /* A disabled widget is skipped, and loses focus when disabled. */
    MUST(tree.set_disabled(panel.cancel, true));
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::Tab, Modifiers::Shift))).widget == panel.ok);
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::Tab))).widget == panel.field);
    MUST(tree.set_disabled(panel.field, true));
    REQUIRE(tree.focused().is_null());
}

TEST_CASE("a button is activated by a press and release inside it, not by a release outside", "[kit]")
{
    Panel panel;
    auto& tree = panel.tree;
    Box ok = MUST(tree.box(panel.ok));
    REQUIRE(MUST(tree.dispatch(Event::pointer_down(ok.left + 2, ok.top + 2))).kind == MessageKind::None);
    REQUIRE((MUST(tree.flags(panel.ok)) & kit::flag::pressed));
    REQUIRE(tree.focused() == panel.ok);
    /* Only the button's box is damaged. */
    REQUIRE(tree.take_damage().bounds() == ok);
    auto released = MUST(tree.dispatch(Event::pointer_up(ok.left + 3, ok.top + 3)));
    REQUIRE(released.kind == MessageKind::Activated);
    REQUIRE(released.widget == panel.ok);
    REQUIRE_FALSE((MUST(tree.flags(panel.ok)) & kit::flag::pressed));
    REQUIRE(tree.take_damage().bounds() == ok);

    MUST(tree.dispatch(Event::pointer_down(ok.left + 2, ok.top + 2)));
    REQUIRE(MUST(tree.dispatch(Event::pointer_up(ok.right + 50, ok.top))).kind == MessageKind::None);
    REQUIRE_FALSE((MUST(tree.flags(panel.ok)) & kit::flag::pressed));

    /* Enter and Space on the focused button activate it; a disabled button ignores presses. */
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::Enter))).kind == MessageKind::Activated);
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::Space))).kind == MessageKind::Activated);
    MUST(tree.set_disabled(panel.ok, true));
    MUST(tree.dispatch(Event::pointer_down(ok.left + 2, ok.top + 2)));
    REQUIRE_FALSE((MUST(tree.flags(panel.ok)) & kit::flag::pressed));
    REQUIRE(MUST(tree.dispatch(Event::pointer_up(ok.left + 2, ok.top + 2))).kind == MessageKind::None);
    /* A release with nothing pressed means nothing. */
    REQUIRE(MUST(tree.dispatch(Event::pointer_up(5, 5))).kind == MessageKind::None);
}

TEST_CASE("a text field edits by code point at its caret", "[kit]")
{
    Panel panel;
    auto& tree = panel.tree;
    Box field = MUST(tree.box(panel.field));
    MUST(tree.dispatch(Event::pointer_down(field.left + 1, field.top + 1)));
    REQUIRE(tree.focused() == panel.field);
    REQUIRE(MUST(tree.caret(panel.field)) == 2);

    auto typed = MUST(tree.dispatch(Event::text(U'é')));
    REQUIRE(typed.kind == MessageKind::TextChanged);
    REQUIRE(MUST(tree.text(panel.field)).bytes() == "ab\xc3\xa9");
    REQUIRE(MUST(tree.caret(panel.field)) == 4);
    MUST(tree.dispatch(Event::key_press(Key::Left)));
    REQUIRE(MUST(tree.caret(panel.field)) == 2);
    MUST(tree.dispatch(Event::text('X')));
    REQUIRE(MUST(tree.text(panel.field)).bytes() == "abX\xc3\xa9");
    MUST(tree.dispatch(Event::key_press(Key::Home)));
    REQUIRE(MUST(tree.caret(panel.field)) == 0);
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::Backspace))).kind == MessageKind::None);
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::Delete))).kind == MessageKind::TextChanged);
    REQUIRE(MUST(tree.text(panel.field)).bytes() == "bX\xc3\xa9");
    MUST(tree.dispatch(Event::key_press(Key::End)));
    REQUIRE(MUST(tree.caret(panel.field)) == 4);
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::Right))).kind == MessageKind::None);
    MUST(tree.dispatch(Event::key_press(Key::Backspace)));
    REQUIRE(MUST(tree.text(panel.field)).bytes() == "bX");
    MUST(tree.dispatch(Event::key_press(Key::Space)));
    REQUIRE(MUST(tree.text(panel.field)).bytes() == "bX ");
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::Enter))).kind == MessageKind::Submitted);

    /* Control characters, surrogates and values above U+10FFFF are refused; nothing changes. */
    for (u32 refused : { 0x0au, 0x7fu, 0x85u, 0xd800u, 0x110000u })
        REQUIRE(tree.dispatch(Event::text(refused)).error().is(KitError::InvalidText));
    REQUIRE(MUST(tree.text(panel.field)).bytes() == "bX ");

    /* A full field refuses a code point that does not fit whole. */
    MUST(tree.set_text(panel.field, std::string(63, 'a')));
    REQUIRE(tree.dispatch(Event::text(U'é')).error().is(KitError::TextTooLong));
    MUST(tree.dispatch(Event::text('z')));
    REQUIRE(MUST(tree.text(panel.field)).byte_length() == 64);
    REQUIRE(tree.dispatch(Event::text('z')).error().is(KitError::TextTooLong));
    /* Text typed with no field focused goes nowhere. */
    MUST(tree.focus(panel.ok));
    REQUIRE(MUST(tree.dispatch(Event::text('q'))).kind == MessageKind::None);
}

TEST_CASE("a list selects and scrolls within its model's rows", "[kit]")
{
    Panel panel;
    auto& tree = panel.tree;
    auto state = MUST(tree.list(panel.list));
    u32 visible = state.visible_rows;
    REQUIRE(visible >= 3);
    Box box = MUST(tree.box(panel.list));

    /* A click on the second row selects row 1. */
    auto clicked = MUST(tree.dispatch(Event::pointer_down(box.left + 5, box.top + 1 + state.row_height + 1)));
    REQUIRE(clicked.kind == MessageKind::SelectionChanged);
    REQUIRE(clicked.row == 1);
    REQUIRE(tree.focused() == panel.list);

    /* Down to the last visible row keeps the first row; one more scrolls by one. */
    for (u32 step = 2; step < visible; ++step)
        REQUIRE(MUST(tree.dispatch(Event::key_press(Key::Down))).row == step);
    REQUIRE(MUST(tree.list(panel.list)).first_row == 0);
    MUST(tree.dispatch(Event::key_press(Key::Down)));
    REQUIRE(MUST(tree.list(panel.list)).selected == visible);
    REQUIRE(MUST(tree.list(panel.list)).first_row == 1);

    /* End selects the last row and scrolls to the end; the scroll offset never passes 50 − visible. */
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::End))).row == 49);
    REQUIRE(MUST(tree.list(panel.list)).first_row == 50 - visible);
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::Down))).kind == MessageKind::None);
    REQUIRE(MUST(tree.dispatch(Event::scroll(box.left + 5, box.top + 5, 10))).kind == MessageKind::None);
    REQUIRE(MUST(tree.list(panel.list)).first_row == 50 - visible);
    auto scrolled = MUST(tree.dispatch(Event::scroll(box.left + 5, box.top + 5, -1000)));
    REQUIRE(scrolled.kind == MessageKind::Scrolled);
    REQUIRE(scrolled.row == 0);
    REQUIRE(MUST(tree.list(panel.list)).selected == 49);
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::Home))).row == 0);
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::PageDown))).row == visible - 1);
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::PageUp))).row == 0);
    REQUIRE(MUST(tree.dispatch(Event::key_press(Key::Up))).kind == MessageKind::None);

    /* A click below the last row of a short model selects nothing. */
    panel.rows.set_count(2);
    MUST(tree.model_changed(panel.list));
    REQUIRE(MUST(tree.list(panel.list)).selected == 0);
    REQUIRE(MUST(tree.list(panel.list)).first_row == 0);
    REQUIRE(tree.row_at(panel.list, box.left + 5, box.top + 1 + 3 * state.row_height) == kit::no_row);
    REQUIRE(MUST(tree.dispatch(Event::pointer_down(box.left + 5, box.top + 1 + 3 * state.row_height))).kind
        == MessageKind::None);
    /* The model shrinking below the selection clears it. */
    MUST(tree.select_row(panel.list, 1));
    panel.rows.set_count(1);
    MUST(tree.model_changed(panel.list));
    REQUIRE(MUST(tree.list(panel.list)).selected == kit::no_row);
    REQUIRE(tree.select_row(panel.list, 5).is_error() == false);
    REQUIRE(MUST(tree.list(panel.list)).selected == kit::no_row);
}

TEST_CASE("state changes damage exactly the widgets they change", "[kit]")
{
    Panel panel;
    auto& tree = panel.tree;
    REQUIRE(tree.damage().is_empty());
    MUST(tree.dispatch(Event::key_press(Key::Tab)));
    REQUIRE(tree.take_damage().bounds() == MUST(tree.box(panel.ok)));
    MUST(tree.dispatch(Event::key_press(Key::Tab)));
    auto damage = tree.take_damage();
    REQUIRE(damage.area() == MUST(tree.box(panel.ok)).area() + MUST(tree.box(panel.cancel)).area());
    /* Keys a widget ignores damage nothing. */
    MUST(tree.dispatch(Event::key_press(Key::Left)));
    REQUIRE(tree.damage().is_empty());
    MUST(tree.focus(panel.list));
    (void)tree.take_damage();
    /* A selection within the rows shown damages the row left and the row selected, nothing else. */
    MUST(tree.dispatch(Event::key_press(Key::Down)));
    REQUIRE(tree.take_damage().bounds() == tree.row_box(panel.list.index, 0));
    MUST(tree.dispatch(Event::key_press(Key::Down)));
    auto rows = tree.take_damage();
    REQUIRE(rows.area() == tree.row_box(panel.list.index, 0).area() + tree.row_box(panel.list.index, 1).area());
    REQUIRE(rows.bounds() == tree.row_box(panel.list.index, 0).united(tree.row_box(panel.list.index, 1)));
    REQUIRE_FALSE(tree.row_box(panel.list.index, 1).is_empty());
    /* A selection that scrolls damages the whole list. */
    MUST(tree.dispatch(Event::key_press(Key::End)));
    REQUIRE(tree.take_damage().bounds() == MUST(tree.box(panel.list)));
}
