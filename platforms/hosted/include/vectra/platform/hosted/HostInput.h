/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The window's keyboard and mouse on hosted (ADR 0040 §6): what the SDL window's thread
 * (src/Display.cpp) calls, and what host tests call in its place. Window events become evdev
 * event groups by translate() — a pure function over the window's event, SDL's scancodes being
 * USB HID keyboard usages — and go into one bounded queue (host_input_queue_capacity events): a
 * group that does not fit is dropped whole and counted, so no report is ever half delivered.
 * Every group queued raises line 2 (input_line) for the kernel's idle loop.
 */

#pragma once

#include <span>
#include <vectra/HostInput.h>

namespace vectra::platform::hosted {

inline constexpr u32 input_line = 2;

/* evdev numbers (linux/input-event-codes.h) the translation produces. */
namespace evdev {
inline constexpr u16 synchronise = 0x00; /* EV_SYN; code SYN_REPORT 0 */
inline constexpr u16 key = 0x01;         /* EV_KEY */
inline constexpr u16 absolute = 0x03;    /* EV_ABS; codes ABS_X 0, ABS_Y 1 */
inline constexpr u16 button_left = 0x110;
inline constexpr u16 button_right = 0x111;
inline constexpr u16 button_middle = 0x112;
}

/* The KEY_* code of a USB HID keyboard usage (an SDL_Scancode), or 0 for a usage with none. */
[[nodiscard]] u16 evdev_key_of_usage(u32 usage);

/* One window event, as the window's thread reads it from SDL. */
struct WindowEvent {
    enum class Kind : u8 {
        Key,    /* usage, down; `repeat`: the window system's own autorepeat */
        Motion, /* x, y in window pixels */
        Button, /* button (1 left, 2 middle, 3 right), down */
    };
    Kind kind { Kind::Key };
    u32 usage { 0 };
    u8 button { 0 };
    bool down { false };
    bool repeat { false };
    i32 x { 0 };
    i32 y { 0 };
};

/* Events one window event becomes at most (ABS_X, ABS_Y, SYN_REPORT). */
inline constexpr usize maximum_group = 3;

/*
 * The evdev group of one window event, ended by SYN_REPORT; 0 events for what the device does not
 * report: a key with no KEY_* code, the window system's autorepeat (inputd repeats keys itself), a
 * button other than left, middle and right. Motion is clamped into the window (width x height).
 */
[[nodiscard]] usize translate(WindowEvent const&, u32 width, u32 height, std::span<HostInputEvent, maximum_group> into);

/* The window is up (width x height): from now on the machine has the input device. */
void host_input_open(u32 width, u32 height);
/* Queues one group whole, or drops it and counts it; raises the input line when queued. */
bool host_input_push(std::span<HostInputEvent const> group);
/* Host tests: no window again, the queue empty and the counts zero. */
void host_input_reset();

/* The input line (Interrupts.cpp): set pending and wake the boot CPU's idle sleep. */
void raise_input_line();

}
