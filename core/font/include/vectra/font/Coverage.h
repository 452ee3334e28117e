/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A glyph's coverage blended into 32-bit pixels (docs/adr/0043-fontd.md, client side): what every
 * client of fontd's atlas draws with (VectraKit's Canvas, notifyd, vterm through VectraKit). The
 * blend is integer arithmetic, so the same glyphs give the same pixels on every platform.
 */

#pragma once

#include <span>
#include <vectra/Types.h>
#include <vectra/surface/Region.h>

namespace vectra::font {

/* A glyph's 8-bit coverage (rows `pitch` bytes apart) and where it sits on the pen's baseline. */
struct GlyphImage {
    u32 width { 0 };
    u32 height { 0 };
    u32 pitch { 0 };
    u8 const* coverage { nullptr };
    i32 left { 0 };    /* pen x to the bitmap's left edge, pixels */
    i32 top { 0 };     /* baseline to the bitmap's top edge, pixels, up */
    i32 advance { 0 }; /* pen advance, 1/64 pixels */
};

/* XRGB8888 pixels, rows `stride` pixels apart: as many whole rows as `pixels` holds. */
struct PixelSpan {
    std::span<u32> pixels;
    u32 stride { 0 };
    /* Every pixel the span holds, as a box from (0, 0). */
    [[nodiscard]] surface::Box bounds() const;
};

/* `under` moved towards `over` by coverage/255, per channel, rounded. */
[[nodiscard]] constexpr u32 blend_pixel(u32 under, u32 over, u8 coverage)
{
    u32 result = 0;
    for (u32 shift = 0; shift < 24; shift += 8) {
        i32 below = i32((under >> shift) & 0xff);
        i32 above = i32((over >> shift) & 0xff);
        i32 mixed = below + ((above - below) * i32(coverage) + (above >= below ? 127 : -127)) / 255;
        result |= u32(mixed) << shift;
    }
    return result;
}

/* The glyph's coverage at pen (x, baseline), blended from the pixels below towards `colour`; only
 * inside `clip` and the span's own bounds, so no pixel outside either is read or written. */
void blend_glyph(PixelSpan target, surface::Box const& clip, GlyphImage const&, i32 x, i32 baseline, u32 colour);

}
