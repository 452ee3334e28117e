/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/input/Event.h>
#include <vectra/input/Keyboard.h>
#include <vectra/input/Pointer.h>
#include <vectra/kit/Input.h>

namespace vectra::kit {

namespace {

/* Linux key codes VectraKit reacts to as keys rather than as the text they type. */
constexpr u16 home_code = 102;
constexpr u16 page_up_code = 104;
constexpr u16 end_code = 107;
constexpr u16 page_down_code = 109;
constexpr u16 delete_code = 111;

Key key_of(u16 code)
{
    switch (code) {
    case input::key::tab:
        return Key::Tab;
    case input::key::enter:
        return Key::Enter;
    case input::key::space:
        return Key::Space;
    case input::key::backspace:
        return Key::Backspace;
    case delete_code:
        return Key::Delete;
    case input::key::left:
        return Key::Left;
    case input::key::right:
        return Key::Right;
    case input::key::up:
        return Key::Up;
    case input::key::down:
        return Key::Down;
    case home_code:
        return Key::Home;
    case end_code:
        return Key::End;
    case page_up_code:
        return Key::PageUp;
    case page_down_code:
        return Key::PageDown;
    default:
        return Key::None;
    }
}

}

usize InputTranslator::translate(input::InputEvent const& event, Event (&out)[maximum_events])
{
    if (event.kind == input::event_kind::key) {
        if (event.action != input::key_action::press && event.action != input::key_action::repeat)
            return 0;
        Key key = key_of(event.code);
        if (key != Key::None) {
            auto modifiers = event.modifiers & input::modifier::shift ? Modifiers::Shift : Modifiers::None;
            out[0] = Event::key_press(key, modifiers);
            return 1;
        }
        usize count = 0;
        for (u32 code_point : event.characters)
            if (count < maximum_events)
                out[count++] = Event::text(code_point);
        return count;
    }
    if (event.kind != input::event_kind::pointer)
        return 0;
    u8 changed = u8((event.buttons ^ m_buttons) & input::button::left);
    m_buttons = event.buttons;
    if (!changed)
        return 0;
    i32 x = i32(i64(event.x) - m_origin_x);
    i32 y = i32(i64(event.y) - m_origin_y);
    out[0] = event.buttons & input::button::left ? Event::pointer_down(x, y) : Event::pointer_up(x, y);
    return 1;
}

}
