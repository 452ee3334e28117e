/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * PS/2 scancode set 1 to evdev key events (vectra/ps2keyboard/Scancodes.h).
 */

#include <vectra/input/Event.h>
#include <vectra/ps2keyboard/Scancodes.h>

namespace vectra::ps2keyboard {

namespace {

constexpr u8 extended_prefix = 0xe0;
constexpr u8 pause_prefix = 0xe1;
constexpr u8 break_bit = 0x80;
constexpr u16 key_pause = 119; /* KEY_PAUSE */
/* After E1: 1D 45 E1 9D C5. */
constexpr u8 pause_sequence[] = { 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };

/* The set-1 code after E0 (bit 7 clear) and the evdev key it names. */
struct ExtendedKey {
    u8 scancode;
    u16 code;
};
constexpr ExtendedKey extended_keys[] = {
    { 0x1c, 96 },  /* keypad Enter */
    { 0x1d, 97 },  /* right Ctrl */
    { 0x20, 113 }, /* mute */
    { 0x2e, 114 }, /* volume down */
    { 0x30, 115 }, /* volume up */
    { 0x35, 98 },  /* keypad slash */
    { 0x37, 99 },  /* Print Screen (SysRq) */
    { 0x38, 100 }, /* right Alt */
    { 0x47, 102 }, /* Home */
    { 0x48, 103 }, /* up */
    { 0x49, 104 }, /* Page Up */
    { 0x4b, 105 }, /* left */
    { 0x4d, 106 }, /* right */
    { 0x4f, 107 }, /* End */
    { 0x50, 108 }, /* down */
    { 0x51, 109 }, /* Page Down */
    { 0x52, 110 }, /* Insert */
    { 0x53, 111 }, /* Delete */
    { 0x5b, 125 }, /* left Meta */
    { 0x5c, 126 }, /* right Meta */
    { 0x5d, 127 }, /* Menu (Compose) */
};

constexpr u8 fake_left_shift = 0x2a;
constexpr u8 fake_right_shift = 0x36;

[[nodiscard]] bool is_response(u8 byte) { return byte == 0x00 || byte == 0xff || byte == 0xfa || byte == 0xfe || byte == 0xee; }

/* The evdev code of a plain make code (bit 7 clear), or 0. */
[[nodiscard]] u16 plain_code(u8 scancode)
{
    if (scancode >= 0x01 && scancode <= 0x53)
        return scancode;
    if (scancode >= 0x56 && scancode <= 0x58)
        return scancode; /* KEY_102ND, F11, F12 */
    return 0;
}

}

bool ScancodeDecoder::held(u16 code) const { return code < 256 && (m_held[code / 64] >> (code % 64)) & 1; }

void ScancodeDecoder::reset()
{
    m_state = State::Ready;
    m_pause_index = 0;
    for (auto& word : m_held)
        word = 0;
}

Decoded ScancodeDecoder::key(u16 code, bool released)
{
    Decoded decoded;
    u64 bit = u64(1) << (code % 64);
    if (released) {
        if (!held(code)) {
            ++m_counts.unmatched;
            return decoded;
        }
        m_held[code / 64] &= ~bit;
        decoded.changes[decoded.count++] = { code, input::key_value::release };
    } else {
        u32 value = held(code) ? input::key_value::autorepeat : input::key_value::press;
        m_held[code / 64] |= bit;
        decoded.changes[decoded.count++] = { code, value };
    }
    m_counts.changes += decoded.count;
    return decoded;
}

Decoded ScancodeDecoder::extended(u8 byte)
{
    m_state = State::Ready;
    u8 scancode = byte & ~break_bit;
    if (byte == extended_prefix || byte == pause_prefix || is_response(byte)) {
        ++m_counts.malformed;
        return {};
    }
    if (scancode == fake_left_shift || scancode == fake_right_shift) {
        ++m_counts.ignored;
        return {};
    }
    for (auto const& entry : extended_keys) {
        if (entry.scancode == scancode)
            return key(entry.code, byte & break_bit);
    }
    ++m_counts.unknown;
    return {};
}

Decoded ScancodeDecoder::pause(u8 byte)
{
    if (byte != pause_sequence[m_pause_index]) {
        m_state = State::Ready;
        m_pause_index = 0;
        ++m_counts.malformed;
        return {};
    }
    if (++m_pause_index < sizeof(pause_sequence))
        return {};
    m_state = State::Ready;
    m_pause_index = 0;
    /* Pause has no break: a press and its release. A held Pause cannot be: it is released at once. */
    Decoded decoded;
    decoded.changes[decoded.count++] = { key_pause, input::key_value::press };
    decoded.changes[decoded.count++] = { key_pause, input::key_value::release };
    m_counts.changes += decoded.count;
    return decoded;
}

Decoded ScancodeDecoder::feed(u8 byte)
{
    ++m_counts.bytes;
    if (m_state == State::Extended)
        return extended(byte);
    if (m_state == State::Pause)
        return pause(byte);
    if (byte == extended_prefix) {
        m_state = State::Extended;
        return {};
    }
    if (byte == pause_prefix) {
        m_state = State::Pause;
        m_pause_index = 0;
        return {};
    }
    if (is_response(byte)) {
        ++m_counts.responses;
        return {};
    }
    u16 code = plain_code(byte & ~break_bit);
    if (code == 0) {
        ++m_counts.unknown;
        return {};
    }
    return key(code, byte & break_bit);
}

}
