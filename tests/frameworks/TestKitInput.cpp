/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * inputd's events into VectraKit's: named keys as keys (Shift kept), other keys as the
 * characters they typed, releases ignored, the left button's changes as presses and releases at
 * surface coordinates; and a whole sequence of them driving a tree, as a client of inputd would.
 */

#include "KitGlyphs.h"
#include <catch2/catch.hpp>
#include <vectra/input/Event.h>
#include <vectra/input/Keyboard.h>
#include <vectra/input/Pointer.h>
#include <vectra/kit/Input.h>
#include <vectra/kit/Tree.h>

using namespace vectra;
using kit::Box;
using kit::EventKind;
using kit::Key;
using kit::Kind;

namespace {

input::InputEvent key(u16 code, u8 action = input::key_action::press, u8 modifiers = 0, u32 character = 0)
{
    input::InputEvent event;
    event.kind = input::event_kind::key;
    event.action = action;
    event.code = code;
    event.modifiers = modifiers;
    if (character)
        MUST(event.characters.try_append(character));
    return event;
}

input::InputEvent pointer(u32 x, u32 y, u8 buttons)
{
    input::InputEvent event;
    event.kind = input::event_kind::pointer;
    event.x = x;
    event.y = y;
    event.buttons = buttons;
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
