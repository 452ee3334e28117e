/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * FontdGlyphs against fontd's real loop as a Task: a face opened by name and sized, the session's
 * atlas mapped read-only, a text's glyphs asked for in one request and then answered from the
 * table; the coverage it hands out is FreeType's (equal to fontd's engine called directly); a tree
 * drawn with it has exactly the pixels of the same tree drawn with the engine; an unknown face is
 * refused with fontd's error.
 */

#include "../core/FsTestTasks.h"
#include "KitGlyphs.h"
#include <catch2/catch.hpp>
#include <fontd/Server.h>
#include <vector>
#include <vectra/System.h>
#include <vectra/kit/Canvas.h>
#include <vectra/kit/FontdGlyphs.h>
#include <vectra/kit/Theme.h>
#include <vectra/kit/Tree.h>

using namespace vectra;
using namespace vectra::test;
using kit::Kind;

namespace {

ErrorOr<i32> fontd_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    fontd::CatalogueFace catalogue[] = { { "DejaVu Sans", dejavu_sans() } };
    TRY(fontd::run(memory, 512 * KiB, catalogue, std::move(requests), std::move(replies), nullptr));
    return 0;
}

/* A panel drawn on 200 × 90 pixels with `glyphs`. */
ErrorOr<std::vector<u32>> drawn_panel(kit::GlyphSource& glyphs)
{
    kit::TreeStorage<8> storage;
    kit::Tree tree(storage.columns());
    auto root = TRY(tree.add({}, Kind::Column));
    TRY(tree.set_layout(root, { 6, 4 }));
    TRY(tree.add(root, Kind::Label, "Größe: 1280 × 720"));
    auto field = TRY(tree.add(root, Kind::TextField, "Living room"));
    TRY(tree.add(root, Kind::Button, "Apply"));
    TRY(tree.focus(field));
    TRY(tree.layout(glyphs, kit::Box { 0, 0, 200, 90 }));
    std::vector<u32> pixels(200 * 90);
    auto canvas = TRY(kit::Canvas::try_create(pixels, 200, 90, 200));
    TRY(tree.draw(canvas, glyphs, whole_region(kit::Box { 0, 0, 200, 90 })));
    return pixels;
}

ErrorOr<i32> client_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto client = TRY(open_session_client<font::Protocol>(memory, requests, replies));

    kit::FontdGlyphs unknown;
    auto refused = kit::FontdGlyphs::open(unknown, client, "DejaVu Serif", 14);
    EXPECT_IN_TASK(refused.is_error() && refused.error().is(font::FontError::UnknownFace));

    kit::FontdGlyphs glyphs;
    TRY(kit::FontdGlyphs::open(glyphs, client, "DejaVu Sans", 14));
    EngineGlyphs engine(14);
    EXPECT_IN_TASK(glyphs.line_metrics().ascender == engine.line_metrics().ascender);
    EXPECT_IN_TASK(glyphs.line_metrics().descender == engine.line_metrics().descender);
    EXPECT_IN_TASK(glyphs.line_metrics().line_height == engine.line_metrics().line_height);

    /* One request for a whole text, its repeated letters once; then no request at all. */
    TRY(glyphs.prefetch("Hello, Apply"));
    EXPECT_IN_TASK(glyphs.requests() == 1);
    EXPECT_IN_TASK(glyphs.cached() == 9); /* H e l o , space A p y */
    for (u32 code_point : Utf8View("Hello Apply"))
        (void)TRY(glyphs.glyph(code_point));
    EXPECT_IN_TASK(glyphs.requests() == 1);
    /* A glyph not asked for yet: one request. */
    auto omega = TRY(glyphs.glyph(U'Ω'));
    EXPECT_IN_TASK(glyphs.requests() == 2);

    /* The coverage handed out is FreeType's, read from the read-only atlas. */
    for (u32 code_point : Utf8View("HeA,Ω")) {
        auto ours = TRY(glyphs.glyph(code_point));
        auto direct = TRY(engine.glyph(code_point));
        EXPECT_IN_TASK(ours.width == direct.width && ours.height == direct.height);
        EXPECT_IN_TASK(ours.left == direct.left && ours.top == direct.top && ours.advance == direct.advance);
        for (u32 row = 0; row < ours.height; ++row)
            for (u32 column = 0; column < ours.width; ++column)
                EXPECT_IN_TASK(
                    ours.coverage[row * ours.pitch + column] == direct.coverage[row * direct.pitch + column]);
    }
    EXPECT_IN_TASK(omega.width > 0);

    /* The same tree, the same pixels, whichever source the glyphs come from. */
    auto through_fontd = TRY(drawn_panel(glyphs));
    auto through_engine = TRY(drawn_panel(engine));
    usize inked = 0;
    for (u32 pixel : through_fontd)
        inked += pixel != kit::theme::window && pixel != kit::theme::field && pixel != kit::theme::button_face ? 1 : 0;
    EXPECT_IN_TASK(differing_pixels(through_fontd, through_engine) == 0);
    EXPECT_IN_TASK(inked > 200);
    return 0;
}

}

TEST_CASE("FontdGlyphs serves fontd's glyphs from its read-only atlas, the same pixels as FreeType", "[kit]")
{
    auto error = run_server_and_client(fontd_task, client_task, { 16 * MiB, 4 * MiB, 2 * MiB, 256 * KiB, 256 * KiB });
    REQUIRE(error.is(ErrorCode::PeerRestarted));
}
