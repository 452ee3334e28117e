/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The test card (include/testcard/TestCard.h): bars, grid, text, ramps.
 */

#include <testcard/TestCard.h>

namespace vectra::testcard {

namespace {

constexpr std::string_view card_text = "VECTRA";

struct Canvas {
    std::span<u32> pixels;
    u32 pitch;
    u32 width;
    u32 height;

    void fill(u32 x, u32 y, u32 width_, u32 height_, u32 colour)
    {
        for (u32 row = y; row < y + height_ && row < height; ++row) {
            for (u32 column = x; column < x + width_ && column < width; ++column)
                pixels[usize(row) * pitch + column] = colour;
        }
    }
};

Canvas canvas_of(std::span<u32> pixels, DisplayMode const& mode)
{
    Canvas canvas { pixels, mode.stride / 4, mode.width, mode.height };
    /* Never draw past the buffer, whatever the mode claims. */
    if (canvas.pitch < canvas.width)
        canvas.width = canvas.pitch;
    if (canvas.pitch == 0 || usize(canvas.pitch) * canvas.height > pixels.size())
        canvas.height = canvas.pitch == 0 ? 0 : static_cast<u32>(pixels.size() / canvas.pitch);
    return canvas;
}

u32 ramp(u32 column, u32 width) { return width <= 1 ? 0 : column * 255 / (width - 1); }

}

Rectangle text_rectangle(DisplayMode const& mode)
{
    u32 width = static_cast<u32>(card_text.size()) * 8 * text_scale;
    u32 height = 8 * text_scale;
    u32 x = mode.width > width ? (mode.width - width) / 2 : 0;
    u32 y = mode.height / 2 > height / 2 ? mode.height / 2 - height / 2 : 0;
    return { x, y, width, height };
}

void draw_text(std::span<u32> pixels, DisplayMode const& mode, u32 x, u32 y, std::string_view text, u32 scale,
    u32 colour)
{
    Canvas canvas = canvas_of(pixels, mode);
    for (usize index = 0; index < text.size(); ++index) {
        u8 const* rows = glyph(text[index]);
        if (!rows)
            continue;
        u32 left = x + static_cast<u32>(index) * 8 * scale;
        for (u32 row = 0; row < 8; ++row) {
            for (u32 column = 0; column < 8; ++column) {
                if ((rows[row] & (0x80u >> column)) != 0)
                    canvas.fill(left + column * scale, y + row * scale, scale, scale, colour);
            }
        }
    }
}

void draw(std::span<u32> pixels, DisplayMode const& mode)
{
    Canvas canvas = canvas_of(pixels, mode);
    u32 width = canvas.width;
    u32 height = canvas.height;
    u32 third = height / 3;

    for (u32 bar = 0; bar < 8; ++bar) {
        u32 left = bar * width / 8;
        canvas.fill(left, 0, (bar + 1) * width / 8 - left, third, bar_colours[bar]);
    }

    canvas.fill(0, third, width, 2 * third - third, grid_background);
    for (u32 row = third; row < 2 * third; ++row) {
        for (u32 column = 0; column < width; ++column) {
            if (column % grid_spacing == 0 || (row - third) % grid_spacing == 0)
                canvas.pixels[usize(row) * canvas.pitch + column] = grid_line;
        }
    }
    Rectangle text = text_rectangle({ width, height, canvas.pitch * 4, mode.format });
    canvas.fill(text.x - text_scale, text.y - text_scale, text.width + 2 * text_scale, text.height + 2 * text_scale, 0);
    draw_text(pixels, mode, text.x, text.y, card_text, text_scale, 0xffffff);

    u32 ramps = 2 * third;
    u32 half = (height - ramps) / 2;
    for (u32 column = 0; column < width; ++column) {
        u32 level = ramp(column, width);
        canvas.fill(column, ramps, 1, half, level << 16);
        canvas.fill(column, ramps + half, 1, height - ramps - half, (level << 16) | (level << 8) | level);
    }
}

}
