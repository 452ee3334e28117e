/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/kit/Canvas.h>
#include <vectra/kit/Error.h>
#include <vectra/kit/Tree.h>

namespace vectra::kit {

using surface::Box;

ErrorOr<Canvas> Canvas::try_create(std::span<u32> pixels, u32 width, u32 height, u32 stride)
{
    if (width == 0 || height == 0 || stride < width || width > u32(maximum_side) || height > u32(maximum_side))
        return Error(KitError::OutOfBounds, "a canvas of 1…65536 pixels a side, rows at least as long as its width");
    if (pixels.size() < u64(stride) * (height - 1) + width)
        return Error(KitError::BufferTooSmall, "the pixels are fewer than the canvas's size needs");
    return Canvas(pixels, width, height, stride);
}

void Canvas::fill(Box const& box, Box const& clip, u32 colour)
{
    Box area = box.intersected(clip).intersected(bounds());
    for (i32 y = area.top; y < area.bottom; ++y) {
        u32* row = m_pixels.data() + usize(y) * m_stride;
        for (i32 x = area.left; x < area.right; ++x)
            row[x] = colour;
    }
}

void Canvas::frame(Box const& box, Box const& clip, u32 thickness, u32 colour)
{
    i32 side = i32(thickness);
    fill({ box.left, box.top, box.right, box.top + side }, clip, colour);
    fill({ box.left, box.bottom - side, box.right, box.bottom }, clip, colour);
    fill({ box.left, box.top + side, box.left + side, box.bottom - side }, clip, colour);
    fill({ box.right - side, box.top + side, box.right, box.bottom - side }, clip, colour);
}

void Canvas::blend_glyph(GlyphImage const& glyph, i32 x, i32 baseline, Box const& clip, u32 colour)
{
    font::blend_glyph({ m_pixels, m_stride }, clip.intersected(bounds()), glyph, x, baseline, colour);
}

}
