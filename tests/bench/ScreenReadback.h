/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Reading the X server's screen back (bench_hosted_window): whether the root window shows a
 * rectangle of an XRGB8888 framebuffer. Xlib lives in ScreenReadback.cpp alone, so its macros
 * (None, Region, …) never meet Vectra's names.
 */

#pragma once

#include <string>
#include <vectra/Display.h>

namespace vectra::bench {

/* Empty when the screen (DISPLAY's root window) shows `area` of `framebuffer` exactly, else why not. */
[[nodiscard]] std::string screen_differs(u8 const* framebuffer, u32 stride, Rectangle const& area);

}
