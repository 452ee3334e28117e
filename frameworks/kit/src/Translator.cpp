/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The translation both input sources share (Input.h), and compositord's routed events.
 */

#include <vectra/input/Event.h>
#include <vectra/input/Keyboard.h>
#include <vectra/input/Pointer.h>
#include <vectra/kit/Input.h>

namespace vectra::kit {

namespace {

/* vectra.input's key actions, which vectra.surface's copy (core/inputprotocol's key_action). */
constexpr u8 press_action = 1;
constexpr u8 repeat_action = 3;

Key key_of(u16 value)
{
    switch (value) {
    case input::key::tab:
        return Key::Tab;
    case input::key::enter:
        return Key::Enter;
    case input::key::space:
        return Key::Space;
    case input::key::backspace:
        return Key::Backspace;
    case input::key::delete_:
        return Key::Delete;
    case input::key::left:
        return Key::Left;
    case input::key::right:
        return Key::Right;
    case input::key::up:
        return Key::Up;
    case input::key::down:
        return Key::Down;
    case input::key::home:
        return Key::Home;
    case input::key::end:
        return Key::End;
    case input::key::page_up:
        return Key::PageUp;
    case input::key::page_down:
        return Key::PageDown;
    default:
        return Key::None;
    }
}

/* What a text field can hold: no control characters (C0, DEL, C1), no surrogates, nothing past U+10FFFF. */
bool typable(u32 code_point)
{
    return code_point >= 0x20 && !(code_point >= 0x7f && code_point <= 0x9f)
        && !(code_point >= 0xd800 && code_point <= 0xdfff) && code_point <= 0x10ffff;
}

i32 bounded(i64 value)
{
    if (value > InputTranslator::coordinate_bound)
        return InputTranslator::coordinate_bound;
    if (value < -InputTranslator::coordinate_bound)
        return -InputTranslator::coordinate_bound;
    return i32(value);
}

}

usize InputTranslator::key(
    u8 action, u16 value, u8 modifiers, std::span<u32 const> characters, Event (&out)[maximum_events]) const
{
    if (!m_focused || (action != press_action && action != repeat_action))
        return 0;
    Key key = key_of(value);
    if (key != Key::None) {
        out[0] = Event::key_press(key, modifiers & input::modifier::shift ? Modifiers::Shift : Modifiers::None);
        return 1;
    }
    usize count = 0;
    for (u32 code_point : characters)
        if (count < maximum_events && typable(code_point))
            out[count++] = Event::text(code_point);
    return count;
}

usize InputTranslator::pointer(i64 x, i64 y, u8 buttons, Event (&out)[maximum_events])
{
    u8 changed = u8((buttons ^ m_buttons) & input::button::left);
    m_buttons = buttons;
    if (!changed)
        return 0;
    i32 surface_x = bounded(x - m_origin_x);
    i32 surface_y = bounded(y - m_origin_y);
    out[0] = buttons & input::button::left ? Event::pointer_down(surface_x, surface_y) : Event::pointer_up(surface_x, surface_y);
    return 1;
}

usize InputTranslator::translate(surface::SurfaceEvent const& event, Event (&out)[maximum_events])
{
    switch (event.kind) {
    case surface::event_kind::key:
        return key(event.action, event.code, event.modifiers, event.characters.span(), out);
    case surface::event_kind::pointer:
        return pointer(event.x, event.y, event.buttons, out);
    case surface::event_kind::focus:
        if (event.action == surface::focus_action::gained) {
            m_focused = true;
            out[0] = Event::focus_in();
            return 1;
        }
        if (event.action == surface::focus_action::lost) {
            m_focused = false;
            out[0] = Event::focus_out();
            return 1;
        }
        return 0;
    default:
        return 0;
    }
}

}
