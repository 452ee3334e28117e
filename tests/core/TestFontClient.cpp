/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/font's client side without a session: the blend's rounding, a glyph's coverage blended and
 * clipped at every edge of the clip and of the pixels (nothing outside either read or written: the
 * pixels are exactly as large as stated, so ASan sees any step past them), and the atlas view's
 * checks of fontd's word — an atlas mapping smaller than its stated geometry, a stride below the
 * width, a glyph placed outside the atlas are refused, one at the very edge is not.
 */

#include <catch2/catch.hpp>
#include <vector>
#include <vectra/font/AtlasClient.h>
#include <vectra/font/Coverage.h>

using namespace vectra;
using namespace vectra::font;
using surface::Box;

namespace {

constexpr u32 background = 0x00102030;
constexpr u32 ink = 0x00f0e0d0;

/* A 3 × 2 glyph of full coverage but one blank pixel, its top-left at pen + (1, -2). */
struct TestGlyph {
    u8 coverage[6] = { 255, 0, 255, 255, 255, 255 };
    GlyphImage image() const { return { 3, 2, 3, coverage, 1, 2, 4 * 64 }; }
};

/* What blend_glyph must leave: the glyph's inked pixels inside `clip` and the span turned to ink, the rest untouched. */
std::vector<u32> expected(u32 width, u32 height, Box clip, i32 pen_x, i32 baseline)
{
    TestGlyph glyph;
    std::vector<u32> pixels(usize(width) * height, background);
    for (i32 y = 0; y < i32(height); ++y) {
        for (i32 x = 0; x < i32(width); ++x) {
            i32 column = x - (pen_x + 1);
            i32 row = y - (baseline - 2);
            bool inside_glyph = column >= 0 && column < 3 && row >= 0 && row < 2;
            bool inside_clip = x >= clip.left && x < clip.right && y >= clip.top && y < clip.bottom;
            if (inside_glyph && inside_clip && glyph.coverage[row * 3 + column] == 255)
                pixels[usize(y) * width + usize(x)] = ink;
        }
    }
    return pixels;
}

}

TEST_CASE("the blend moves each channel by coverage/255, rounded, and keeps the top byte clear", "[font]")
{
    REQUIRE(blend_pixel(0x00ffffff, 0x00000000, 0) == 0x00ffffff);
    REQUIRE(blend_pixel(0x00ffffff, 0x00000000, 255) == 0x00000000);
    REQUIRE(blend_pixel(0x00000000, 0x00ffffff, 128) == 0x00808080);
    REQUIRE(blend_pixel(0x00ffffff, 0x00000000, 128) == 0x007f7f7f);
    REQUIRE(blend_pixel(0xff000000, 0x00000000, 255) == 0x00000000);
}

TEST_CASE("a glyph is clipped at every edge of the clip and of the pixels, nothing outside touched", "[font]")
{
    constexpr u32 width = 8, height = 6;
    TestGlyph glyph;
    struct Case {
        char const* name;
        Box clip;
        i32 pen_x, baseline;
    };
    Case const cases[] = {
        { "inside", Box::of(0, 0, width, height), 2, 3 },
        { "past the left edge of the pixels", Box::of(-5, -5, 20, 20), -3, 3 },
        { "past the right edge of the pixels", Box::of(-5, -5, 20, 20), 6, 3 },
        { "past the top edge of the pixels", Box::of(-5, -5, 20, 20), 2, 1 },
        { "past the bottom edge of the pixels", Box::of(-5, -5, 20, 20), 2, 7 },
        { "wholly outside the pixels", Box::of(-50, -50, 100, 100), 20, 30 },
        { "cut by the clip's left edge", Box::of(4, 0, 4, height), 2, 3 },
        { "cut by the clip's right edge", Box::of(0, 0, 4, height), 2, 3 },
        { "cut by the clip's top edge", Box::of(0, 2, width, 4), 2, 3 },
        { "cut by the clip's bottom edge", Box::of(0, 0, width, 2), 2, 3 },
        { "an empty clip", Box {}, 2, 3 },
    };
    for (auto const& test : cases) {
        INFO(test.name);
        std::vector<u32> pixels(usize(width) * height, background);
        blend_glyph({ pixels, width }, test.clip, glyph.image(), test.pen_x, test.baseline, ink);
        REQUIRE(pixels == expected(width, height, test.clip.intersected(Box::of(0, 0, width, height)), test.pen_x, test.baseline));
    }
}

TEST_CASE("a span of a partial last row draws only its whole rows, and a blank glyph draws nothing", "[font]")
{
    TestGlyph glyph;
    /* 4 pixels a row, 2 whole rows and 3 pixels more: the third row is not the span's. */
    std::vector<u32> pixels(4 * 2 + 3, background);
    PixelSpan span { pixels, 4 };
    REQUIRE(span.bounds() == Box::of(0, 0, 4, 2));
    blend_glyph(span, Box::of(0, 0, 100, 100), glyph.image(), -1, 3, ink);
    for (usize index = 8; index < pixels.size(); ++index)
        REQUIRE(pixels[index] == background);
    REQUIRE(pixels[4] == ink); /* row 1, column 0: the glyph's second row */

    std::vector<u32> untouched(16, background);
    blend_glyph({ untouched, 4 }, Box::of(0, 0, 4, 4), GlyphImage { 0, 0, 0, nullptr, 0, 0, 64 }, 0, 2, ink);
    blend_glyph({ untouched, 0 }, Box::of(0, 0, 4, 4), glyph.image(), 0, 2, ink);
    REQUIRE(untouched == std::vector<u32>(16, background));
}

TEST_CASE("an atlas mapping smaller than fontd's stated geometry is refused", "[font]")
{
    std::vector<u8> mapping(64 * 32);
    REQUIRE(AtlasView::try_create(mapping, AtlasShared { 64, 32, 64 }).is_error() == false);
    auto short_by_one_row = AtlasView::try_create(mapping, AtlasShared { 64, 33, 64 });
    REQUIRE(short_by_one_row.is_error());
    REQUIRE(short_by_one_row.error().is(ClientError::AtlasTooSmall));
    auto wider_stride = AtlasView::try_create(mapping, AtlasShared { 64, 32, 65 });
    REQUIRE(wider_stride.error().is(ClientError::AtlasTooSmall));
    auto stride_below_width = AtlasView::try_create(mapping, AtlasShared { 64, 16, 32 });
    REQUIRE(stride_below_width.error().is(ClientError::AtlasTooSmall));
    /* 0xffffffff × 0xffffffff must not wrap around to something small. */
    auto huge = AtlasView::try_create(mapping, AtlasShared { 0xffffffff, 0xffffffff, 0xffffffff });
    REQUIRE(huge.error().is(ClientError::AtlasTooSmall));
    REQUIRE(AtlasView::try_create({}, AtlasShared { 1, 1, 1 }).error().is(ClientError::AtlasTooSmall));
}

TEST_CASE("a glyph placed outside the atlas is refused; one at its edge reads inside the mapping", "[font]")
{
    std::vector<u8> mapping(64 * 32);
    for (usize index = 0; index < mapping.size(); ++index)
        mapping[index] = u8(index);
    auto view = MUST(AtlasView::try_create(mapping, AtlasShared { 60, 32, 64 }));
    auto at_corner = MUST(view.image_of(Glyph { 'a', 1, 50, 28, 10, 4, 0, 4, 640 }));
    REQUIRE(at_corner.coverage == mapping.data() + 28 * 64 + 50);
    REQUIRE(at_corner.pitch == 64);
    REQUIRE((at_corner.width == 10 && at_corner.height == 4 && at_corner.top == 4 && at_corner.advance == 640));
    /* The stride's padding is not the atlas's: x + width past the stated width is refused. */
    REQUIRE(view.image_of(Glyph { 'b', 2, 51, 0, 10, 4, 0, 4, 640 }).error().is(ClientError::GlyphOutsideAtlas));
    REQUIRE(view.image_of(Glyph { 'c', 3, 0, 29, 4, 4, 0, 4, 640 }).error().is(ClientError::GlyphOutsideAtlas));
    REQUIRE(view.image_of(Glyph { 'd', 4, 0xffff, 0xffff, 0xffff, 0xffff, 0, 0, 0 }).error().is(ClientError::GlyphOutsideAtlas));
    auto blank = MUST(view.image_of(Glyph { ' ', 5, 0, 0, 0, 0, 0, 0, 320 }));
    REQUIRE((blank.coverage == nullptr && blank.advance == 320));
    /* An empty view (no atlas yet) refuses every glyph with an extent. */
    REQUIRE(AtlasView {}.image_of(Glyph { 'e', 6, 0, 0, 1, 1, 0, 1, 64 }).error().is(ClientError::GlyphOutsideAtlas));
}
