/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What a VectraKit tree reacts to, in surface coordinates: pointer presses, releases and wheel
 * steps, keys, typed text, and the surface gaining or losing the focus. Small on purpose:
 * compositord's routed input (vectra.surface `input`) and inputd's key and pointer events both
 * become these (Input.h).
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::kit {

enum class EventKind : u8 {
    PointerDown,
    PointerUp,
    Scroll, /* `delta` wheel steps at (x, y), positive down */
    Key,
    Text, /* a code point typed */
    FocusIn, /* the surface gained the keyboard focus */
    FocusOut, /* the surface lost it: a press held is let go without activating */
};

enum class Key : u8 {
    None,
    Tab,
    Enter,
    Space,
    Backspace,
    Delete,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
};

enum class Modifiers : u8 {
    None = 0,
    Shift = 1,
};

struct Event {
    EventKind kind { EventKind::Key };
    i32 x { 0 };
    i32 y { 0 };
    i32 delta { 0 };
    Key key { Key::None };
    Modifiers modifiers { Modifiers::None };
    u32 code_point { 0 };

    [[nodiscard]] static constexpr Event pointer_down(i32 x, i32 y) { return { EventKind::PointerDown, x, y }; }
    [[nodiscard]] static constexpr Event pointer_up(i32 x, i32 y) { return { EventKind::PointerUp, x, y }; }
    [[nodiscard]] static constexpr Event scroll(i32 x, i32 y, i32 delta) { return { EventKind::Scroll, x, y, delta }; }
    [[nodiscard]] static constexpr Event key_press(Key key, Modifiers modifiers = Modifiers::None)
    {
        return { EventKind::Key, 0, 0, 0, key, modifiers };
    }
    [[nodiscard]] static constexpr Event text(u32 code_point)
    {
        return { EventKind::Text, 0, 0, 0, Key::None, Modifiers::None, code_point };
    }
    [[nodiscard]] static constexpr Event focus_in() { return { EventKind::FocusIn }; }
    [[nodiscard]] static constexpr Event focus_out() { return { EventKind::FocusOut }; }
};

/* What an event meant to the application. */
enum class MessageKind : u8 {
    None,
    Activated, /* a button clicked (pressed and released inside) or Enter/Space on it */
    TextChanged, /* a text field's text edited */
    Submitted, /* Enter in a text field */
    SelectionChanged, /* a list's selected row (`row`) */
    FocusChanged, /* keyboard focus moved to `widget` */
    Scrolled, /* a list's first visible row (`row`) */
};

}
