/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fontd's real loop as a Task (FreeType on its own memory, DejaVu Sans and DejaVu Sans Bold in the
 * catalogue, plus a malformed face) with a client Task over sessions of vectra.font: faces opened
 * by name, sizes set, runs rasterised into the session's atlas and cached, the atlas shared
 * read-only — and as an attacker: writing the atlas, granting it on with write, another session's
 * face id, rasterising without a size, invalid code points, a fifth face, malformed bytes, a
 * malformed font. fontd answers every one with its error and keeps serving; a closed session's
 * atlas copy is revoked. Shaping (vectra.font v2): Arabic and Devanagari shaped by HarfBuzz in the
 * loop, the run's glyphs placed by index in the atlas, and every shaping refusal.
 */

#include "../TestSupport.h"
#include "../core/FsTestTasks.h"
#include "FontFiles.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <fontd/Server.h>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/Executor.h>

using namespace vectra;
using namespace vectra::test;
using font::FontError;
using FontClient = session::SessionClient<font::Protocol>;

namespace {

std::vector<u8> s_malformed(8192, 0x5a);

ErrorOr<i32> fontd_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    fontd::CatalogueFace catalogue[] = {
        { "DejaVu Sans", dejavu_sans() },
        { "DejaVu Sans Bold", dejavu_sans_bold() },
        { "Broken", s_malformed },
    };
    TRY(fontd::run(memory, 512 * KiB, catalogue, std::move(requests), std::move(replies), nullptr));
    return 0;
}

ErrorOr<i32> shaping_fontd_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    fontd::CatalogueFace catalogue[] = {
        { "Noto Sans Arabic", noto_sans_arabic() },
        { "Noto Sans Devanagari", noto_sans_devanagari() },
        { "Broken", s_malformed },
    };
    TRY(fontd::run(memory, 1024 * KiB, catalogue, std::move(requests), std::move(replies), nullptr));
    return 0;
}

font::OpenFace named(std::string_view name)
{
    font::OpenFace request;
    for (char character : name)
        (void)request.name.try_append(u8(character));
    return request;
}

font::Rasterise run_of(u32 face, std::string_view text)
{
    font::Rasterise request;
    request.face = face;
    for (char character : text)
        (void)request.code_points.try_append(u8(character));
    return request;
}

font::Shape shape_of(u32 face, std::string_view text, std::string_view language = {})
{
    font::Shape request;
    request.face = face;
    for (char character : text)
        (void)request.text.try_append(u8(character));
    for (char character : language)
        (void)request.language.try_append(u8(character));
    return request;
}

font::RasteriseGlyphs glyphs_of(u32 face, font::Shaped const& shaped)
{
    font::RasteriseGlyphs request;
    request.face = face;
    for (auto const& glyph : shaped.glyphs)
        (void)request.glyphs.try_append(glyph.glyph);
    return request;
}

template<typename T>
bool refused(ErrorOr<T> const& result, FontError code)
{
    return result.is_error() && result.error().is(code);
}

/* The glyph's atlas pixels hold coverage (some dark, some light): FreeType's bitmap landed there. */
bool drawn(std::span<u8 const> atlas, font::Glyph const& glyph)
{
    usize inked = 0;
    for (u32 row = 0; row < glyph.height; ++row)
        for (u32 column = 0; column < glyph.width; ++column)
            inked += atlas[usize(glyph.y + row) * font::atlas_width + glyph.x + column] > 128 ? 1 : 0;
    return inked > 8;
}

ErrorOr<i32> client_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto first = TRY(open_session_client<font::Protocol>(memory, requests, replies));
    auto second = TRY(open_session_client<font::Protocol>(memory, requests, replies));

    auto sans = TRY(first.call(named("DejaVu Sans")));
    EXPECT_IN_TASK(sans.face == 1 && sans.units_per_em == 2048 && sans.glyphs > 5000);
    EXPECT_IN_TASK(refused(first.call(named("DejaVu Serif")), FontError::UnknownFace));
    EXPECT_IN_TASK(refused(first.call(run_of(sans.face, "Hello")), FontError::NoSize));
    auto size = TRY(first.call(font::SetSize { sans.face, 24 }));
    EXPECT_IN_TASK(size.ascender > 0 && size.descender < 0);

    auto hello = TRY(first.call(run_of(sans.face, "Hello")));
    EXPECT_IN_TASK(hello.glyphs.size() == 5 && hello.rasterised == 4 && hello.cached == 1); /* the second l */
    EXPECT_IN_TASK(hello.glyphs[2].x == hello.glyphs[3].x && hello.glyphs[2].y == hello.glyphs[3].y);
    auto again = TRY(first.call(run_of(sans.face, "Hole")));
    EXPECT_IN_TASK(again.rasterised == 0 && again.cached == 4);

    /* The atlas, read-only: FreeType's coverage is there, and it cannot be written or granted on with write. */
    auto shared = TRY(first.call_receiving(font::ShareAtlas {}));
    EXPECT_IN_TASK(shared.reply.width == 512 && shared.reply.height == 512 && shared.reply.stride == 512);
    EXPECT_IN_TASK(shared.capability.has_value());
    auto atlas = TRY(shared.capability->as<CapabilityClass::Memory>());
    auto pixels = TRY(system::map_memory_read_only(atlas));
    EXPECT_IN_TASK(pixels.size() >= fontd::atlas_bytes);
    for (auto const& glyph : hello.glyphs)
        EXPECT_IN_TASK(drawn(pixels, glyph));
    EXPECT_IN_TASK(system::map_memory(atlas).is_error());
    EXPECT_IN_TASK(system::attenuate(atlas, RightRead | RightWrite).is_error());
    EXPECT_IN_TASK(system::attenuate(atlas, RightRead | RightGrant).is_error());
    auto read_copy = system::attenuate(atlas, RightRead);
    EXPECT_IN_TASK(!read_copy.is_error());

    /* The other session: its own ids, its own (empty) atlas; the first's face id is unknown to it. */
    EXPECT_IN_TASK(refused(second.call(font::SetSize { 7, 24 }), FontError::UnknownHandle));
    auto bold = TRY(second.call(named("DejaVu Sans Bold")));
    EXPECT_IN_TASK(bold.face == 1);
    EXPECT_IN_TASK(refused(second.call(named("Broken")), FontError::FaceUnusable));
    TRY(second.call(font::SetSize { bold.face, 16 }));
    font::Rasterise invalid = run_of(bold.face, "ok");
    (void)invalid.code_points.try_append(0xd800);
    EXPECT_IN_TASK(refused(second.call(invalid), FontError::InvalidCodePoint));
    invalid.code_points[2] = 0x110000;
    EXPECT_IN_TASK(refused(second.call(invalid), FontError::InvalidCodePoint));
    auto state = TRY(second.call(font::ReadState {}));
    EXPECT_IN_TASK(state.faces == 1 && state.glyphs == 0 && state.rasterised == 0);
    for (int opened = 0; opened < 3; ++opened)
        TRY(second.call(named("DejaVu Sans")));
    EXPECT_IN_TASK(refused(second.call(named("DejaVu Sans")), FontError::TooManyFaces));
    TRY(second.call(font::CloseFace { bold.face }));
    EXPECT_IN_TASK(refused(second.call(font::CloseFace { bold.face }), FontError::UnknownHandle));
    EXPECT_IN_TASK(!second.call(named("DejaVu Sans")).is_error());

    /* Malformed bytes get an error reply; the session goes on. */
    u8 garbage[12] = { 0x03, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff };
    TRY(second.connection()->send(std::span<u8 const>(garbage, sizeof(garbage)), deadline_after(Duration::from_seconds(5))));
    u8 answer[64];
    auto received = TRY(second.connection()->receive(answer, deadline_after(Duration::from_seconds(5))));
    auto envelope = TRY(protocol::read_envelope(std::span<u8 const>(answer, received.length)));
    EXPECT_IN_TASK(envelope.status == (protocol::status_general | u16(ErrorCode::MalformedMessage)));

    /* Filling the atlas: large glyphs until atlas-full; the failing run adds nothing, earlier glyphs stay. */
    auto big = TRY(first.call(named("DejaVu Sans Bold")));
    TRY(first.call(font::SetSize { big.face, 200 }));
    u32 before = TRY(first.call(font::ReadState {})).glyphs;
    bool full = false;
    for (u32 letter = 'A'; letter <= 'Z' && !full; letter += 4) {
        font::Rasterise run;
        run.face = big.face;
        for (u32 step = 0; step < 4; ++step)
            (void)run.code_points.try_append(letter + step);
        u32 glyphs_then = TRY(first.call(font::ReadState {})).glyphs;
        auto placed = first.call(run);
        if (placed.is_error()) {
            EXPECT_IN_TASK(placed.error().is(FontError::AtlasFull));
            EXPECT_IN_TASK(TRY(first.call(font::ReadState {})).glyphs == glyphs_then);
            full = true;
        }
    }
    EXPECT_IN_TASK(full);
    EXPECT_IN_TASK(TRY(first.call(font::ReadState {})).glyphs > before);
    auto cached = TRY(first.call(run_of(sans.face, "Hello")));
    EXPECT_IN_TASK(cached.cached == 5);
    EXPECT_IN_TASK(drawn(pixels, cached.glyphs[0]));

    /* Closing the session revokes its atlas copies: the mapping's capability is gone. */
    first.close();
    bool revoked = false;
    for (int tries = 0; tries < 100 && !revoked; ++tries) {
        TRY(second.call(font::ReadState {})); /* fontd's turn: it notices the close */
        revoked = system::map_memory_read_only(atlas).is_error();
    }
    EXPECT_IN_TASK(revoked);
    return 0;
}

ErrorOr<i32> shaping_client_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto client = TRY(open_session_client<font::Protocol>(memory, requests, replies));

    auto arabic = TRY(client.call(named("Noto Sans Arabic")));
    EXPECT_IN_TASK(refused(client.call(shape_of(arabic.face, "بيت")), FontError::NoSize));
    EXPECT_IN_TASK(refused(client.call(shape_of(9, "بيت")), FontError::UnknownHandle));
    TRY(client.call(font::SetSize { arabic.face, 32 }));

    /* بيت: final teh, medial yeh, initial beh, right to left (hb-shape's run, TestFontdShaping.cpp). */
    auto word = TRY(client.call(shape_of(arabic.face, "بيت", "ar")));
    EXPECT_IN_TASK(word.glyphs.size() == 3);
    EXPECT_IN_TASK(word.glyphs[0].glyph == 1266 && word.glyphs[0].cluster == 4 && word.glyphs[0].x_advance == 2238);
    EXPECT_IN_TASK(word.glyphs[1].glyph == 1492 && word.glyphs[1].cluster == 2 && word.glyphs[1].x_advance == 764);
    EXPECT_IN_TASK(word.glyphs[2].glyph == 102 && word.glyphs[2].cluster == 0 && word.glyphs[2].x_advance == 551);

    /* The run's glyphs by index into the atlas: rendered once, then cached, all drawn. */
    auto placed = TRY(client.call(glyphs_of(arabic.face, word)));
    EXPECT_IN_TASK(placed.glyphs.size() == 3 && placed.rasterised == 3 && placed.cached == 0);
    for (usize index = 0; index < 3; ++index)
        EXPECT_IN_TASK(placed.glyphs[index].glyph == word.glyphs[index].glyph && placed.glyphs[index].code_point == 0);
    auto again = TRY(client.call(glyphs_of(arabic.face, word)));
    EXPECT_IN_TASK(again.rasterised == 0 && again.cached == 3);
    auto shared = TRY(client.call_receiving(font::ShareAtlas {}));
    auto atlas = TRY(shared.capability->as<CapabilityClass::Memory>());
    auto pixels = TRY(system::map_memory_read_only(atlas));
    for (auto const& glyph : placed.glyphs)
        EXPECT_IN_TASK(drawn(pixels, glyph));
    /* By code point, the isolated beh (100) is another glyph than the initial one the run placed. */
    font::Rasterise beh;
    beh.face = arabic.face;
    (void)beh.code_points.try_append(0x628);
    auto isolated_beh = TRY(client.call(beh));
    EXPECT_IN_TASK(isolated_beh.glyphs[0].glyph == 100 && isolated_beh.rasterised == 1);

    /* Devanagari: कि's i-matra (607) comes before ka (25). */
    auto devanagari = TRY(client.call(named("Noto Sans Devanagari")));
    TRY(client.call(font::SetSize { devanagari.face, 32 }));
    auto ki = TRY(client.call(shape_of(devanagari.face, "कि", "hi")));
    EXPECT_IN_TASK(ki.glyphs.size() == 2 && ki.glyphs[0].glyph == 607 && ki.glyphs[1].glyph == 25);
    EXPECT_IN_TASK(TRY(client.call(glyphs_of(devanagari.face, ki))).rasterised == 2);

    /* Refusals, each its own error, nothing placed. */
    u32 glyphs_before = TRY(client.call(font::ReadState {})).glyphs;
    font::RasteriseGlyphs beyond;
    beyond.face = arabic.face;
    (void)beyond.glyphs.try_append(1266);
    (void)beyond.glyphs.try_append(arabic.glyphs);
    EXPECT_IN_TASK(refused(client.call(beyond), FontError::InvalidGlyph));
    EXPECT_IN_TASK(TRY(client.call(font::ReadState {})).glyphs == glyphs_before);
    EXPECT_IN_TASK(refused(client.call(shape_of(arabic.face, "")), FontError::InvalidText));
    EXPECT_IN_TASK(refused(client.call(shape_of(arabic.face, "\xd8")), FontError::InvalidText));
    auto bad_script = shape_of(arabic.face, "بيت");
    (void)bad_script.script.try_append('A');
    EXPECT_IN_TASK(refused(client.call(bad_script), FontError::InvalidScript));
    auto bad_direction = shape_of(arabic.face, "بيت");
    bad_direction.direction = 7;
    EXPECT_IN_TASK(refused(client.call(bad_direction), FontError::InvalidDirection));
    EXPECT_IN_TASK(refused(client.call(shape_of(arabic.face, "بيت", "a b")), FontError::InvalidLanguage));
    EXPECT_IN_TASK(refused(client.call(shape_of(arabic.face, std::string(40, 'a'))), FontError::TooManyGlyphs));
    EXPECT_IN_TASK(refused(client.call(named("Broken")), FontError::FaceUnusable));

    /* Languages are kept for fontd's life: the 33rd different one is refused, known ones still shape. */
    bool languages_full = false;
    for (char first = 'a'; first <= 'z' && !languages_full; ++first) {
        for (char second = 'a'; second <= 'b' && !languages_full; ++second) {
            char tag[3] = { 'q', first, second };
            auto shaped = client.call(shape_of(arabic.face, "بيت", std::string_view(tag, 3)));
            if (shaped.is_error()) {
                EXPECT_IN_TASK(shaped.error().is(FontError::TooManyLanguages));
                languages_full = true;
            }
        }
    }
    EXPECT_IN_TASK(languages_full);
    EXPECT_IN_TASK(TRY(client.call(shape_of(arabic.face, "بيت", "ar"))).glyphs[1].glyph == 1492);
    EXPECT_IN_TASK(TRY(client.call(shape_of(arabic.face, "بيت"))).glyphs[1].glyph == 1492);
    return 0;
}

}

TEST_CASE("fontd's loop shapes Arabic and Devanagari, places shaped glyphs by index and refuses bad runs", "[fontd][shaping]")
{
    auto error = run_server_and_client(shaping_fontd_task, shaping_client_task, { 16 * MiB, 4 * MiB, 1 * MiB, 256 * KiB, 128 * KiB });
    REQUIRE(error.is(ErrorCode::PeerRestarted));
}

TEST_CASE("fontd's loop rasterises runs into a read-only atlas, caches glyphs and refuses attacks", "[fontd]")
{
    REQUIRE(dejavu_sans().size() > 100000);
    REQUIRE(dejavu_sans_bold().size() > 100000);
    auto error = run_server_and_client(fontd_task, client_task, { 16 * MiB, 4 * MiB, 1 * MiB, 256 * KiB, 128 * KiB });
    REQUIRE(error.is(ErrorCode::PeerRestarted));
}
