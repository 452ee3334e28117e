/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The built-in keymaps: US (pc105 "us") and German (pc105 "de", dead keys on). Each row: evdev
 * code, plain, Shift, AltGr, Shift+AltGr, whether Caps Lock acts on it.
 */

#include <cstring>
#include <vectra/input/Event.h>
#include <vectra/input/Keymap.h>

namespace vectra::input {

namespace {

constexpr KeymapEntry letter(u16 code, u32 lower, u32 altgr = 0)
{
    return { code, lower, lower - 'a' + 'A', altgr, 0, true };
}

/* Keys every layout types the same. */
#define VECTRA_COMMON_KEYS                              \
    { key::escape, 0x1b, 0x1b, 0, 0, false },           \
    { key::backspace, 0x08, 0x08, 0, 0, false },        \
    { key::tab, '\t', '\t', 0, 0, false },              \
    { key::enter, '\n', '\n', 0, 0, false },            \
    { key::space, ' ', ' ', ' ', ' ', false }

constexpr KeymapEntry us_entries[] = {
    VECTRA_COMMON_KEYS,
    { 2, '1', '!', 0, 0, false }, { 3, '2', '@', 0, 0, false }, { 4, '3', '#', 0, 0, false },
    { 5, '4', '$', 0, 0, false }, { 6, '5', '%', 0, 0, false }, { 7, '6', '^', 0, 0, false },
    { 8, '7', '&', 0, 0, false }, { 9, '8', '*', 0, 0, false }, { 10, '9', '(', 0, 0, false },
    { 11, '0', ')', 0, 0, false }, { key::minus, '-', '_', 0, 0, false }, { key::equal, '=', '+', 0, 0, false },
    letter(key::q, 'q'), letter(key::w, 'w'), letter(key::e, 'e'), letter(key::r, 'r'), letter(key::t, 't'),
    letter(key::y, 'y'), letter(key::u, 'u'), letter(key::i, 'i'), letter(key::o, 'o'), letter(key::p, 'p'),
    { key::left_brace, '[', '{', 0, 0, false }, { key::right_brace, ']', '}', 0, 0, false },
    letter(key::a, 'a'), letter(key::s, 's'), letter(key::d, 'd'), letter(key::f, 'f'), letter(key::g, 'g'),
    letter(key::h, 'h'), letter(key::j, 'j'), letter(key::k, 'k'), letter(key::l, 'l'),
    { key::semicolon, ';', ':', 0, 0, false }, { key::apostrophe, '\'', '"', 0, 0, false },
    { key::grave, '`', '~', 0, 0, false }, { key::backslash, '\\', '|', 0, 0, false },
    letter(key::z, 'z'), letter(key::x, 'x'), letter(key::c, 'c'), letter(key::v, 'v'), letter(key::b, 'b'),
    letter(key::n, 'n'), letter(key::m, 'm'),
    { key::comma, ',', '<', 0, 0, false }, { key::dot, '.', '>', 0, 0, false }, { key::slash, '/', '?', 0, 0, false },
    { key::key_102nd, '\\', '|', 0, 0, false },
};

constexpr u32 dead_circumflex = 0x302;
constexpr u32 dead_acute = 0x301;
constexpr u32 dead_grave = 0x300;

constexpr KeymapEntry german_entries[] = {
    VECTRA_COMMON_KEYS,
    { key::grave, dead_circumflex, 0xb0 /* ° */, 0, 0, false },
    { 2, '1', '!', 0xb9, 0, false }, { 3, '2', '"', 0xb2, 0, false }, { 4, '3', 0xa7 /* § */, 0xb3, 0, false },
    { 5, '4', '$', 0, 0, false }, { 6, '5', '%', 0, 0, false }, { 7, '6', '&', 0, 0, false },
    { 8, '7', '/', '{', 0, false }, { 9, '8', '(', '[', 0, false }, { 10, '9', ')', ']', 0, false },
    { 11, '0', '=', '}', 0, false }, { key::minus, 0xdf /* ß */, '?', '\\', 0, false },
    { key::equal, dead_acute, dead_grave, 0, 0, false },
    letter(key::q, 'q', '@'), letter(key::w, 'w'), letter(key::e, 'e', 0x20ac /* € */), letter(key::r, 'r'),
    letter(key::t, 't'), letter(key::y, 'z'), letter(key::u, 'u'), letter(key::i, 'i'), letter(key::o, 'o'),
    letter(key::p, 'p'),
    { key::left_brace, 0xfc /* ü */, 0xdc, 0, 0, true }, { key::right_brace, '+', '*', '~', 0, false },
    letter(key::a, 'a'), letter(key::s, 's'), letter(key::d, 'd'), letter(key::f, 'f'), letter(key::g, 'g'),
    letter(key::h, 'h'), letter(key::j, 'j'), letter(key::k, 'k'), letter(key::l, 'l'),
    { key::semicolon, 0xf6 /* ö */, 0xd6, 0, 0, true }, { key::apostrophe, 0xe4 /* ä */, 0xc4, 0, 0, true },
    { key::backslash, '#', '\'', 0, 0, false },
    { key::key_102nd, '<', '>', '|', 0, false },
    letter(key::z, 'y'), letter(key::x, 'x'), letter(key::c, 'c'), letter(key::v, 'v'), letter(key::b, 'b'),
    letter(key::n, 'n'), letter(key::m, 'm', 0xb5 /* µ */),
    { key::comma, ',', ';', 0, 0, false }, { key::dot, '.', ':', 0, 0, false }, { key::slash, '-', '_', 0, 0, false },
};

#undef VECTRA_COMMON_KEYS

constexpr Keymap us { "us", us_entries, false };
constexpr Keymap german { "de", german_entries, true };

}

KeymapEntry const* Keymap::find(u16 code) const
{
    for (auto const& entry : entries) {
        if (entry.code == code)
            return &entry;
    }
    return nullptr;
}

Keymap const& us_keymap() { return us; }
Keymap const& german_keymap() { return german; }

ErrorOr<Keymap const*> find_keymap(char const* name)
{
    for (Keymap const* keymap : { &us, &german }) {
        if (std::strcmp(keymap->name, name) == 0)
            return keymap;
    }
    return Error(ErrorCode::NotFound, "no keymap of that name (built in: us, de)");
}

}
