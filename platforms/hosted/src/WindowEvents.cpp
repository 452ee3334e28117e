/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Window events to evdev groups (vectra/platform/hosted/HostInput.h). SDL's scancodes are USB
 * HID keyboard usages (page 7); the table gives each the Linux KEY_* code the same physical key
 * has (as Linux's own HID driver maps them), so inputd's keymaps read a window's keys exactly as
 * they read a virtio keyboard's. Pure: host-tested without a window.
 */

#include <vectra/platform/hosted/HostInput.h>

namespace vectra::platform::hosted {

namespace {

/* Usages 0x04 (A) to 0x73 (F24). */
constexpr u8 first_usage = 0x04;
constexpr u8 keys_from_a[] = {
    30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38, /* a-l */
    50, 49, 24, 25, 16, 19, 31, 20, 22, 47, 17, 45, 21, 44, /* m-z */
    2, 3, 4, 5, 6, 7, 8, 9, 10, 11, /* 1-9, 0 */
    28, 1, 14, 15, 57, 12, 13, 26, 27, 43, 43, 39, 40, 41, 51, 52, 53, /* Return … slash (0x32: non-US #) */
    58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 87, 88, /* Caps Lock, F1-F12 */
    99, 70, 119, 110, 102, 104, 111, 107, 109, 106, 105, 108, 103, /* Print … Up */
    69, 98, 55, 74, 78, 96, 79, 80, 81, 75, 76, 77, 71, 72, 73, 82, 83, /* Num Lock, keypad */
    86, 127, 116, 117, /* non-US \ (the ISO key left of Z), Application, Power, keypad = */
    183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, /* F13-F24 */
};
/* Usages 0xe0-0xe7: left Ctrl, Shift, Alt, GUI; right Ctrl, Shift, Alt, GUI. */
constexpr u32 first_modifier = 0xe0;
constexpr u8 modifier_keys[] = { 29, 42, 56, 125, 97, 54, 100, 126 };

constexpr HostInputEvent report { evdev::synchronise, 0, 0 };

i32 clamped(i32 value, u32 size) { return value < 0 ? 0 : (u32(value) >= size ? i32(size - 1) : value); }

}

u16 evdev_key_of_usage(u32 usage)
{
    if (usage >= first_usage && usage - first_usage < sizeof(keys_from_a))
        return keys_from_a[usage - first_usage];
    if (usage >= first_modifier && usage - first_modifier < sizeof(modifier_keys))
        return modifier_keys[usage - first_modifier];
    return 0;
}

usize translate(WindowEvent const& event, u32 width, u32 height, std::span<HostInputEvent, maximum_group> into)
{
    switch (event.kind) {
    case WindowEvent::Kind::Key: {
        u16 code = evdev_key_of_usage(event.usage);
        if (code == 0 || event.repeat)
            return 0;
        into[0] = { evdev::key, code, event.down ? 1 : 0 };
        into[1] = report;
        return 2;
    }
    case WindowEvent::Kind::Motion:
        if (width == 0 || height == 0)
            return 0;
        into[0] = { evdev::absolute, 0, clamped(event.x, width) };
        into[1] = { evdev::absolute, 1, clamped(event.y, height) };
        into[2] = report;
        return 3;
    case WindowEvent::Kind::Button: {
        constexpr u16 buttons[] = { evdev::button_left, evdev::button_middle, evdev::button_right };
        if (event.button < 1 || event.button > 3)
            return 0;
        into[0] = { evdev::key, buttons[event.button - 1], event.down ? 1 : 0 };
        into[1] = report;
        return 2;
    }
    }
    return 0;
}

}
