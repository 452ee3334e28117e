/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/input/Keyboard.h>

namespace vectra::input {

namespace {

struct Composition {
    u32 dead;
    u32 base;
    u32 composed;
};

/* Latin-1's composed vowels: dead ^, ´ and ` with a, e, i, o, u (and y for ´), both cases. */
constexpr Composition compositions[] = {
    { 0x302, 'a', 0xe2 }, { 0x302, 'e', 0xea }, { 0x302, 'i', 0xee }, { 0x302, 'o', 0xf4 }, { 0x302, 'u', 0xfb },
    { 0x302, 'A', 0xc2 }, { 0x302, 'E', 0xca }, { 0x302, 'I', 0xce }, { 0x302, 'O', 0xd4 }, { 0x302, 'U', 0xdb },
    { 0x301, 'a', 0xe1 }, { 0x301, 'e', 0xe9 }, { 0x301, 'i', 0xed }, { 0x301, 'o', 0xf3 }, { 0x301, 'u', 0xfa },
    { 0x301, 'y', 0xfd }, { 0x301, 'A', 0xc1 }, { 0x301, 'E', 0xc9 }, { 0x301, 'I', 0xcd }, { 0x301, 'O', 0xd3 },
    { 0x301, 'U', 0xda }, { 0x301, 'Y', 0xdd },
    { 0x300, 'a', 0xe0 }, { 0x300, 'e', 0xe8 }, { 0x300, 'i', 0xec }, { 0x300, 'o', 0xf2 }, { 0x300, 'u', 0xf9 },
    { 0x300, 'A', 0xc0 }, { 0x300, 'E', 0xc8 }, { 0x300, 'I', 0xcc }, { 0x300, 'O', 0xd2 }, { 0x300, 'U', 0xd9 },
};

constexpr u64 nanoseconds_per_millisecond = 1'000'000;
constexpr u64 nanoseconds_per_second = 1'000'000'000;

u64 saturating_add(u64 left, u64 right) { return left > ~u64 { 0 } - right ? ~u64 { 0 } : left + right; }

/* Modifier keys and Caps Lock: they change other keys and never repeat. */
bool is_modifier_key(u16 code)
{
    switch (code) {
    case key::left_shift:
    case key::right_shift:
    case key::left_control:
    case key::right_control:
    case key::left_alt:
    case key::right_alt:
    case key::left_meta:
    case key::right_meta:
    case key::caps_lock:
        return true;
    default:
        return false;
    }
}

void add_character(KeyEvent& event, u32 character)
{
    if (event.character_count < 2)
        event.characters[event.character_count++] = character;
}

}

u32 compose(u32 dead, u32 character)
{
    for (auto const& composition : compositions) {
        if (composition.dead == dead && composition.base == character)
            return composition.composed;
    }
    return 0;
}

u32 spacing_form(u32 dead)
{
    switch (dead) {
    case 0x300:
        return '`';
    case 0x301:
        return 0xb4; /* ´ */
    case 0x302:
        return '^';
    default:
        return dead;
    }
}

bool Keyboard::held(u16 code) const
{
    return code < key_code_limit && (m_held[code / 64] >> (code % 64)) & 1;
}

void Keyboard::set_held(u16 code, bool held)
{
    u64 bit = u64 { 1 } << (code % 64);
    m_held[code / 64] = held ? m_held[code / 64] | bit : m_held[code / 64] & ~bit;
}

u8 Keyboard::modifiers() const
{
    u8 modifiers = 0;
    if (held(key::left_shift) || held(key::right_shift))
        modifiers |= modifier::shift;
    if (held(key::left_control) || held(key::right_control))
        modifiers |= modifier::control;
    if (held(key::left_alt) || (held(key::right_alt) && !m_keymap->right_alt_is_altgr))
        modifiers |= modifier::alt;
    if (held(key::right_alt) && m_keymap->right_alt_is_altgr)
        modifiers |= modifier::altgr;
    if (held(key::left_meta) || held(key::right_meta))
        modifiers |= modifier::meta;
    if (m_caps_lock)
        modifiers |= modifier::caps_lock;
    return modifiers;
}

u32 Keyboard::level_character(KeymapEntry const& entry, u8 modifiers) const
{
    /* Caps Lock shifts letters (not their AltGr level); Shift with Caps Lock on a letter gives
     * the lower case back. */
    bool shift = (modifiers & modifier::shift) != 0;
    if (entry.letter && (modifiers & modifier::caps_lock) && !(modifiers & modifier::altgr))
        shift = !shift;
    u32 character = 0;
    if (modifiers & modifier::altgr)
        character = shift ? entry.shifted_altgr : entry.altgr;
    else
        character = shift ? entry.shifted : entry.plain;
    /* Ctrl with a letter types its control character (Ctrl+C is 0x03). */
    if ((modifiers & modifier::control) && ((character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z')))
        character &= 0x1f;
    return character;
}

KeyEvent Keyboard::decode(u16 code, KeyAction action, bool compose_dead)
{
    KeyEvent event;
    event.code = code;
    event.action = action;
    event.modifiers = modifiers();
    if (action == KeyAction::Release)
        return event;
    auto const* entry = m_keymap->find(code);
    if (entry == nullptr)
        return event;
    u32 character = level_character(*entry, event.modifiers);
    if (character == 0)
        return event;
    if (!compose_dead) {
        if (!is_dead(character))
            add_character(event, character);
        return event;
    }
    if (is_dead(character)) {
        /* A dead key pressed twice types its mark once; after another dead key, the first one's. */
        if (m_pending_dead != 0) {
            add_character(event, spacing_form(m_pending_dead));
            m_pending_dead = m_pending_dead == character ? 0 : character;
        } else {
            m_pending_dead = character;
        }
        return event;
    }
    if (m_pending_dead != 0) {
        u32 composed = compose(m_pending_dead, character);
        if (composed != 0) {
            add_character(event, composed);
        } else {
            /* Space types the mark alone; any other character the mark, then itself. */
            add_character(event, spacing_form(m_pending_dead));
            if (character != ' ')
                add_character(event, character);
        }
        m_pending_dead = 0;
        return event;
    }
    add_character(event, character);
    return event;
}

u64 Keyboard::period_nanoseconds() const
{
    return m_repeat.rate_per_second == 0 ? 0 : nanoseconds_per_second / m_repeat.rate_per_second;
}

ErrorOr<KeyEvent> Keyboard::handle(u16 code, u32 value, u64 now_nanoseconds)
{
    if (code >= key_code_limit)
        return Error(ErrorCode::InvalidArgument, "a key code past KEY_MAX");
    if (value == key_value::autorepeat)
        return Error(ErrorCode::Unsupported, "the device's own repeat (the keyboard repeats by its caller's clock)");
    if (value == key_value::release) {
        if (!held(code))
            return Error(ErrorCode::NotFound, "a release of a key not held");
        set_held(code, false);
        if (code == m_repeating)
            m_repeating = 0;
        return decode(code, KeyAction::Release, false);
    }
    if (value != key_value::press)
        return Error(ErrorCode::InvalidArgument, "a key value other than release, press or repeat");
    if (held(code))
        return Error(ErrorCode::AlreadyExists, "a press of a key already held");
    set_held(code, true);
    if (code == key::caps_lock)
        m_caps_lock = !m_caps_lock;
    auto event = decode(code, KeyAction::Press, true);
    /* The last key pressed repeats (not a modifier, not a dead key); a modifier leaves it repeating. */
    if (!is_modifier_key(code)) {
        auto const* entry = m_keymap->find(code);
        bool dead = entry != nullptr && is_dead(level_character(*entry, event.modifiers));
        m_repeating = dead || period_nanoseconds() == 0 ? 0 : code;
        m_next_repeat = saturating_add(now_nanoseconds, u64 { m_repeat.delay_milliseconds } * nanoseconds_per_millisecond);
    }
    return event;
}

ErrorOr<KeyEvent> Keyboard::repeat(u64 now_nanoseconds)
{
    if (m_repeating == 0)
        return Error(ErrorCode::NotFound, "no key repeats");
    if (now_nanoseconds < m_next_repeat)
        return Error(ErrorCode::NotFound, "the next repeat is not due yet");
    u64 period = period_nanoseconds();
    m_next_repeat = saturating_add(m_next_repeat, period);
    if (m_next_repeat <= now_nanoseconds)
        m_next_repeat = saturating_add(now_nanoseconds, period);
    return decode(m_repeating, KeyAction::Repeat, false);
}

ErrorOr<u64> Keyboard::next_repeat() const
{
    if (m_repeating == 0)
        return Error(ErrorCode::NotFound, "no key repeats");
    return m_next_repeat;
}

void Keyboard::forget_keys()
{
    for (auto& word : m_held)
        word = 0;
    m_repeating = 0;
    m_pending_dead = 0;
}

}
