/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A 32-bit pixel buffer VectraKit draws into (xrgb8888, as a vectra.surface client lends it):
 * rectangles filled and glyph coverage blended, always clipped to a box and to the buffer.
 * The blend is integer arithmetic, so the same glyphs give the same pixels on every platform.
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/kit/GlyphSource.h>
#include <vectra/surface/Region.h>

namespace vectra::kit {

class Canvas {
public:
    /* `pixels` must hold `stride` × (height − 1) + width entries (buffer-too-small otherwise). */
    [[nodiscard]] static ErrorOr<Canvas> try_create(std::span<u32> pixels, u32 width, u32 height, u32 stride);

    [[nodiscard]] u32 width() const { return m_width; }
    [[nodiscard]] u32 height() const { return m_height; }
    [[nodiscard]] u32 stride() const { return m_stride; }
    [[nodiscard]] u32 pixel(u32 x, u32 y) const { return m_pixels[usize(y) * m_stride + x]; }
    [[nodiscard]] surface::Box bounds() const { return surface::Box::of(0, 0, m_width, m_height); }

    void fill(surface::Box const&, surface::Box const& clip, u32 colour);
    /* A frame `thickness` pixels wide along the inside of the box. */
    void frame(surface::Box const&, surface::Box const& clip, u32 thickness, u32 colour);
    /* The glyph's coverage at pen (x, baseline), blended from the pixels below towards `colour`. */
    void blend_glyph(GlyphImage const&, i32 x, i32 baseline, surface::Box const& clip, u32 colour);

private:
    Canvas(std::span<u32> pixels, u32 width, u32 height, u32 stride)
        : m_pixels(pixels)
        , m_width(width)
        , m_height(height)
        , m_stride(stride)
    {
    }

    std::span<u32> m_pixels;
    u32 m_width { 0 };
    u32 m_height { 0 };
    u32 m_stride { 0 };
};

/* `under` moved towards `over` by coverage/255, per channel, rounded (core/font's blend). */
using font::blend_pixel;

}
