/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Drawing, pixel for pixel: a button (face, border, DejaVu Sans glyphs blended over the face)
 * against an image built independently from FreeType's coverage; focus and press change exactly
 * the colours the theme names; drawing only the damage gives the same pixels as drawing all;
 * canvases are checked against their buffers.
 */

#include "KitGlyphs.h"
#include <catch2/catch.hpp>
#include <vector>
#include <vectra/kit/Canvas.h>
#include <vectra/kit/Error.h>
#include <vectra/kit/Theme.h>
#include <vectra/kit/Tree.h>

using namespace vectra;
using kit::Box;
using kit::Event;
using kit::Key;
using kit::Kind;
using kit::KitError;

namespace {

constexpr u32 width = 100;
constexpr u32 height = 40;

/* The blend written out again: each channel moved towards the text colour by coverage/255, rounded half away. */
u32 expected_blend(u32 under, u32 over, u32 coverage)
{
    u32 result = 0;
    for (u32 shift = 0; shift < 24; shift += 8) {
        i32 below = i32((under >> shift) & 0xff);
        i32 above = i32((over >> shift) & 0xff);
        i32 change = (above - below) * i32(coverage);
        i32 rounded = change >= 0 ? (change + 127) / 255 : -((-change + 127) / 255);
        result |= u32(below + rounded) << shift;
    }
    return result;
}

/* The button as the theme describes it, text from the engine directly. */
std::vector<u32> expected_button(
    test::EngineGlyphs& glyphs, Box button, char const* text, u32 border_width, u32 border, u32 face)
{
    std::vector<u32> image(width * height, kit::theme::window);
    for (i32 y = button.top; y < button.bottom; ++y)
        for (i32 x = button.left; x < button.right; ++x) {
            bool edge = x < button.left + i32(border_width) || x >= button.right - i32(border_width)
                || y < button.top + i32(border_width) || y >= button.bottom - i32(border_width);
            image[y * width + x] = edge ? border : face;
        }
    auto line = glyphs.line_metrics();
    i32 padding = kit::theme::button_padding;
    i32 content_width = i32(button.width()) - 2 * padding;
    i32 content_height = i32(button.height()) - 2 * padding;
    i32 x = button.left + padding + (content_width - glyphs.pixels(text)) / 2;
    i32 baseline = button.top + padding + (content_height - line.line_height) / 2 + line.ascender;
    i64 pen = 0;
    for (char const* character = text; *character; ++character) {
        auto glyph = MUST(glyphs.engine().render(glyphs.entry(), glyphs.pixel_size(), u8(*character)));
        i32 left = x + i32(pen / 64) + glyph.left;
        i32 top = baseline - glyph.top;
        for (u32 row = 0; row < glyph.height; ++row)
            for (u32 column = 0; column < glyph.width; ++column) {
                i32 px = left + i32(column);
                i32 py = top + i32(row);
                u32 coverage = glyph.coverage[row * glyph.pitch + column];
                if (coverage == 0 || px < button.left + i32(border_width) || px >= button.right - i32(border_width)
                    || py < button.top + i32(border_width) || py >= button.bottom - i32(border_width))
                    continue;
                image[py * width + px] = expected_blend(image[py * width + px], kit::theme::text, coverage);
            }
        pen += glyph.advance;
    }
    return image;
}

}

TEST_CASE("a drawn button matches its expected pixels exactly: plain, focused, pressed", "[kit]")
{
    test::EngineGlyphs glyphs(14);
    kit::TreeStorage<4> storage;
    kit::Tree tree(storage.columns());
    auto root = MUST(tree.add({}, Kind::Column));
    MUST(tree.set_layout(root, { 5 }));
    auto button = MUST(tree.add(root, Kind::Button, "OK"));
    MUST(tree.set_layout(button, { kit::theme::button_padding, 0, 0, 60, 28 }));
    MUST(tree.layout(glyphs, Box { 0, 0, i32(width), i32(height) }));
    Box box = MUST(tree.box(button));
    REQUIRE(box == Box { 5, 5, 65, 33 });

    std::vector<u32> pixels(width * height, 0xdeadbeef);
    auto canvas = MUST(kit::Canvas::try_create(pixels, width, height, width));
    MUST(tree.draw(canvas, glyphs, test::whole_region(Box { 0, 0, i32(width), i32(height) })));
    auto plain = expected_button(glyphs, box, "OK", 1, kit::theme::border, kit::theme::button_face);
    REQUIRE(test::differing_pixels(pixels, plain) == 0);
    /* The text really is there: pixels neither face nor border inside the button. */
    usize inked = 0;
    for (u32 pixel : pixels)
        inked += pixel != kit::theme::button_face && pixel != kit::theme::border && pixel != kit::theme::window ? 1 : 0;
    REQUIRE(inked > 40);

    MUST(tree.focus(button));
    MUST(tree.draw(canvas, glyphs, tree.take_damage()));
    REQUIRE(test::differing_pixels(
                pixels, expected_button(glyphs, box, "OK", 2, kit::theme::focus, kit::theme::button_face))
        == 0);

    MUST(tree.dispatch(Event::pointer_down(box.left + 10, box.top + 10)));
    MUST(tree.draw(canvas, glyphs, tree.take_damage()));
    REQUIRE(test::differing_pixels(
                pixels, expected_button(glyphs, box, "OK", 2, kit::theme::focus, kit::theme::button_pressed))
        == 0);
    /* A changed pixel is caught. */
    pixels[10 * width + 10] ^= 1;
    REQUIRE(test::differing_pixels(
                pixels, expected_button(glyphs, box, "OK", 2, kit::theme::focus, kit::theme::button_pressed))
        == 1);
}

TEST_CASE("drawing only the damage gives the pixels of drawing everything, and touches nothing else", "[kit]")
{
    test::EngineGlyphs glyphs(14);
    test::NumberedRows rows(30);
    kit::TreeStorage<16> storage;
    kit::Tree tree(storage.columns());
    auto root = MUST(tree.add({}, Kind::Column));
    MUST(tree.set_layout(root, { 8, 6 }));
    auto title = MUST(tree.add(root, Kind::Label, "Sound"));
    auto field = MUST(tree.add(root, Kind::TextField, "Speakers"));
    auto row = MUST(tree.add(root, Kind::Row));
    MUST(tree.set_layout(row, { 0, 6 }));
    auto apply = MUST(tree.add(row, Kind::Button, "Apply"));
    MUST(tree.add(row, Kind::Button, "Reset"));
    auto list = MUST(tree.add(root, Kind::List));
    MUST(tree.set_list_model(list, &rows));
    Box bounds { 0, 0, 240, 260 };
    MUST(tree.layout(glyphs, bounds));
    (void)tree.take_damage();

    std::vector<u32> incremental(240 * 260, 0);
    auto canvas = MUST(kit::Canvas::try_create(incremental, 240, 260, 240));
    MUST(tree.draw(canvas, glyphs, test::whole_region(bounds)));

    auto step = [&](auto&& change) {
        change();
        if (tree.needs_layout())
            MUST(tree.layout(glyphs, bounds));
        auto damage = tree.take_damage();
        std::vector<u32> before = incremental;
        MUST(tree.draw(canvas, glyphs, damage));
        std::vector<u32> full(240 * 260, 0);
        auto full_canvas = MUST(kit::Canvas::try_create(full, 240, 260, 240));
        MUST(tree.draw(full_canvas, glyphs, test::whole_region(bounds)));
        REQUIRE(test::differing_pixels(incremental, full) == 0);
        for (i32 y = 0; y < 260; ++y)
            for (i32 x = 0; x < 240; ++x)
                if (!damage.contains(x, y))
                    REQUIRE(before[y * 240 + x] == incremental[y * 240 + x]);
        return damage;
    };

    auto focused = step([&] { MUST(tree.dispatch(Event::key_press(kit::Key::Tab))); });
    REQUIRE(focused.bounds() == MUST(tree.box(field)));
    step([&] { MUST(tree.dispatch(Event::text('!'))); });
    step([&] { MUST(tree.dispatch(Event::key_press(Key::Left))); });
    auto pressed = step([&] {
        MUST(tree.dispatch(Event::pointer_down(MUST(tree.box(apply)).left + 3, MUST(tree.box(apply)).top + 3)));
    });
    REQUIRE(pressed.area() == MUST(tree.box(apply)).area() + MUST(tree.box(field)).area());
    step([&] { MUST(tree.dispatch(Event::pointer_up(0, 0))); });
    step([&] { MUST(tree.focus(list)); });
    step([&] { MUST(tree.dispatch(Event::key_press(Key::End))); });
    /* Up within the rows shown: only two rows are damaged, and drawing them alone is enough. */
    auto moved = step([&] { MUST(tree.dispatch(Event::key_press(Key::Up))); });
    REQUIRE(moved.area() == 2 * u64(tree.row_box(list.index, 28).area()));
    step([&] { MUST(tree.dispatch(Event::scroll(MUST(tree.box(list)).left + 4, MUST(tree.box(list)).top + 4, -3))); });
    /* A label growing moves nothing else here, and redraws its old and new area. */
    step([&] { MUST(tree.set_text(title, "Sound and speakers")); });
    step([&] { MUST(tree.set_disabled(apply, true)); });
}

TEST_CASE("a canvas is refused when its buffer or its size does not hold", "[kit]")
{
    std::vector<u32> pixels(99);
    REQUIRE(kit::Canvas::try_create(pixels, 10, 10, 10).error().is(KitError::BufferTooSmall));
    REQUIRE(kit::Canvas::try_create(pixels, 10, 10, 9).error().is(KitError::OutOfBounds));
    REQUIRE(kit::Canvas::try_create(pixels, 0, 10, 10).error().is(KitError::OutOfBounds));
    /* The last row needs only its width, not a whole stride. */
    std::vector<u32> tight(9 * 12 + 10);
    MUST(kit::Canvas::try_create(tight, 10, 10, 12));
}

TEST_CASE("the blend moves each channel towards the colour by coverage", "[kit]")
{
    REQUIRE(font::blend_pixel(0x00ffffff, 0x00000000, 0) == 0x00ffffff);
    REQUIRE(font::blend_pixel(0x00ffffff, 0x00000000, 255) == 0x00000000);
    REQUIRE(font::blend_pixel(0x00000000, 0x00ffffff, 128) == 0x00808080);
    for (u32 coverage = 0; coverage < 256; ++coverage)
        REQUIRE(font::blend_pixel(0x00123456, 0x00fedcba, u8(coverage)) == expected_blend(0x00123456, 0x00fedcba, coverage));
}
