/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A keymap: for each evdev key code, the character of each shift level — plain, Shift, AltGr,
 * Shift+AltGr — and whether Caps Lock acts on it (letters only). A level holding a combining mark
 * (U+0300 … U+036F) is a dead key: it composes with the next character (Keyboard.h).
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra::input {

struct KeymapEntry {
    u16 code { 0 };
    u32 plain { 0 };
    u32 shifted { 0 };
    u32 altgr { 0 };
    u32 shifted_altgr { 0 };
    bool letter { false }; /* Caps Lock shifts it */
};

struct Keymap {
    char const* name;
    std::span<KeymapEntry const> entries;
    bool right_alt_is_altgr; /* German: right Alt is AltGr; US: it is Alt */

    /* The entry of `code`, or nullptr for a key that types nothing (modifiers, arrows, F-keys). */
    [[nodiscard]] KeymapEntry const* find(u16 code) const;
};

/* The keymaps built in: "us" and "de" (German, with dead ^, ´ and `). */
[[nodiscard]] Keymap const& us_keymap();
[[nodiscard]] Keymap const& german_keymap();
/* A keymap by name, as a manifest or configuration names it; NotFound for any other name. */
[[nodiscard]] ErrorOr<Keymap const*> find_keymap(char const* name);

/* Whether `code_point` is a dead key's mark (a combining diacritic). */
[[nodiscard]] constexpr bool is_dead(u32 code_point) { return code_point >= 0x300 && code_point <= 0x36f; }

}
