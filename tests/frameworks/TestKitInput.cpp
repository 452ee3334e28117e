/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * inputd's and compositord's events into VectraKit's through one translator: named keys as keys
 * (Shift kept), other keys as the characters they typed, releases ignored, the left button's
 * changes as presses and releases at surface coordinates, focus in and out; hostile ones (outside
 * the surface, releases without presses, unknown codes, control characters, keys after the
 * focus went) harmless; and whole sequences of them driving a tree, as a client would.
 */

#include "KitGlyphs.h"
#include <catch2/catch.hpp>
#include <vectra/input/Event.h>
#include <vectra/input/Keyboard.h>
#include <vectra/input/Pointer.h>
#include <vectra/input/Protocol.h>
#include <vectra/kit/Input.h>
#include <vectra/kit/Tree.h>

using namespace vectra;
using kit::Box;
using kit::EventKind;
using kit::Key;
using kit::Kind;

namespace {

/* A key or a pointer report in either protocol's event: both carry the same fields for them. */
template<typename Routed>
Routed key_event(u8 kind, u16 code, u8 action, u8 modifiers, u32 character)
{
    Routed event;
    event.kind = kind;
    event.action = action;
    event.code = code;
    event.modifiers = modifiers;
    if (character)
        MUST(event.characters.try_append(character));
    return event;
}

template<typename Routed, typename Coordinate>
Routed pointer_event(u8 kind, Coordinate x, Coordinate y, u8 buttons)
{
    Routed event;
    event.kind = kind;
    event.x = x;
    event.y = y;
    event.buttons = buttons;
    return event;
}

input::InputEvent key(u16 code, u8 action = input::key_action::press, u8 modifiers = 0, u32 character = 0)
{
    return key_event<input::InputEvent>(input::event_kind::key, code, action, modifiers, character);
}

input::InputEvent pointer(u32 x, u32 y, u8 buttons)
{
    return pointer_event<input::InputEvent>(input::event_kind::pointer, x, y, buttons);
}

/* compositord's events, all for surface 1. */
surface::SurfaceEvent surface_key(u16 code, u8 action = input::key_action::press, u8 modifiers = 0, u32 character = 0)
{
    auto event = key_event<surface::SurfaceEvent>(surface::event_kind::key, code, action, modifiers, character);
    event.surface = 1;
    return event;
}

surface::SurfaceEvent surface_pointer(i32 x, i32 y, u8 buttons)
{
    auto event = pointer_event<surface::SurfaceEvent>(surface::event_kind::pointer, x, y, buttons);
    event.surface = 1;
    return event;
}

surface::SurfaceEvent surface_focus(u8 action)
{
    surface::SurfaceEvent event;
    event.kind = surface::event_kind::focus;
    event.surface = 1;
    event.action = action;
    return event;
}

}

TEST_CASE("keys from inputd become VectraKit keys or text", "[kit]")
{
    kit::InputTranslator translator(0, 0);
    kit::Event out[kit::InputTranslator::maximum_events];
    REQUIRE(translator.translate(key(input::key::tab), out) == 1);
    REQUIRE(out[0].kind == EventKind::Key);
    REQUIRE(out[0].key == Key::Tab);
    REQUIRE(out[0].modifiers == kit::Modifiers::None);
    REQUIRE(translator.translate(key(input::key::tab, input::key_action::press, input::modifier::shift), out) == 1);
    REQUIRE(out[0].modifiers == kit::Modifiers::Shift);
    REQUIRE(translator.translate(key(input::key::down, input::key_action::repeat), out) == 1);
    REQUIRE(out[0].key == Key::Down);
    REQUIRE(translator.translate(key(input::key::space, input::key_action::press, 0, ' '), out) == 1);
    REQUIRE(out[0].key == Key::Space);
    REQUIRE(translator.translate(key(111), out) == 1);
    REQUIRE(out[0].key == Key::Delete);
    REQUIRE(translator.translate(key(102), out) == 1);
    REQUIRE(out[0].key == Key::Home);

    REQUIRE(translator.translate(key(input::key::e, input::key_action::press, 0, U'é'), out) == 1);
    REQUIRE(out[0].kind == EventKind::Text);
    REQUIRE(out[0].code_point == U'é');
    /* A dead key then a letter it does not compose with types both. */
    auto both = key(input::key::e, input::key_action::press, 0, '^');
    MUST(both.characters.try_append('x'));
    REQUIRE(translator.translate(both, out) == 2);
    REQUIRE(out[0].code_point == '^');
    REQUIRE(out[1].code_point == 'x');
    /* Releases, modifiers alone and unknown kinds mean nothing. */
    REQUIRE(translator.translate(key(input::key::tab, input::key_action::release), out) == 0);
    REQUIRE(translator.translate(key(input::key::left_shift), out) == 0);
    input::InputEvent unknown;
    unknown.kind = 9;
    REQUIRE(translator.translate(unknown, out) == 0);
}

TEST_CASE("the left button's changes become presses and releases in surface coordinates", "[kit]")
{
    kit::InputTranslator translator(100, 50);
    kit::Event out[kit::InputTranslator::maximum_events];
    REQUIRE(translator.translate(pointer(150, 70, 0), out) == 0);
    REQUIRE(translator.translate(pointer(160, 80, input::button::left), out) == 1);
    REQUIRE(out[0].kind == EventKind::PointerDown);
    REQUIRE(out[0].x == 60);
    REQUIRE(out[0].y == 30);
    REQUIRE(translator.translate(pointer(170, 90, input::button::left), out) == 0);
    REQUIRE(translator.translate(pointer(170, 90, input::button::left | input::button::right), out) == 0);
    REQUIRE(translator.translate(pointer(20, 10, input::button::right), out) == 1);
    REQUIRE(out[0].kind == EventKind::PointerUp);
    REQUIRE(out[0].x == -80);
    REQUIRE(out[0].y == -40);
}

TEST_CASE("a sequence of inputd events drives a tree as a client would", "[kit]")
{
    test::EngineGlyphs glyphs(14);
    kit::TreeStorage<8> storage;
    kit::Tree tree(storage.columns());
    auto root = MUST(tree.add({}, Kind::Column));
    MUST(tree.set_layout(root, { 10, 6 }));
    auto field = MUST(tree.add(root, Kind::TextField, "ab"));
    auto button = MUST(tree.add(root, Kind::Button, "OK"));
    MUST(tree.layout(glyphs, Box { 0, 0, 200, 120 }));
    Box ok = MUST(tree.box(button));

    kit::InputTranslator translator(300, 200);
    input::InputEvent sequence[] = {
        key(input::key::tab),
        key(input::key::c, input::key_action::press, 0, 'c'),
        key(input::key::c, input::key_action::release),
        key(input::key::left),
        key(input::key::backspace),
        pointer(u32(300 + ok.left + 3), u32(200 + ok.top + 3), input::button::left),
        pointer(u32(300 + ok.left + 4), u32(200 + ok.top + 4), 0),
    };
    kit::MessageKind last = kit::MessageKind::None;
    for (auto const& event : sequence) {
        kit::Event out[kit::InputTranslator::maximum_events];
        usize count = translator.translate(event, out);
        for (usize index = 0; index < count; ++index)
            last = MUST(tree.dispatch(out[index])).kind;
    }
    REQUIRE(MUST(tree.text(field)).bytes() == "ac");
    REQUIRE(last == kit::MessageKind::Activated);
    REQUIRE(tree.focused() == button);
}

TEST_CASE("compositord's keys become VectraKit keys or text while the surface holds the focus", "[kit]")
{
    auto translator = kit::InputTranslator::for_surface();
    kit::Event out[kit::InputTranslator::maximum_events];
    /* Before any focus: keys are dropped (compositord sends keys only to the focused surface). */
    REQUIRE(!translator.focused());
    REQUIRE(translator.translate(surface_key(input::key::tab), out) == 0);
    REQUIRE(translator.translate(surface_focus(surface::focus_action::gained), out) == 1);
    REQUIRE(out[0].kind == EventKind::FocusIn);
    REQUIRE(translator.focused());
    REQUIRE(translator.translate(surface_key(input::key::tab, input::key_action::press, input::modifier::shift), out)
        == 1);
    REQUIRE(out[0].kind == EventKind::Key);
    REQUIRE(out[0].key == Key::Tab);
    REQUIRE(out[0].modifiers == kit::Modifiers::Shift);
    REQUIRE(translator.translate(surface_key(input::key::down, input::key_action::repeat), out) == 1);
    REQUIRE(out[0].key == Key::Down);
    REQUIRE(translator.translate(surface_key(input::key::space, input::key_action::press, 0, ' '), out) == 1);
    REQUIRE(out[0].key == Key::Space);
    REQUIRE(translator.translate(surface_key(input::key::e, input::key_action::press, input::modifier::shift, 'E'), out)
        == 1);
    REQUIRE(out[0].kind == EventKind::Text);
    REQUIRE(out[0].code_point == 'E');
    REQUIRE(translator.translate(surface_key(input::key::tab, input::key_action::release), out) == 0);

    /* Lost: a FocusOut, then every key is stale, named or typed. */
    REQUIRE(translator.translate(surface_focus(surface::focus_action::lost), out) == 1);
    REQUIRE(out[0].kind == EventKind::FocusOut);
    REQUIRE(translator.translate(surface_key(input::key::tab), out) == 0);
    REQUIRE(translator.translate(surface_key(input::key::a, input::key_action::press, 0, 'a'), out) == 0);
    /* The client's own focus request succeeding says the same as a gained event. */
    translator.set_focused(true);
    REQUIRE(translator.translate(surface_key(input::key::a, input::key_action::press, 0, 'a'), out) == 1);
    REQUIRE(out[0].code_point == 'a');
    /* A focus event with an unknown action changes nothing. */
    REQUIRE(translator.translate(surface_focus(7), out) == 0);
    REQUIRE(translator.focused());
}

TEST_CASE("hostile keys from compositord mean nothing: unknown codes, control characters, unknown kinds", "[kit]")
{
    auto translator = kit::InputTranslator::for_surface();
    translator.set_focused(true);
    kit::Event out[kit::InputTranslator::maximum_events];
    REQUIRE(translator.translate(surface_key(0xffff), out) == 0);
    REQUIRE(translator.translate(surface_key(999, input::key_action::press, 0, 'q'), out) == 1);
    REQUIRE(out[0].code_point == 'q');
    REQUIRE(translator.translate(surface_key(input::key::escape, input::key_action::press, 0, 0x1b), out) == 0);
    REQUIRE(translator.translate(surface_key(input::key::a, input::key_action::press, 0, 0x7f), out) == 0);
    REQUIRE(translator.translate(surface_key(input::key::a, input::key_action::press, 0, 0x85), out) == 0);
    REQUIRE(translator.translate(surface_key(input::key::a, input::key_action::press, 0, 0xd800), out) == 0);
    REQUIRE(translator.translate(surface_key(input::key::a, input::key_action::press, 0, 0x110000), out) == 0);
    REQUIRE(translator.translate(surface_key(input::key::a, 0), out) == 0);
    REQUIRE(translator.translate(surface_key(input::key::a, 9, 0, 'a'), out) == 0);
    /* A good character beside a bad one: only the good one. */
    auto mixed = surface_key(input::key::a, input::key_action::press, 0, 0x07);
    MUST(mixed.characters.try_append(U'ß'));
    REQUIRE(translator.translate(mixed, out) == 1);
    REQUIRE(out[0].code_point == U'ß');
    surface::SurfaceEvent unknown;
    unknown.kind = 0;
    REQUIRE(translator.translate(unknown, out) == 0);
    unknown.kind = 200;
    REQUIRE(translator.translate(unknown, out) == 0);
}

TEST_CASE("compositord's pointer: presses and releases in surface pixels, clamped, no release without a press", "[kit]")
{
    auto translator = kit::InputTranslator::for_surface();
    kit::Event out[kit::InputTranslator::maximum_events];
    /* Pointer reports need no focus (a press is what focuses); motion alone means nothing. */
    REQUIRE(translator.translate(surface_pointer(10, 20, 0), out) == 0);
    /* A release without a press. */
    REQUIRE(translator.translate(surface_pointer(10, 20, 0), out) == 0);
    REQUIRE(translator.translate(surface_pointer(10, 20, input::button::right), out) == 0);
    REQUIRE(translator.translate(surface_pointer(10, 20, 0), out) == 0);
    REQUIRE(translator.translate(surface_pointer(15, 25, input::button::left), out) == 1);
    REQUIRE(out[0].kind == EventKind::PointerDown);
    REQUIRE(out[0].x == 15);
    REQUIRE(out[0].y == 25);
    /* Outside the surface, as far as an i32 goes: clamped to VectraKit's bounds. */
    REQUIRE(translator.translate(surface_pointer(INT32_MIN, INT32_MAX, 0), out) == 1);
    REQUIRE(out[0].kind == EventKind::PointerUp);
    REQUIRE(out[0].x == -kit::InputTranslator::coordinate_bound);
    REQUIRE(out[0].y == kit::InputTranslator::coordinate_bound);
    REQUIRE(translator.translate(surface_pointer(INT32_MAX, INT32_MIN, 0), out) == 0);
}

namespace {

struct Panel {
    test::EngineGlyphs glyphs { 14 };
    kit::TreeStorage<8> storage;
    kit::Tree tree { storage.columns() };
    test::NumberedRows rows { 6 };
    kit::WidgetId field, button, list;
    Box ok;

    Panel()
    {
        auto root = MUST(tree.add({}, Kind::Column));
        MUST(tree.set_layout(root, { 10, 6 }));
        field = MUST(tree.add(root, Kind::TextField, "ab"));
        list = MUST(tree.add(root, Kind::List));
        MUST(tree.set_list_model(list, &rows));
        button = MUST(tree.add(root, Kind::Button, "OK"));
        MUST(tree.layout(glyphs, Box { 0, 0, 200, 240 }));
        ok = MUST(tree.box(button));
    }

    /* Every event translated and dispatched, as settings does; refusals counted, never fatal. */
    kit::MessageKind feed(kit::InputTranslator& translator, std::span<surface::SurfaceEvent const> events,
        usize* activations = nullptr)
    {
        kit::MessageKind last = kit::MessageKind::None;
        for (auto const& event : events) {
            kit::Event out[kit::InputTranslator::maximum_events];
            usize count = translator.translate(event, out);
            for (usize index = 0; index < count; ++index) {
                auto message = tree.dispatch(out[index]);
                if (message.is_error())
                    continue;
                last = message.value().kind;
                if (activations && last == kit::MessageKind::Activated)
                    ++*activations;
            }
        }
        return last;
    }
};

}

TEST_CASE("a sequence of compositord's events drives a tree: Tab, typing, list keys, a click", "[kit]")
{
    Panel panel;
    auto translator = kit::InputTranslator::for_surface();
    surface::SurfaceEvent sequence[] = {
        surface_focus(surface::focus_action::gained),
        surface_key(input::key::tab),
        surface_key(input::key::tab, input::key_action::release),
        surface_key(input::key::space, input::key_action::press, 0, ' '),
        surface_key(input::key::c, input::key_action::press, 0, 'c'),
        surface_key(input::key::tab),
        surface_key(input::key::down),
        surface_key(input::key::down, input::key_action::repeat),
        surface_pointer(panel.ok.left + 3, panel.ok.top + 3, 0),
        surface_pointer(panel.ok.left + 3, panel.ok.top + 3, input::button::left),
        surface_pointer(panel.ok.left + 4, panel.ok.top + 4, 0),
    };
    usize activations = 0;
    REQUIRE(panel.feed(translator, sequence, &activations) == kit::MessageKind::Activated);
    REQUIRE(activations == 1);
    /* Space is a key, which a text field types as a space; both at the caret, the text's end. */
    REQUIRE(MUST(panel.tree.text(panel.field)).bytes() == "ab c");
    REQUIRE(MUST(panel.tree.list(panel.list)).selected == 1);
    REQUIRE(panel.tree.focused() == panel.button);
}

TEST_CASE("hostile sequences: a press outside, a release far away, focus lost mid-press, keys after it", "[kit]")
{
    Panel panel;
    auto translator = kit::InputTranslator::for_surface();
    usize activations = 0;
    /* A press outside the surface focuses nothing; its release activates nothing. */
    surface::SurfaceEvent outside[] = {
        surface_focus(surface::focus_action::gained),
        surface_pointer(-5000, 99999, input::button::left),
        surface_pointer(panel.ok.left + 3, panel.ok.top + 3, 0),
    };
    panel.feed(translator, outside, &activations);
    REQUIRE(activations == 0);
    REQUIRE(panel.tree.focused().is_null());
    /* Pressed on OK, released outside: not activated, the press let go. */
    surface::SurfaceEvent dragged_off[] = {
        surface_pointer(panel.ok.left + 3, panel.ok.top + 3, input::button::left),
        surface_pointer(INT32_MAX, INT32_MAX, 0),
    };
    panel.feed(translator, dragged_off, &activations);
    REQUIRE(activations == 0);
    REQUIRE(!(MUST(panel.tree.flags(panel.button)) & kit::flag::pressed));
    /* Pressed on OK, then the focus went (Alt+Tab with the button held): the press is let go at
     * once, and keys after it reach nothing; the release that follows activates nothing. */
    surface::SurfaceEvent lost_mid_press[] = {
        surface_pointer(panel.ok.left + 3, panel.ok.top + 3, input::button::left),
        surface_focus(surface::focus_action::lost),
    };
    panel.feed(translator, lost_mid_press, &activations);
    REQUIRE(!(MUST(panel.tree.flags(panel.button)) & kit::flag::pressed));
    (void)panel.tree.take_damage();
    surface::SurfaceEvent after_lost[] = {
        surface_key(input::key::enter),
        surface_key(input::key::space),
        surface_key(input::key::tab),
        surface_key(input::key::x, input::key_action::press, 0, 'x'),
        surface_pointer(panel.ok.left + 3, panel.ok.top + 3, 0),
    };
    panel.feed(translator, after_lost, &activations);
    REQUIRE(activations == 0);
    REQUIRE(panel.tree.focused() == panel.button);
    REQUIRE(MUST(panel.tree.text(panel.field)).bytes() == "ab");
    REQUIRE(panel.tree.take_damage().is_empty());
    /* Focus back: Enter on the focused button activates it. */
    surface::SurfaceEvent back[] = { surface_focus(surface::focus_action::gained), surface_key(input::key::enter) };
    REQUIRE(panel.feed(translator, back, &activations) == kit::MessageKind::Activated);
    REQUIRE(activations == 1);
}

TEST_CASE("a huge wheel delta scrolls a list only within its rows", "[kit]")
{
    Panel panel;
    Box list = MUST(panel.tree.box(panel.list));
    i32 x = list.left + 3;
    i32 y = list.top + 3;
    u32 rows = panel.rows.row_count();
    u32 visible = MUST(panel.tree.list(panel.list)).visible_rows;
    REQUIRE(visible < rows);
    (void)MUST(panel.tree.dispatch(kit::Event::scroll(x, y, INT32_MAX)));
    REQUIRE(MUST(panel.tree.list(panel.list)).first_row == rows - visible);
    (void)MUST(panel.tree.dispatch(kit::Event::scroll(x, y, INT32_MIN)));
    REQUIRE(MUST(panel.tree.list(panel.list)).first_row == 0);
    (void)MUST(panel.tree.dispatch(kit::Event::scroll(-kit::InputTranslator::coordinate_bound, y, INT32_MAX)));
    REQUIRE(MUST(panel.tree.list(panel.list)).first_row == 0);
}
