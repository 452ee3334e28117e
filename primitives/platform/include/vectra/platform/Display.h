/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The platform side of the boot display (docs/adr/0014-display-as-a-capability.md). With
 * CONFIG_DISPLAY the kernel retypes the framebuffer from the root Reticle and hands it to the
 * platform, which makes the machine show it (ramfb through QEMU's fw_cfg on x86_64 and aarch64;
 * an SDL2 window on hosted). A platform defines these three only in its CONFIG_DISPLAY variant;
 * without it the kernel never calls them.
 */

#pragma once

#include <vectra/Display.h>
#include <vectra/Error.h>

namespace vectra::platform {

/*
 * Whether the machine has the display, asked before its framebuffer is retyped: NotFound (one line
 * saying why) when it has none — the boot then goes on without a boot display and initd gets no
 * "display" slot (an image may run another display instead: ADR 0052); any other error stops the boot.
 */
[[nodiscard]] ErrorOr<void> display_probe();

/*
 * Make the machine show `framebuffer` (mode.size() bytes, page-aligned, zeroed). An error (no
 * ramfb device, no window system) carries one line saying why; the boot then stops with it.
 */
[[nodiscard]] ErrorOr<void> display_start(u8* framebuffer, DisplayMode const&);

/* Show the damaged rectangle (non-empty, on the screen): nothing for ramfb, which scans out continuously. */
void display_present(Rectangle const&);

}
