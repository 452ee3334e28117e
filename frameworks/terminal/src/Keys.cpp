/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Keys → the bytes an xterm sends, through libvterm's keyboard functions (vectra.tty's promise:
 * UTF-8 characters, "\r" for Enter, 0x7f for Backspace, ESC [ A… for the arrows, ESC [ 3 ~ for
 * Delete, Ctrl+letter as 0x01…0x1a).
 */

#include <terminal/Terminal.h>
#include <vectra/Utf8.h>
#include <vectra/input/Keyboard.h>
#include <vterm.h>

namespace vectra::terminal {

namespace {

/* Linux evdev codes (include/uapi/linux/input-event-codes.h) of the keys that send sequences. */
namespace code {
constexpr u16 escape = 1;
constexpr u16 backspace = 14;
constexpr u16 tab = 15;
constexpr u16 enter = 28;
constexpr u16 f1 = 59; /* F1 … F10 are 59 … 68 */
constexpr u16 f10 = 68;
constexpr u16 f11 = 87;
constexpr u16 f12 = 88;
constexpr u16 keypad_enter = 96;
constexpr u16 home = 102;
constexpr u16 up = 103;
constexpr u16 page_up = 104;
constexpr u16 left = 105;
constexpr u16 right = 106;
constexpr u16 end = 107;
constexpr u16 down = 108;
constexpr u16 page_down = 109;
constexpr u16 insert = 110;
constexpr u16 delete_ = 111;
}

VTermKey special_key(u16 key)
{
    switch (key) {
    case code::escape:
        return VTERM_KEY_ESCAPE;
    case code::backspace:
        return VTERM_KEY_BACKSPACE;
    case code::tab:
        return VTERM_KEY_TAB;
    case code::enter:
    case code::keypad_enter:
        return VTERM_KEY_ENTER;
    case code::home:
        return VTERM_KEY_HOME;
    case code::up:
        return VTERM_KEY_UP;
    case code::page_up:
        return VTERM_KEY_PAGEUP;
    case code::left:
        return VTERM_KEY_LEFT;
    case code::right:
        return VTERM_KEY_RIGHT;
    case code::end:
        return VTERM_KEY_END;
    case code::down:
        return VTERM_KEY_DOWN;
    case code::page_down:
        return VTERM_KEY_PAGEDOWN;
    case code::insert:
        return VTERM_KEY_INS;
    case code::delete_:
        return VTERM_KEY_DEL;
    case code::f11:
        return VTermKey(VTERM_KEY_FUNCTION(11));
    case code::f12:
        return VTermKey(VTERM_KEY_FUNCTION(12));
    default:
        if (key >= code::f1 && key <= code::f10)
            return VTermKey(VTERM_KEY_FUNCTION(key - code::f1 + 1));
        return VTERM_KEY_NONE;
    }
}

VTermModifier modifiers_of(u8 modifiers)
{
    int result = VTERM_MOD_NONE;
    if (modifiers & input::modifier::shift)
        result |= VTERM_MOD_SHIFT;
    if (modifiers & input::modifier::alt)
        result |= VTERM_MOD_ALT;
    if (modifiers & input::modifier::control)
        result |= VTERM_MOD_CTRL;
    return VTermModifier(result);
}

}

bool Terminal::key(KeyPress const& press)
{
    VTermModifier modifiers = modifiers_of(press.modifiers);
    VTermKey special = special_key(press.code);
    if (special != VTERM_KEY_NONE) {
        vterm_keyboard_key(m_vterm, special, modifiers);
        scroll_view(-i32(m_view_offset));
        return true;
    }
    bool sent = false;
    for (u32 character : press.characters) {
        if (!is_scalar_value(character) || character == 0)
            continue;
        /* The keymap already made Ctrl+letter its control character: send it as it is (Alt still
         * prefixes ESC); a printable character goes with Ctrl and Alt, as libvterm encodes them. */
        bool control_character = character < 0x20 || character == 0x7f;
        int with = control_character ? (modifiers & VTERM_MOD_ALT) : modifiers;
        if (control_character && !(with & VTERM_MOD_ALT)) {
            u8 byte = u8(character);
            m_input.push({ &byte, 1 });
        } else if (control_character) {
            u8 bytes[2] = { 0x1b, u8(character) };
            m_input.push(bytes);
        } else {
            vterm_keyboard_unichar(m_vterm, character, VTermModifier(with));
        }
        sent = true;
    }
    if (sent)
        scroll_view(-i32(m_view_offset));
    return sent;
}

}
