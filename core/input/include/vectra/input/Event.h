/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * One input event as virtio-input (and Linux evdev) carries it: type, code, value. The codes
 * this library reads are named here; the numbers are Linux's (include/uapi/linux/input-event-codes.h).
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::input {

struct Event {
    u16 type { 0 };
    u16 code { 0 };
    u32 value { 0 };
};

namespace event_type {
constexpr u16 synchronise = 0x00; /* EV_SYN */
constexpr u16 key = 0x01;         /* EV_KEY */
constexpr u16 relative = 0x02;    /* EV_REL */
constexpr u16 absolute = 0x03;    /* EV_ABS */
constexpr u16 led = 0x11;         /* EV_LED */
constexpr u16 repeat = 0x14;      /* EV_REP */
}

/* EV_KEY values. */
namespace key_value {
constexpr u32 release = 0;
constexpr u32 press = 1;
constexpr u32 autorepeat = 2; /* a device's own repeat: ignored, the Keyboard repeats by its caller's clock */
}

constexpr u16 synchronise_report = 0; /* SYN_REPORT */
constexpr u16 absolute_x = 0x00;      /* ABS_X */
constexpr u16 absolute_y = 0x01;      /* ABS_Y */

/* Key codes (KEY_*, BTN_*). Keys up to key_code_limit are tracked; anything above is refused. */
namespace key {
constexpr u16 escape = 1;
constexpr u16 one = 2; /* 1 … 9, 0 are 2 … 11 */
constexpr u16 two = 3;
constexpr u16 seven = 8;
constexpr u16 eight = 9;
constexpr u16 zero = 11;
constexpr u16 minus = 12;
constexpr u16 equal = 13;
constexpr u16 backspace = 14;
constexpr u16 tab = 15;
constexpr u16 q = 16;
constexpr u16 w = 17;
constexpr u16 e = 18;
constexpr u16 r = 19;
constexpr u16 t = 20;
constexpr u16 y = 21;
constexpr u16 u = 22;
constexpr u16 i = 23;
constexpr u16 o = 24;
constexpr u16 p = 25;
constexpr u16 left_brace = 26;
constexpr u16 right_brace = 27;
constexpr u16 enter = 28;
constexpr u16 left_control = 29;
constexpr u16 a = 30;
constexpr u16 s = 31;
constexpr u16 d = 32;
constexpr u16 f = 33;
constexpr u16 g = 34;
constexpr u16 h = 35;
constexpr u16 j = 36;
constexpr u16 k = 37;
constexpr u16 l = 38;
constexpr u16 semicolon = 39;
constexpr u16 apostrophe = 40;
constexpr u16 grave = 41;
constexpr u16 left_shift = 42;
constexpr u16 backslash = 43;
constexpr u16 z = 44;
constexpr u16 x = 45;
constexpr u16 c = 46;
constexpr u16 v = 47;
constexpr u16 b = 48;
constexpr u16 n = 49;
constexpr u16 m = 50;
constexpr u16 comma = 51;
constexpr u16 dot = 52;
constexpr u16 slash = 53;
constexpr u16 right_shift = 54;
constexpr u16 left_alt = 56;
constexpr u16 space = 57;
constexpr u16 caps_lock = 58;
constexpr u16 f1 = 59;
constexpr u16 key_102nd = 86; /* the key between left Shift and Z on ISO keyboards */
constexpr u16 right_control = 97;
constexpr u16 right_alt = 100;
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
constexpr u16 left_meta = 125;
constexpr u16 right_meta = 126;
constexpr u16 button_left = 0x110;
constexpr u16 button_right = 0x111;
constexpr u16 button_middle = 0x112;
constexpr u16 button_touch = 0x14a;
}

constexpr u16 key_code_limit = 0x300; /* KEY_CNT */

}
