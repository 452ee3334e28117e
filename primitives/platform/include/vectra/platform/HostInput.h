/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The platform side of the window's keyboard and mouse (ADR 0040 §6; vectra/HostInput.h has the
 * shared types). Hosted with CONFIG_DISPLAY queues the SDL window's events as evdev events and
 * raises host_input_line() when some arrive; every other platform (and hosted without a window)
 * has none: host_input_present() is false and the kernel makes no capability.
 */

#pragma once

#include <span>
#include <vectra/HostInput.h>

namespace vectra::platform {

/* Whether the machine has a window whose keyboard and mouse it reads. */
[[nodiscard]] bool host_input_present();
/* The window's size and the event groups dropped because the queue was full. */
[[nodiscard]] HostInputInfo host_input_info();
/* Moves the oldest queued events into `into`, in order; how many. */
[[nodiscard]] usize host_input_drain(std::span<HostInputEvent> into);
/* The interrupt line raised when events arrive (edge: once per arrival while unmasked). */
[[nodiscard]] u32 host_input_line();

}
