/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The test card (components/testcard) drawn into a buffer: every part where the layout says,
 * the built-in font's glyphs, and no pixel written outside the mode, whatever its stride.
 */

#include <catch2/catch.hpp>
#include <testcard/TestCard.h>
#include <vector>

using namespace vectra;
using namespace vectra::testcard;

namespace {

u32 at(std::vector<u32> const& pixels, DisplayMode const& mode, u32 x, u32 y) { return pixels[y * (mode.stride / 4) + x]; }

}

TEST_CASE("the test card's bars, grid, text and ramps lie where the layout says")
{
    DisplayMode mode { 1024, 768, 4096, PixelFormat::Xrgb8888 };
    std::vector<u32> pixels(mode.size() / 4, 0xdeadbeef);
    draw(pixels, mode);
    for (u32 bar = 0; bar < 8; ++bar)
        CHECK(at(pixels, mode, bar * 128 + 64, 100) == bar_colours[bar]);
    /* The grid: lines on multiples of 16 from the grid's top-left, background between. */
    CHECK(at(pixels, mode, 0, 300) == grid_line);
    CHECK(at(pixels, mode, 16, 300) == grid_line);
    CHECK(at(pixels, mode, 8, 256) == grid_line);
    CHECK(at(pixels, mode, 8, 260) == grid_background);
    /* The text: "V" starts with its left column lit on its first row (0x66 = .xx..xx.). */
    Rectangle text = text_rectangle(mode);
    CHECK((text.x == 320 && text.y == 352 && text.width == 384 && text.height == 64));
    CHECK(at(pixels, mode, text.x + 1 * text_scale, text.y) == 0xffffff);
    CHECK(at(pixels, mode, text.x, text.y) == 0);
    /* Ramps: 0 at the left, 255 at the right. */
    CHECK(at(pixels, mode, 0, 600) == 0x000000);
    CHECK(at(pixels, mode, 1023, 600) == 0xff0000);
    CHECK(at(pixels, mode, 1023, 700) == 0xffffff);
    CHECK(at(pixels, mode, 511, 700) == 0x7f7f7f);
    for (u32 pixel : pixels)
        CHECK(pixel != 0xdeadbeef);
}

TEST_CASE("the card never writes past a row's width or the buffer, whatever the mode claims")
{
    DisplayMode mode { 100, 90, 128 * 4, PixelFormat::Xrgb8888 };
    std::vector<u32> pixels(mode.size() / 4, 0xdeadbeef);
    draw(pixels, mode);
    for (u32 row = 0; row < mode.height; ++row) {
        for (u32 column = mode.width; column < 128; ++column)
            REQUIRE(at(pixels, mode, column, row) == 0xdeadbeef);
    }
    /* A buffer shorter than the mode: drawing stops at its end. */
    DisplayMode claimed { 1024, 768, 4096, PixelFormat::Xrgb8888 };
    std::vector<u32> short_buffer(1024 * 10);
    draw(short_buffer, claimed);
    /* A stride narrower than the width is drawn as wide as the stride. */
    DisplayMode narrow { 1024, 16, 64, PixelFormat::Xrgb8888 };
    std::vector<u32> narrow_buffer(16 * 16);
    draw(narrow_buffer, narrow);
}

TEST_CASE("the built-in font has every capital letter and digit, and nothing else but space")
{
    for (char character = 'A'; character <= 'Z'; ++character)
        CHECK(glyph(character) != nullptr);
    for (char character = '0'; character <= '9'; ++character)
        CHECK(glyph(character) != nullptr);
    CHECK(glyph('a') == nullptr);
    CHECK(glyph('#') == nullptr);
    /* Every glyph but space lights something, and its bottom row is blank (line spacing). */
    for (char character : std::string_view("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")) {
        u8 const* rows = glyph(character);
        u32 lit = 0;
        for (int row = 0; row < 8; ++row)
            lit += rows[row] != 0;
        CHECK(lit > 0);
        CHECK(rows[7] == 0);
    }
}
