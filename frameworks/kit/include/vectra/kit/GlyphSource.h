/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Where VectraKit's text comes from: one face at one pixel size. In an image it is fontd's atlas
 * (a vectra.font session, FontdGlyphs.h); in host tests the same FreeType engine fontd runs.
 * Either way the glyphs are real: coverage bytes, bearings and advances from the font.
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/Types.h>
#include <vectra/font/Coverage.h>

namespace vectra::kit {

/* A glyph's 8-bit coverage and where it sits on the pen's baseline (core/font's, blended by font::blend_glyph). */
using GlyphImage = font::GlyphImage;

/* Line metrics in whole pixels: baseline to top, baseline to bottom (positive, down), line height. */
struct LineMetrics {
    i32 ascender { 0 };
    i32 descender { 0 };
    i32 line_height { 0 };
};

/* Whole pixels from a font's metrics in 1/64 pixels (vectra.font's SizeSet): each rounded up. */
[[nodiscard]] constexpr LineMetrics whole_pixels(i32 ascender, i32 descender, i32 line_height)
{
    return { (ascender + 63) / 64, (-descender + 63) / 64, (line_height + 63) / 64 };
}

class GlyphSource {
public:
    virtual ~GlyphSource() = default;
    [[nodiscard]] virtual LineMetrics line_metrics() const = 0;
    /* The glyph of `code_point`; its coverage stays valid until the next call. */
    [[nodiscard]] virtual ErrorOr<GlyphImage> glyph(u32 code_point) = 0;
};

}
