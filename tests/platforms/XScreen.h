/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The X server's screen as a test sees it (the hosted window: tests/platforms
 * TestHostedWindow.cpp, tests/bench bench_hosted_window): read back from the root window of
 * DISPLAY and compared with an XRGB8888 framebuffer, or covered by a window of another client.
 * Xlib lives in XScreen.cpp alone, so its macros (None, Region, …) never meet Vectra's names.
 */

#pragma once

#include <string>
#include <vectra/Display.h>

namespace vectra::test {

/* Empty when the screen shows `area` of `framebuffer` (rows `stride` bytes apart) exactly, else where it differs. */
[[nodiscard]] std::string screen_differs(u8 const* framebuffer, u32 stride, Rectangle const& area);

/*
 * Maps a window of another client filled with `colour` (0xRRGGBB) over `area`, waits until the
 * screen shows it, then destroys it: what the display's window sees as an expose. Empty when the
 * cover was shown and taken away, else why not.
 */
[[nodiscard]] std::string cover_and_uncover(Rectangle const& area, u32 colour);

}
