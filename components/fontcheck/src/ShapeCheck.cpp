/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * shape-check (image shaping): a client of fontd shaping complex scripts (vectra.font v2, ADR 0049).
 * It opens Noto Sans Arabic and Noto Sans Devanagari, shapes a line of each with HarfBuzz in fontd
 * (`shape`: glyph indices in visual order, clusters, advances and offsets), places the runs'
 * glyphs in the session's atlas by index (`rasterise-glyphs`) and draws them at HarfBuzz's
 * positions; under the Arabic line it draws the same text unshaped (code point by code point:
 * isolated letters, left to right) for the eye to compare. It checks that the script, direction
 * and language guessed give the same runs, that the second placement comes from the atlas, and
 * the refusals a shaping client meets, then holds the frame for the screen oracle.
 */

#include "Drawing.h"
#include <vectra/Format.h>
#include <vectra/TaskEntry.h>
#include <vectra/footprints/shape_check.h>

VECTRA_TASK_ENTRY(shape_check);

namespace vectra::task_entries {

namespace {

using namespace font_drawing;

struct ShapedLine {
    char const* face;
    char const* text; /* UTF-8 */
    char const* script;
    font::Direction direction;
    char const* language;
    i32 baseline;
};

constexpr u32 pixel_size = 40;
constexpr i32 margin = 40;

constexpr ShapedLine shaped_lines[] = {
    { "Noto Sans Arabic", "مرحبا بالعالم", "Arab", font::Direction::RightToLeft, "ar", 110 },
    { "Noto Sans Devanagari", "नमस्ते दुनिया", "Deva", font::Direction::LeftToRight, "hi", 290 },
    { "Noto Sans Devanagari", "किताब क्षमा", "Deva", font::Direction::LeftToRight, "hi", 370 },
};
constexpr i32 unshaped_baseline = 190;

template<usize Capacity>
void append_text(BoundedVector<u8, Capacity>& vector, char const* text)
{
    for (char const* character = text; *character; ++character)
        (void)vector.try_append(u8(*character));
}

font::Shape shape_request(u32 face, ShapedLine const& line, bool guessed)
{
    font::Shape request;
    request.face = face;
    append_text(request.text, line.text);
    if (!guessed) {
        append_text(request.script, line.script);
        request.direction = u8(line.direction);
        append_text(request.language, line.language);
    }
    return request;
}

bool same_run(font::Shaped const& left, font::Shaped const& right)
{
    if (left.glyphs.size() != right.glyphs.size())
        return false;
    for (usize index = 0; index < left.glyphs.size(); ++index) {
        auto const &a = left.glyphs[index], &b = right.glyphs[index];
        if (a.glyph != b.glyph || a.cluster != b.cluster || a.x_advance != b.x_advance || a.y_advance != b.y_advance
            || a.x_offset != b.x_offset || a.y_offset != b.y_offset)
            return false;
    }
    return true;
}

}

ErrorOr<i32> shape_check(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::shape_check));
    auto taken = TRY(take_font_check_bundle(bundle));
    auto const& console = taken.console;
    auto const& display = taken.display;
    auto const& memory = taken.memory;
    auto& client = taken.client;

    MemCap framebuffer;
    auto screen = TRY(paper_screen(display, framebuffer));
    auto shared = TRY(share_atlas(client));
    auto const& atlas = shared.view;

    u32 faces[2] = { 0, 0 };
    char const* face_names[2] = { "Noto Sans Arabic", "Noto Sans Devanagari" };
    for (usize index = 0; index < 2; ++index) {
        auto opened = TRY(client.call(named(face_names[index])));
        faces[index] = opened.face;
        TRY(client.call(font::SetSize { opened.face, pixel_size }));
        TRY(print_line(console, "shape-check: {}: {} units per em, {} glyphs, {} px", face_names[index], opened.units_per_em,
            opened.glyphs, pixel_size));
    }
    auto face_of = [&](ShapedLine const& line) { return line.face == face_names[0] ? faces[0] : faces[1]; };

    u32 placed_total = 0;
    for (auto const& line : shaped_lines) {
        u32 face = face_of(line);
        auto shaped = TRY(client.call(shape_request(face, line, false)));
        auto guessed = TRY(client.call(shape_request(face, line, true)));
        TRY(expect(same_run(shaped, guessed), "the guessed script, direction and language shaped another run"));

        /* The run's glyphs by index into the atlas; drawn at HarfBuzz's positions from the left margin. */
        font::RasteriseGlyphs run;
        run.face = face;
        for (auto const& glyph : shaped.glyphs)
            TRY(run.glyphs.try_append(glyph.glyph));
        auto placed = TRY(client.call(run));
        TRY(expect(placed.glyphs.size() == shaped.glyphs.size(), "fontd placed another number of glyphs"));
        placed_total += placed.rasterised;
        i64 pen_x = i64(margin) * 64, pen_y = 0;
        FixedString<192> ids;
        for (usize index = 0; index < shaped.glyphs.size(); ++index) {
            auto const& position = shaped.glyphs[index];
            auto const& glyph = placed.glyphs[index];
            /* The glyph's pen: HarfBuzz's offsets added, y up from the line's baseline. */
            TRY(draw_glyph(screen, atlas, glyph, i32((pen_x + position.x_offset + 32) >> 6),
                line.baseline - i32((pen_y + position.y_offset + 32) >> 6)));
            pen_x += position.x_advance;
            pen_y += position.y_advance;
            (void)format_into(ids, "{}{}", ids.length() ? " " : "", position.glyph);
        }
        TRY(print_line(console, "shape-check: {} '{}' ({} {}): {} glyphs [{}], {}/64 px, guessed the same", line.face, line.text,
            line.script, line.direction == font::Direction::RightToLeft ? "right to left" : "left to right",
            shaped.glyphs.size(), ids.view(), pen_x - i64(margin) * 64));
    }

    /* The Arabic line unshaped, for comparison: each code point's own (isolated) glyph, left to right. */
    u32 code_points[font::maximum_run];
    usize count = decode(shaped_lines[0].text, code_points, font::maximum_run);
    font::Rasterise unshaped;
    unshaped.face = faces[0];
    for (usize index = 0; index < count; ++index)
        TRY(unshaped.code_points.try_append(code_points[index]));
    auto letters = TRY(client.call(unshaped));
    i64 pen = i64(margin) * 64;
    for (auto const& glyph : letters.glyphs) {
        TRY(draw_glyph(screen, atlas, glyph, i32((pen + 32) >> 6), unshaped_baseline));
        pen += glyph.advance;
    }
    TRY(system::present(display, { 0, 0, screen.mode.width, screen.mode.height }));
    TRY(print_line(console, "shape-check: the Arabic line unshaped: {} code points, {} glyphs rendered", count, letters.rasterised));

    /* Placed again: every glyph of the runs comes from the atlas. */
    u32 cached = 0;
    for (auto const& line : shaped_lines) {
        auto shaped = TRY(client.call(shape_request(face_of(line), line, false)));
        font::RasteriseGlyphs run;
        run.face = face_of(line);
        for (auto const& glyph : shaped.glyphs)
            TRY(run.glyphs.try_append(glyph.glyph));
        auto placed = TRY(client.call(run));
        TRY(expect(placed.rasterised == 0, "a shaped glyph was rendered twice"));
        cached += placed.cached;
    }
    TRY(print_line(console, "shape-check: {} shaped glyphs rendered once, {} from the atlas the second time", placed_total, cached));

    /* What fontd refuses a shaping client. */
    font::Shape invalid;
    invalid.face = faces[0];
    (void)invalid.text.try_append(0xd8);
    TRY(expect_refusal(console, "shape-check", "shaping a cut UTF-8 sequence", client.call(invalid), font::FontError::InvalidText));
    font::Shape long_run;
    long_run.face = faces[1];
    for (usize index = 0; index < 40; ++index)
        (void)long_run.text.try_append(u8('a'));
    TRY(expect_refusal(console, "shape-check", "shaping 40 glyphs", client.call(long_run), font::FontError::TooManyGlyphs));
    font::Shape bad_script = shape_request(faces[0], shaped_lines[0], false);
    bad_script.script[3] = '1';
    TRY(expect_refusal(console, "shape-check", "script 'Ara1'", client.call(bad_script), font::FontError::InvalidScript));
    font::RasteriseGlyphs beyond;
    beyond.face = faces[0];
    (void)beyond.glyphs.try_append(0xffffffu);
    TRY(expect_refusal(console, "shape-check", "glyph 16777215", client.call(beyond), font::FontError::InvalidGlyph));

    TRY(hold_frame(console, memory, "shape-check"));
    TRY(print_line(console, "shape-check: passed"));
    return 0;
}

}
