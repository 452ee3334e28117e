/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * PS/2 scancode set 1 (what the i8042 delivers with translation on) to evdev key events
 * (ADR 0031 amendment). Pure: bytes in, key changes out; no device, no buffer but its state.
 *
 *  - a make code 0x01-0x58 is the evdev code of the same number (Linux numbered its keys so),
 *    its break the same code with bit 7 set;
 *  - 0xE0 prefixes the extended keys (right Ctrl and Alt, arrows, the editing block, keypad
 *    Enter and slash, the Windows and Menu keys, Print Screen); E0 2A / E0 36 and their breaks
 *    are the fake shifts the keyboard wraps around some of them, ignored;
 *  - E1 1D 45 E1 9D C5 is Pause, which has no break: a press and a release at once;
 *  - a make of a key already held is the keyboard's own repeat (value 2); a break of a key not
 *    held (its make was lost) is dropped, so what leaves here never releases an unheld key;
 *  - anything else is counted and dropped: an unknown code, a broken E0/E1 sequence, the
 *    controller's and keyboard's own bytes (0x00 and 0xFF: error or overrun; 0xFA ACK, 0xFE
 *    resend, 0xEE echo).
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::ps2keyboard {

struct KeyChange {
    u16 code { 0 };
    u32 value { 0 }; /* evdev: 0 release, 1 press, 2 the keyboard's own repeat */
};

/* What one byte completed: at most two key changes (Pause). */
struct Decoded {
    KeyChange changes[2];
    u8 count { 0 };
};

struct DecoderCounts {
    u64 bytes { 0 };     /* every byte fed */
    u64 changes { 0 };   /* key changes given out */
    u64 unknown { 0 };   /* a well-formed code no key has */
    u64 malformed { 0 }; /* a broken E0 or E1 sequence */
    u64 responses { 0 }; /* 0x00, 0xFF, 0xFA, 0xFE, 0xEE between keys */
    u64 ignored { 0 };   /* the fake shifts around extended keys */
    u64 unmatched { 0 }; /* a break of a key not held */
};

class ScancodeDecoder {
public:
    [[nodiscard]] Decoded feed(u8 byte);
    [[nodiscard]] DecoderCounts const& counts() const { return m_counts; }
    [[nodiscard]] bool held(u16 code) const;
    /* Forget held keys and any half sequence (the controller was reset). */
    void reset();

private:
    enum class State : u8 { Ready, Extended, Pause };
    [[nodiscard]] Decoded key(u16 code, bool released);
    [[nodiscard]] Decoded extended(u8 byte);
    [[nodiscard]] Decoded pause(u8 byte);

    State m_state { State::Ready };
    u8 m_pause_index { 0 };
    u64 m_held[4] {}; /* codes below 256 */
    DecoderCounts m_counts;
};

}
