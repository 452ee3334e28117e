/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/font/Coverage.h>

namespace vectra::font {

namespace {

constexpr u64 largest_side = 0x7fffffff;

}

surface::Box PixelSpan::bounds() const
{
    if (stride == 0)
        return {};
    u64 rows = pixels.size() / stride;
    return surface::Box::of(0, 0, u32(stride > largest_side ? largest_side : stride), u32(rows > largest_side ? largest_side : rows));
}

void blend_glyph(PixelSpan target, surface::Box const& clip, GlyphImage const& glyph, i32 x, i32 baseline, u32 colour)
{
    if (glyph.width == 0 || glyph.height == 0 || glyph.coverage == nullptr)
        return;
    i32 left = x + glyph.left;
    i32 top = baseline - glyph.top;
    auto area = surface::Box::of(left, top, glyph.width, glyph.height).intersected(clip).intersected(target.bounds());
    for (i32 y = area.top; y < area.bottom; ++y) {
        u8 const* coverage = glyph.coverage + usize(y - top) * glyph.pitch;
        u32* row = target.pixels.data() + usize(y) * target.stride;
        for (i32 column = area.left; column < area.right; ++column) {
            u8 amount = coverage[column - left];
            if (amount != 0)
                row[column] = blend_pixel(row[column], colour, amount);
        }
    }
}

}
