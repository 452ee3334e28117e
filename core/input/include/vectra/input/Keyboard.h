/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Key state over evdev key events (README.md): which keys are held, the modifiers they make
 * (Shift, Ctrl, Alt, AltGr, Meta; Caps Lock toggled at its press), the characters a key types
 * through a Keymap (dead keys composed with the next character), and key repeat. Repeat has no
 * timer: the caller passes its clock with every event, asks next_repeat() when to come back and
 * calls repeat() then. Only the last key pressed repeats, and only while it is held.
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/Types.h>
#include <vectra/input/Event.h>
#include <vectra/input/Keymap.h>

namespace vectra::input {

enum class KeyAction : u8 {
    Press,
    Repeat,
    Release,
};

namespace modifier {
constexpr u8 shift = 1 << 0;
constexpr u8 control = 1 << 1;
constexpr u8 alt = 1 << 2;
constexpr u8 altgr = 1 << 3;
constexpr u8 meta = 1 << 4;
constexpr u8 caps_lock = 1 << 5; /* the lock, not the key */
}

/* One decoded key: what happened, the modifiers in force, and the characters typed (0, 1 or 2:
 * a dead key followed by a character it does not compose with types both). */
struct KeyEvent {
    u16 code { 0 };
    KeyAction action { KeyAction::Press };
    u8 modifiers { 0 };
    u8 character_count { 0 };
    u32 characters[2] { 0, 0 };
};

struct RepeatSettings {
    u32 delay_milliseconds { 500 }; /* from the press to the first repeat */
    u32 rate_per_second { 25 };     /* repeats per second after that; 0: keys never repeat */
};

class Keyboard {
public:
    Keyboard(Keymap const& keymap, RepeatSettings repeat)
        : m_keymap(&keymap)
        , m_repeat(repeat)
    {
    }

    /*
     * One EV_KEY event at `now_nanoseconds`. Refused (nothing changes): a code at or past
     * key_code_limit, a release of a key not held, a press of a key already held, the device's
     * own autorepeat (value 2) and any other value.
     */
    [[nodiscard]] ErrorOr<KeyEvent> handle(u16 code, u32 value, u64 now_nanoseconds);
    /* The repeat due at `now_nanoseconds`, or NotFound. At most one per call: a caller that comes
     * back late gets one repeat and the next a full period later, never a burst. */
    [[nodiscard]] ErrorOr<KeyEvent> repeat(u64 now_nanoseconds);
    /* When the next repeat is due, or NotFound when no key repeats. */
    [[nodiscard]] ErrorOr<u64> next_repeat() const;

    [[nodiscard]] u8 modifiers() const;
    [[nodiscard]] bool held(u16 code) const;
    [[nodiscard]] Keymap const& keymap() const { return *m_keymap; }
    /* Release every key (a device reset or a lost connection): no releases are reported. */
    void forget_keys();

private:
    [[nodiscard]] KeyEvent decode(u16 code, KeyAction action, bool compose);
    [[nodiscard]] u32 level_character(KeymapEntry const& entry, u8 modifiers) const;
    void set_held(u16 code, bool held);
    [[nodiscard]] u64 period_nanoseconds() const;

    Keymap const* m_keymap;
    RepeatSettings m_repeat;
    u64 m_held[key_code_limit / 64] {};
    bool m_caps_lock { false };
    u32 m_pending_dead { 0 };
    u16 m_repeating { 0 }; /* 0: none */
    u64 m_next_repeat { 0 };
};

/* The character a dead key's mark and a character compose to, or 0 when they do not. */
[[nodiscard]] u32 compose(u32 dead, u32 character);
/* The spacing character a dead key types on its own (^ for U+0302). */
[[nodiscard]] u32 spacing_form(u32 dead);

}
