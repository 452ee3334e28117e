/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A test card for a display: what the screen image draws and its screen oracle compares. Plain
 * code over a pixel buffer (XRGB8888), so a host test checks it without a display.
 *
 * Layout on a W x H screen (rows in fractions of H):
 *   [0, H/3)       eight colour bars: white, yellow, cyan, green, magenta, red, blue, black
 *   [H/3, 2H/3)    a 1-pixel grid, white lines every 16 px on dark grey, with "VECTRA" in the
 *                  middle (the built-in 8x8 font, scaled 8x, white on black)
 *   [2H/3, 5H/6)   a red ramp, 0 at the left to 255 at the right
 *   [5H/6, H)      a grey ramp, the same
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Display.h>
#include <vectra/Types.h>

namespace vectra::testcard {

constexpr u32 grid_spacing = 16;
constexpr u32 text_scale = 8;

/* 0x00RRGGBB */
constexpr u32 bar_colours[8] = { 0xffffff, 0xffff00, 0x00ffff, 0x00ff00, 0xff00ff, 0xff0000, 0x0000ff, 0x000000 };
constexpr u32 grid_background = 0x202020;
constexpr u32 grid_line = 0xffffff;

/* Draws the card into `pixels` (mode.stride / 4 pixels per row, mode.height rows). */
void draw(std::span<u32> pixels, DisplayMode const& mode);

/* Where the text lies, for tests and the oracle's regions. */
[[nodiscard]] Rectangle text_rectangle(DisplayMode const& mode);

/* The 8x8 glyph of `character` (bit 7 of row 0 is the top-left pixel), or nullptr if the font has none. */
[[nodiscard]] u8 const* glyph(char character);

/* Draws `text` with its top-left at (x, y), each font pixel `scale` x `scale` screen pixels. */
void draw_text(std::span<u32> pixels, DisplayMode const& mode, u32 x, u32 y, std::string_view text, u32 scale,
    u32 colour);

}
