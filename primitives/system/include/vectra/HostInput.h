/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted window's keyboard and mouse as a capability (ADR 0040 §6): the types a Task holding
 * the `input` DeviceCap and the kernel share. The calls are in vectra/System.h
 * (system::host_input_*); the kernel side is vectra/kernel/HostInput.h, the platform's queue
 * vectra/platform/HostInput.h.
 *
 * The platform turns the window's events into evdev events (SDL scancodes to KEY_* codes,
 * motion to ABS_X/ABS_Y in window pixels, buttons to BTN_*), each key press, release and pointer
 * change ended by SYN_REPORT, and queues them, bounded: a group that does not fit is dropped
 * whole and counted. Only a machine with the window has the device (hosted with CONFIG_DISPLAY).
 */

#pragma once

#include <vectra/Types.h>

namespace vectra {

/* One evdev event as the platform queued it (linux/input.h's type, code and value). */
struct HostInputEvent {
    u16 type { 0 };
    u16 code { 0 };
    i32 value { 0 };
};

/* The window's size (the pointer's axes run 0..width-1 and 0..height-1) and the groups dropped so far. */
struct HostInputInfo {
    u32 width { 0 };
    u32 height { 0 };
    u64 dropped { 0 };
};

/* Events one host_input_drain moves at most; the platform's queue holds host_input_queue_capacity. */
inline constexpr usize maximum_host_input_drain = 64;
inline constexpr usize host_input_queue_capacity = 256;

}
