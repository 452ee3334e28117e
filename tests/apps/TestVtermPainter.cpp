/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Where vterm's model meets its pixels (apps/vterm Painter): a drawn cell is exactly its background
 * with the glyph fontd's engine gives for DejaVu Sans Mono blended on it; reverse and the cursor
 * swap the colours; output draws and damages only the runs it changed (every other pixel stays),
 * a title or focus change only the title bar; drawing the changes gives the same pixels as
 * drawing everything again.
 */

#include "../frameworks/KitGlyphs.h"
#include "../frameworks/TerminalSupport.h"
#include <catch2/catch.hpp>
#include <vterm/Painter.h>

using namespace vectra;
using namespace vectra::vterm;
using terminal::testing::OwnedTerminal;

namespace {

constexpr u32 pixel_size = 16;

Painter painter_for(kit::GlyphSource& glyphs) { return MUST(Painter::try_create(glyphs)); }

kit::Canvas canvas_over(std::vector<u32>& pixels, u32 width, u32 height)
{
    return MUST(kit::Canvas::try_create(pixels, width, height, width));
}

struct Window {
    test::EngineGlyphs glyphs { pixel_size, "DejaVu Sans Mono", test::dejavu_sans_mono() };
    Painter painter { painter_for(glyphs) };
    OwnedTerminal model;
    std::vector<u32> pixels;
    kit::Canvas canvas;

    explicit Window(terminal::Size size)
        : model(size, terminal::Limits { size, 50 })
        , pixels(usize(painter.width_for(size)) * painter.height_for(size), 0x123456)
        , canvas(canvas_over(pixels, painter.width_for(size), painter.height_for(size)))
    {
    }

    /* What vterm shows: the program's title (set-title), else the one the output set. */
    std::span<u8 const> title() const { return model.terminal.title(); }

    /* The same window drawn whole by a fresh painter. */
    std::vector<u32> redrawn(bool focused)
    {
        std::vector<u32> fresh(pixels.size(), 0);
        auto other = MUST(kit::Canvas::try_create(fresh, canvas.width(), canvas.height(), canvas.stride()));
        auto painter_again = MUST(Painter::try_create(glyphs));
        MUST(painter_again.draw_all(other, model.terminal, title(), focused));
        return fresh;
    }
};

/* The cell's pixels as drawn directly: its background filled, the glyph blended at its pen. */
std::vector<u32> expected_cell(Window& window, u32 code_point, u32 foreground, u32 background)
{
    auto cell = window.painter.cell();
    std::vector<u32> pixels(usize(cell.width) * cell.height, background);
    auto canvas = MUST(kit::Canvas::try_create(pixels, cell.width, cell.height, cell.width));
    auto glyph = MUST(window.glyphs.glyph(code_point));
    canvas.blend_glyph(glyph, 0, cell.baseline, canvas.bounds(), foreground);
    return pixels;
}

std::vector<u32> cell_pixels(Window& window, u16 row, u16 column)
{
    auto box = window.painter.cell_box(row, column);
    std::vector<u32> pixels;
    for (i32 y = box.top; y < box.bottom; ++y)
        for (i32 x = box.left; x < box.right; ++x)
            pixels.push_back(window.canvas.pixel(u32(x), u32(y)));
    return pixels;
}

bool inside(surface::Region const& region, u32 x, u32 y) { return region.contains(i32(x), i32(y)); }

}

TEST_CASE("A cell's pixels are its background with the face's glyph blended on it, exactly", "[vterm][painter]")
{
    Window window({ 12, 4 });
    auto cell = window.painter.cell();
    CHECK(cell.width == 10); /* DejaVu Sans Mono's advance at 16 px: 9.63, rounded up */
    CHECK(cell.height == u32(window.glyphs.line_metrics().line_height));
    window.model.write("\x1b[31;42mA\x1b[0mg");
    MUST(window.painter.draw_all(window.canvas, window.model.terminal, window.title(), true));

    auto a = window.model.terminal.cell(0, 0);
    CHECK(pixel_of(a.foreground) != pixel_of(a.background));
    CHECK(cell_pixels(window, 0, 0) == expected_cell(window, 'A', pixel_of(a.foreground), pixel_of(a.background)));
    auto g = window.model.terminal.cell(0, 1);
    CHECK(cell_pixels(window, 0, 1) == expected_cell(window, 'g', pixel_of(g.foreground), pixel_of(g.background)));
    /* A glyph really drew: the cell is not its background alone. */
    CHECK(cell_pixels(window, 0, 0) != expected_cell(window, ' ', pixel_of(a.foreground), pixel_of(a.background)));
}

TEST_CASE("Reverse and the cursor swap a cell's colours", "[vterm][painter]")
{
    Window window({ 12, 4 });
    window.model.write("\x1b[7mR\x1b[0m");
    MUST(window.painter.draw_all(window.canvas, window.model.terminal, window.title(), true));
    auto r = window.model.terminal.cell(0, 0);
    CHECK(cell_pixels(window, 0, 0) == expected_cell(window, 'R', pixel_of(r.background), pixel_of(r.foreground)));
    /* The cursor stands on (0, 1): a blank cell in the foreground's colour. */
    auto blank = window.model.terminal.cell(0, 1);
    CHECK(window.model.terminal.cursor().column == 1);
    CHECK(cell_pixels(window, 0, 1)
        == expected_cell(window, ' ', pixel_of(blank.background), pixel_of(blank.foreground)));
    /* Hidden (DECTCEM off), the cell shows its own colours. */
    window.model.write("\x1b[?25l");
    surface::Region damage;
    MUST(window.painter.draw_changes(window.canvas, window.model.terminal, window.title(), true, damage));
    CHECK(cell_pixels(window, 0, 1)
        == expected_cell(window, ' ', pixel_of(blank.foreground), pixel_of(blank.background)));
    CHECK(damage.area() == u64(window.painter.cell().width) * window.painter.cell().height);
}

TEST_CASE("Output draws and damages only the runs it changed", "[vterm][painter]")
{
    Window window({ 20, 6 });
    window.model.write("first line\r\nsecond");
    MUST(window.painter.draw_all(window.canvas, window.model.terminal, window.title(), true));
    auto before = window.pixels;

    window.model.write("\x1b[4;3Hxy");
    surface::Region damage;
    MUST(window.painter.draw_changes(window.canvas, window.model.terminal, window.title(), true, damage));
    auto cell = window.painter.cell();
    /* "xy" and the cursor's old (row 1, column 6) and new (row 3, column 4) cells. */
    CHECK(damage.area() == u64(cell.width) * cell.height * 4);
    CHECK(damage.bounds().top >= i32(window.painter.title_height()));
    usize changed_outside = 0;
    usize changed_inside = 0;
    for (u32 y = 0; y < window.canvas.height(); ++y) {
        for (u32 x = 0; x < window.canvas.width(); ++x) {
            bool changed = before[usize(y) * window.canvas.stride() + x] != window.canvas.pixel(x, y);
            if (inside(damage, x, y))
                changed_inside += changed ? 1 : 0;
            else
                changed_outside += changed ? 1 : 0;
        }
    }
    CHECK(changed_outside == 0);
    CHECK(changed_inside > 0);
    CHECK(window.pixels == window.redrawn(true));

    /* Nothing new: nothing drawn, nothing damaged. */
    surface::Region none;
    MUST(window.painter.draw_changes(window.canvas, window.model.terminal, window.title(), true, none));
    CHECK(none.is_empty());
}

TEST_CASE("A title or focus change damages the title bar alone", "[vterm][painter]")
{
    Window window({ 20, 4 });
    MUST(window.painter.draw_all(window.canvas, window.model.terminal, window.title(), true));
    CHECK(window.canvas.pixel(0, 0) == title_focused);

    window.model.write("\x1b]2;shell\x07");
    surface::Region damage;
    MUST(window.painter.draw_changes(window.canvas, window.model.terminal, window.title(), true, damage));
    CHECK(damage.bounds() == surface::Box::of(0, 0, window.canvas.width(), window.painter.title_height()));
    CHECK(window.pixels == window.redrawn(true));

    surface::Region unfocused;
    MUST(window.painter.draw_changes(window.canvas, window.model.terminal, window.title(), false, unfocused));
    CHECK(unfocused.bounds() == surface::Box::of(0, 0, window.canvas.width(), window.painter.title_height()));
    CHECK(window.canvas.pixel(0, 0) == title_unfocused);
    CHECK(window.pixels == window.redrawn(false));
}

TEST_CASE("A wide character is drawn whole when only one of its halves is damaged", "[vterm][painter]")
{
    Window window({ 10, 3 });
    window.model.write("\xe4\xb8\xad"); /* U+4E2D, two columns */
    MUST(window.painter.draw_all(window.canvas, window.model.terminal, window.title(), true));
    window.model.write("\x1b[1;2H");
    surface::Region damage;
    MUST(window.painter.draw_changes(window.canvas, window.model.terminal, window.title(), true, damage));
    CHECK(window.pixels == window.redrawn(true));
}

TEST_CASE("A glyph source that fails is reported, never drawn past", "[vterm][painter]")
{
    Window window({ 10, 3 });
    window.model.write("abc");
    window.glyphs.refuse(true);
    CHECK(window.painter.draw_all(window.canvas, window.model.terminal, window.title(), true).is_error());
}

TEST_CASE("The selection is drawn reversed, damaged where it changed, and the cursor in it shows as itself", "[vterm][painter]")
{
    Window window({ 12, 4 });
    window.model.write("abc");
    MUST(window.painter.draw_all(window.canvas, window.model.terminal, window.title(), true));
    auto& model = window.model.terminal;
    model.select(model.view_position(0, 1), model.view_position(0, 3));
    surface::Region damage;
    MUST(window.painter.draw_changes(window.canvas, model, window.title(), true, damage));
    CHECK(!damage.is_empty());
    auto a = model.cell(0, 0);
    auto b = model.cell(0, 1);
    CHECK(cell_pixels(window, 0, 0) == expected_cell(window, 'a', pixel_of(a.foreground), pixel_of(a.background)));
    CHECK(cell_pixels(window, 0, 1) == expected_cell(window, 'b', pixel_of(b.background), pixel_of(b.foreground)));
    /* The cursor on (0, 3) inside the selection: reversed twice, its own colours. */
    auto cursor = model.cell(0, 3);
    CHECK(cell_pixels(window, 0, 3) == expected_cell(window, ' ', pixel_of(cursor.foreground), pixel_of(cursor.background)));
    CHECK(window.pixels == window.redrawn(true));

    model.clear_selection();
    surface::Region cleared;
    MUST(window.painter.draw_changes(window.canvas, model, window.title(), true, cleared));
    CHECK(cell_pixels(window, 0, 1) == expected_cell(window, 'b', pixel_of(b.foreground), pixel_of(b.background)));
    CHECK(window.pixels == window.redrawn(true));
}

TEST_CASE("A window's pixel names its title bar or its cell; outside the window, nothing", "[vterm][painter]")
{
    Window window({ 12, 4 });
    auto cell = window.painter.cell();
    terminal::Size size { 12, 4 };
    auto bar = window.painter.hit(5, 0, size);
    REQUIRE(bar.has_value());
    CHECK(bar->title_bar);
    auto inside = window.painter.hit(i32(cell.width * 3 + 1), i32(window.painter.title_height() + cell.height * 2), size);
    REQUIRE(inside.has_value());
    CHECK((!inside->title_bar && inside->row == 2 && inside->column == 3));
    CHECK_FALSE(window.painter.hit(-1, 5, size).has_value());
    CHECK_FALSE(window.painter.hit(i32(window.painter.width_for(size)), 5, size).has_value());
    CHECK_FALSE(window.painter.hit(5, i32(window.painter.height_for(size)), size).has_value());
}
