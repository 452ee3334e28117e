/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * font-check (image fonts): a client of fontd. It opens a session of vectra.font, sets sizes,
 * rasterises lines of text in runs of up to 32 code points, maps the session's atlas read-only and
 * draws each glyph's coverage from it onto the display (core/font's AtlasView and blend_glyph) (pen positions from the glyphs' advances:
 * no kerning or shaping yet, ADR 0043 §6), then the atlas itself below the text. It asks for the
 * same lines again (every glyph from the atlas, none rendered), tries what a client must not do
 * (write the atlas, grant it on with write, open a face not in the catalogue), and holds the frame
 * for the screen oracle.
 */

#include "Drawing.h"
#include <vectra/TaskEntry.h>
#include <vectra/footprints/font_check.h>

VECTRA_TASK_ENTRY(font_check);

namespace vectra::task_entries {

namespace {

using namespace font_drawing;

constexpr u32 atlas_ink = 0x204080;

struct Line {
    char const* face;
    bool bold;
    u32 pixel_size;
    i32 x;
    i32 baseline;
    char const* text; /* UTF-8 */
};

constexpr Line lines[] = {
    { "DejaVu Sans", false, 40, 40, 80, "Vectra renders text through fontd" },
    { "DejaVu Sans Bold", true, 28, 40, 140, "FreeType 2.12 in a service, glyphs shared read-only" },
    { "DejaVu Sans", false, 18, 40, 190, "The quick brown fox jumps over the lazy dog. 0123456789" },
    { "DejaVu Sans", false, 18, 40, 222, "Unicode: äöü ß é ñ ç Ω π € © ½ → ★" },
};

/* The atlas is drawn from here on the screen, its top rows that hold glyphs. */
constexpr i32 atlas_x = 40;
constexpr i32 atlas_y = 260;
constexpr u32 atlas_shown_rows = 480;

struct Totals {
    u32 glyphs { 0 };
    u32 rasterised { 0 };
    u32 cached { 0 };
};

/* Rasterises one line in runs of 32 and draws it (when `screen` is given) from the atlas. */
ErrorOr<Totals> render_line(FontClient& client, u32 face, Line const& line, font::AtlasView const& atlas, Screen* screen)
{
    u32 code_points[128];
    usize count = decode(line.text, code_points, 128);
    Totals totals;
    i64 pen = i64(line.x) * 64;
    for (usize start = 0; start < count; start += font::maximum_run) {
        font::Rasterise run;
        run.face = face;
        for (usize index = start; index < count && index < start + font::maximum_run; ++index)
            TRY(run.code_points.try_append(code_points[index]));
        auto placed = TRY(client.call(run));
        TRY(expect(placed.glyphs.size() == run.code_points.size(), "fontd answered another number of glyphs"));
        totals.glyphs += u32(placed.glyphs.size());
        totals.rasterised += placed.rasterised;
        totals.cached += placed.cached;
        for (auto const& glyph : placed.glyphs) {
            if (screen)
                TRY(draw_glyph(*screen, atlas, glyph, i32((pen + 32) >> 6), line.baseline));
            pen += glyph.advance;
        }
    }
    return totals;
}

}

ErrorOr<i32> font_check(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::font_check));
    auto taken = TRY(take_font_check_bundle(bundle));
    auto const& console = taken.console;
    auto const& display = taken.display;
    auto const& memory = taken.memory;
    auto& client = taken.client;

    MemCap framebuffer;
    auto screen = TRY(paper_screen(display, framebuffer));
    auto const& mode = screen.mode;

    /* The atlas: a read-only copy of fontd's MemCap. */
    auto shared = TRY(share_atlas(client));
    auto const& atlas_capability = shared.capability;
    auto const& atlas = shared.view;
    TRY(print_line(console, "font-check: atlas {}x{}, {} bytes, mapped read-only", shared.geometry.width, shared.geometry.height,
        shared.mapping.size()));

    u32 faces[2] = { 0, 0 };
    char const* face_names[2] = { "DejaVu Sans", "DejaVu Sans Bold" };
    for (usize index = 0; index < 2; ++index) {
        auto opened = TRY(client.call(named(face_names[index])));
        faces[index] = opened.face;
        TRY(print_line(console, "font-check: {}: {} units per em, {} glyphs", face_names[index], opened.units_per_em, opened.glyphs));
    }
    auto face_of = [&](Line const& line) { return line.bold ? faces[1] : faces[0]; };

    Totals first;
    u64 started = monotonic_now().nanoseconds_since_boot();
    for (auto const& line : lines) {
        u32 face = face_of(line);
        auto metrics = TRY(client.call(font::SetSize { face, line.pixel_size }));
        auto totals = TRY(render_line(client, face, line, atlas, &screen));
        TRY(print_line(console, "font-check: {} {} px (line {}/64 px): {} glyphs, {} rasterised, {} from the atlas", line.face,
            line.pixel_size, metrics.line_height, totals.glyphs, totals.rasterised, totals.cached));
        first.glyphs += totals.glyphs;
        first.rasterised += totals.rasterised;
        first.cached += totals.cached;
    }
    u64 rendered_ns = monotonic_now().nanoseconds_since_boot() - started;

    /* The atlas itself, as fontd filled it, under the text. */
    auto state = TRY(client.call(font::ReadState {}));
    u32 rows = state.atlas_rows < atlas_shown_rows ? state.atlas_rows : atlas_shown_rows;
    auto filled = pixels_of(screen);
    font::blend_glyph(filled, filled.bounds(), TRY(atlas_region(atlas, 0, 0, font::atlas_width, rows)), atlas_x, atlas_y, atlas_ink);
    TRY(system::present(display, { 0, 0, mode.width, mode.height }));
    TRY(print_line(console, "font-check: {} glyphs drawn, {} rasterised by fontd, {} from the atlas, in {} us", first.glyphs,
        first.rasterised, first.cached, rendered_ns / 1000));
    TRY(print_line(console, "font-check: atlas holds {} glyphs in {} of {} rows ({} bytes)", state.glyphs, state.atlas_rows,
        shared.geometry.height, usize(state.atlas_rows) * shared.geometry.stride));

    /* The same lines again: every glyph comes from the atlas. */
    Totals again;
    started = monotonic_now().nanoseconds_since_boot();
    for (auto const& line : lines) {
        u32 face = face_of(line);
        TRY(client.call(font::SetSize { face, line.pixel_size }));
        auto totals = TRY(render_line(client, face, line, atlas, nullptr));
        again.glyphs += totals.glyphs;
        again.rasterised += totals.rasterised;
        again.cached += totals.cached;
    }
    u64 cached_ns = monotonic_now().nanoseconds_since_boot() - started;
    TRY(expect(again.rasterised == 0 && again.cached == first.glyphs, "the second pass rendered glyphs again"));
    TRY(print_line(console, "font-check: the same lines again: {} glyphs, {} rasterised, {} from the atlas, in {} us",
        again.glyphs, again.rasterised, again.cached, cached_ns / 1000));

    /*
     * A glyph large enough that FreeType's smooth rasteriser overflows its band pool and leaves the
     * band with longjmp (core/libc's, on bare metal), splitting it: its coverage must be the same
     * bytes on every platform (hosted runs the C library's setjmp), so the oracle pins a checksum.
     */
    TRY(client.call(font::SetSize { faces[1], 256 }));
    font::Rasterise large;
    large.face = faces[1];
    TRY(large.code_points.try_append(u32('@')));
    auto at_sign = TRY(client.call(large)).glyphs[0];
    auto at_sign_image = TRY(atlas.image_of(at_sign));
    u32 checksum = 0x811c9dc5;
    for (u32 row = 0; row < at_sign_image.height; ++row) {
        for (u32 column = 0; column < at_sign_image.width; ++column) {
            checksum ^= at_sign_image.coverage[usize(row) * at_sign_image.pitch + column];
            checksum *= 0x01000193;
        }
    }
    TRY(print_line(console, "font-check: DejaVu Sans Bold 256 px '@': {}x{} pixels, coverage FNV-1a {:08x}", at_sign.width,
        at_sign.height, checksum));

    /* What a client must not do. */
    TRY(expect_refusal(console, "font-check", "writable map of the atlas", system::map_memory(atlas_capability), ErrorCode::MissingRight));
    TRY(expect_refusal(console, "font-check", "a writable copy of the atlas", system::attenuate(atlas_capability, RightRead | RightWrite),
        ErrorCode::MissingRight));
    TRY(expect_refusal(console, "font-check", "granting the atlas on with write",
        client.call_lending(font::ReadState {}, atlas_capability, RightRead | RightWrite), ErrorCode::MissingRight));
    TRY(expect_refusal(console, "font-check", "granting the atlas on read-only",
        client.call_lending(font::ReadState {}, atlas_capability, RightRead), ErrorCode::MissingRight));
    auto unknown = client.call(named("Comic Sans"));
    if (!unknown.is_error() || !unknown.error().is(font::FontError::UnknownFace))
        return Error(ErrorCode::InvalidArgument, "an unknown face was not refused as unknown-face");
    TRY(print_line(console, "font-check: open-face 'Comic Sans' -> refused ({})", unknown.error().name()));

    TRY(hold_frame(console, memory, "font-check"));
    TRY(print_line(console, "font-check: passed"));
    return 0;
}

}
