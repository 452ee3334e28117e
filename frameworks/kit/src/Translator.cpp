/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The translation both input sources share (Input.h), and compositord's routed events.
 */

#include <vectra/kit/Input.h>

namespace vectra::kit {

namespace {

/* Linux key codes (vectra.input and vectra.surface both carry them) VectraKit reacts to as keys. */
namespace code {
constexpr u16 backspace = 14;
constexpr u16 tab = 15;
constexpr u16 enter = 28;
constexpr u16 space = 57;
constexpr u16 home = 102;
constexpr u16 up = 103;
constexpr u16 page_up = 104;
constexpr u16 left = 105;
constexpr u16 right = 106;
constexpr u16 end = 107;
constexpr u16 down = 108;
constexpr u16 page_down = 109;
constexpr u16 delete_ = 111;
}

/* The bits both protocols share (core/input's modifier::shift, button::left; key_action). */
constexpr u8 shift_modifier = 1 << 0;
constexpr u8 left_button = 1 << 0;
constexpr u8 press_action = 1;
constexpr u8 repeat_action = 3;

Key key_of(u16 value)
{
    switch (value) {
    case code::tab:
        return Key::Tab;
    case code::enter:
        return Key::Enter;
    case code::space:
        return Key::Space;
    case code::backspace:
        return Key::Backspace;
    case code::delete_:
        return Key::Delete;
    case code::left:
        return Key::Left;
    case code::right:
        return Key::Right;
    case code::up:
        return Key::Up;
    case code::down:
        return Key::Down;
    case code::home:
        return Key::Home;
    case code::end:
        return Key::End;
    case code::page_up:
        return Key::PageUp;
    case code::page_down:
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
        out[0] = Event::key_press(key, modifiers & shift_modifier ? Modifiers::Shift : Modifiers::None);
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
    u8 changed = u8((buttons ^ m_buttons) & left_button);
    m_buttons = buttons;
    if (!changed)
        return 0;
    i32 surface_x = bounded(x - m_origin_x);
    i32 surface_y = bounded(y - m_origin_y);
    out[0] = buttons & left_button ? Event::pointer_down(surface_x, surface_y) : Event::pointer_up(surface_x, surface_y);
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
