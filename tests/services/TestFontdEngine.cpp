/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fontd's Engine over the real FreeType port and Debian's DejaVu Sans: faces loaded from memory,
 * glyphs rendered as 8-bit coverage with metrics, the same pixels FreeType gives when called
 * directly; malformed fonts (truncated, corrupted tables, not a font) refused as face-unusable
 * while the good face goes on; too little memory is an error, never a crash; a glyph larger than
 * the atlas is refused by the session (glyph-too-large).
 */

#include "FontFiles.h"
#include <catch2/catch.hpp>
#include <fontd/Server.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_MODULE_H
#include <vector>

using namespace vectra;
using font::FontError;

namespace {

std::string_view as_text(char const* text) { return text; }

std::span<u8 const> name_bytes(std::string_view name) { return { reinterpret_cast<u8 const*>(name.data()), name.size() }; }

}

TEST_CASE("the engine loads DejaVu Sans from memory and renders glyphs with their metrics", "[fontd]")
{
    auto const& sans = test::dejavu_sans();
    std::vector<u8> memory(512 * KiB);
    fontd::Engine engine(memory);
    REQUIRE_FALSE(engine.start().is_error());
    REQUIRE_FALSE(engine.add(as_text("DejaVu Sans"), sans).is_error());
    auto entry = engine.find(name_bytes("DejaVu Sans"));
    REQUIRE_FALSE(entry.is_error());
    REQUIRE(engine.find(name_bytes("DejaVu Serif")).error().is(FontError::UnknownFace));

    auto information = engine.load(entry.value());
    REQUIRE_FALSE(information.is_error());
    REQUIRE(information.value().units_per_em == 2048);
    REQUIRE(information.value().glyphs > 5000);

    auto metrics = engine.metrics(entry.value(), 24);
    REQUIRE_FALSE(metrics.is_error());
    REQUIRE(metrics.value().ascender > 0);
    REQUIRE(metrics.value().descender < 0);
    REQUIRE(metrics.value().line_height >= 24 * 64);
    REQUIRE(metrics.value().line_height <= 32 * 64);

    auto glyph = engine.render(entry.value(), 24, 'A');
    REQUIRE_FALSE(glyph.is_error());
    auto const& a = glyph.value();
    REQUIRE(a.glyph != 0);
    REQUIRE(a.width > 10);
    REQUIRE(a.height > 14);
    REQUIRE(a.top > 14);
    REQUIRE(a.advance > 10 * 64);
    usize covered = 0;
    for (u32 row = 0; row < a.height; ++row)
        for (u32 column = 0; column < a.width; ++column)
            covered += a.coverage[row * a.pitch + column] > 128 ? 1 : 0;
    REQUIRE(covered > 40);

    /* A space is blank but advances; a code point the font lacks is glyph 0 (.notdef). */
    auto space = engine.render(entry.value(), 24, ' ');
    REQUIRE_FALSE(space.is_error());
    REQUIRE((space.value().width == 0 || space.value().height == 0));
    REQUIRE(space.value().advance > 0);
    auto missing = engine.render(entry.value(), 24, 0x10fff0);
    REQUIRE_FALSE(missing.is_error());
    REQUIRE(missing.value().glyph == 0);

    REQUIRE(engine.metrics(entry.value(), 0).error().is(FontError::SizeOutOfBounds));
    REQUIRE(engine.metrics(entry.value(), 257).error().is(FontError::SizeOutOfBounds));
    REQUIRE(engine.heap().in_use() > 0);
}

TEST_CASE("the engine's pixels are FreeType's own, called directly with the same font and size", "[fontd]")
{
    auto const& sans = test::dejavu_sans();
    std::vector<u8> memory(512 * KiB);
    fontd::Engine engine(memory);
    REQUIRE_FALSE(engine.start().is_error());
    REQUIRE_FALSE(engine.add(as_text("sans"), sans).is_error());

    FT_MemoryRec_ direct_memory {};
    direct_memory.alloc = [](FT_Memory, long size) -> void* { return malloc(usize(size)); };
    direct_memory.free = [](FT_Memory, void* block) { free(block); };
    direct_memory.realloc = [](FT_Memory, long, long size, void* block) -> void* { return realloc(block, usize(size)); };
    FT_Library library = nullptr;
    REQUIRE(FT_New_Library(&direct_memory, &library) == 0);
    FT_Add_Default_Modules(library);
    FT_Face face = nullptr;
    REQUIRE(FT_New_Memory_Face(library, sans.data(), FT_Long(sans.size()), 0, &face) == 0);
    REQUIRE(FT_Set_Pixel_Sizes(face, 0, 17) == 0);
    for (u32 code_point : { u32('g'), u32('W'), u32(0xe9), u32('&') }) {
        REQUIRE(FT_Load_Char(face, code_point, FT_LOAD_RENDER | FT_LOAD_NO_BITMAP) == 0);
        auto rendered = engine.render(0, 17, code_point);
        REQUIRE_FALSE(rendered.is_error());
        auto const& bitmap = face->glyph->bitmap;
        REQUIRE(rendered.value().width == bitmap.width);
        REQUIRE(rendered.value().height == bitmap.rows);
        REQUIRE(rendered.value().left == face->glyph->bitmap_left);
        REQUIRE(rendered.value().top == face->glyph->bitmap_top);
        for (u32 row = 0; row < bitmap.rows; ++row)
            REQUIRE(memcmp(rendered.value().coverage + row * rendered.value().pitch, bitmap.buffer + row * bitmap.pitch, bitmap.width) == 0);
    }
    FT_Done_Face(face);
    FT_Done_Library(library);
}

TEST_CASE("malformed font bytes make their face unusable and leave the engine serving the good one", "[fontd]")
{
    auto const& sans = test::dejavu_sans();
    std::vector<u8> truncated(sans.begin(), sans.begin() + 4096);
    std::vector<u8> not_a_font(64 * KiB, 0x41);
    /* The table directory kept, every table's bytes inverted: offsets and lengths stay in range. */
    std::vector<u8> corrupted(sans.begin(), sans.end());
    for (usize at = 12 + 16 * 24; at < corrupted.size(); ++at)
        corrupted[at] = u8(~corrupted[at]);
    std::vector<u8> memory(512 * KiB);
    fontd::Engine engine(memory);
    REQUIRE_FALSE(engine.start().is_error());
    REQUIRE_FALSE(engine.add(as_text("truncated"), truncated).is_error());
    REQUIRE_FALSE(engine.add(as_text("not a font"), not_a_font).is_error());
    REQUIRE_FALSE(engine.add(as_text("corrupted"), corrupted).is_error());
    REQUIRE_FALSE(engine.add(as_text("good"), sans).is_error());
    REQUIRE(engine.add(as_text("fifth"), sans).error().is(ErrorCode::OutOfMemory));

    REQUIRE(engine.load(0).error().is(FontError::FaceUnusable));
    REQUIRE(engine.load(0).error().is(FontError::FaceUnusable)); /* remembered, not loaded again */
    REQUIRE(engine.load(1).error().is(FontError::FaceUnusable));
    REQUIRE(engine.render(1, 16, 'A').error().is(FontError::FaceUnusable));
    /* The corrupted face may load (its directory is sound); whatever it does, no glyph crashes the engine. */
    if (!engine.load(2).is_error()) {
        for (u32 code_point : { u32('A'), u32('g'), u32(0x20ac) })
            (void)engine.render(2, 16, code_point);
    }
    auto good = engine.render(3, 16, 'A');
    REQUIRE_FALSE(good.is_error());
    REQUIRE(good.value().width > 0);
}

TEST_CASE("too little memory for FreeType is an error and never a crash", "[fontd]")
{
    auto const& sans = test::dejavu_sans();
    for (usize size : { usize(1 * KiB), usize(16 * KiB), usize(48 * KiB), usize(96 * KiB) }) {
        std::vector<u8> memory(size);
        fontd::Engine engine(memory);
        if (engine.start().is_error())
            continue;
        REQUIRE_FALSE(engine.add(as_text("sans"), sans).is_error());
        auto loaded = engine.load(0);
        if (loaded.is_error()) {
            REQUIRE((loaded.error().is(ErrorCode::OutOfMemory) || loaded.error().is(FontError::FaceUnusable)));
            continue;
        }
        (void)engine.render(0, 64, 'W');
        REQUIRE(engine.heap().in_use() <= size);
    }
}

TEST_CASE("a glyph whose bitmap is larger than the atlas is refused as glyph-too-large, and the session goes on", "[fontd]")
{
    /* DejaVu Sans with its em made 8 times smaller: at 256 px its glyphs are about 1600 pixels tall. */
    std::vector<u8> enlarged(test::dejavu_sans());
    u16 tables = u16(enlarged[4] << 8 | enlarged[5]);
    usize head = 0;
    for (usize index = 0; index < tables; ++index) {
        u8 const* record = enlarged.data() + 12 + 16 * index;
        if (memcmp(record, "head", 4) == 0)
            head = usize(record[8]) << 24 | usize(record[9]) << 16 | usize(record[10]) << 8 | record[11];
    }
    REQUIRE(head != 0);
    REQUIRE((enlarged[head + 18] << 8 | enlarged[head + 19]) == 2048);
    enlarged[head + 18] = 0x01; /* unitsPerEm 256 */
    enlarged[head + 19] = 0x00;

    std::vector<u8> memory(8 * MiB);
    fontd::Engine engine(memory);
    REQUIRE_FALSE(engine.start().is_error());
    REQUIRE_FALSE(engine.add(as_text("enlarged"), enlarged).is_error());
    std::vector<u8> atlas(fontd::atlas_bytes, 0);
    MemCap no_capability;
    fontd::SessionState session(engine, no_capability, atlas);
    font::OpenFace open;
    for (char character : std::string_view("enlarged"))
        REQUIRE_FALSE(open.name.try_append(u8(character)).is_error());
    auto face = session.handle(open);
    REQUIRE_FALSE(face.is_error());
    REQUIRE_FALSE(session.handle(font::SetSize { face.value().face, 256 }).is_error());
    font::Rasterise run;
    run.face = face.value().face;
    REQUIRE_FALSE(run.code_points.try_append('W').is_error());
    auto refused = session.handle(run);
    REQUIRE(refused.is_error());
    REQUIRE(refused.error().is(FontError::GlyphTooLarge));
    REQUIRE(session.handle(font::ReadState {}).value().glyphs == 0);
    /* A small size of the same face still places its glyph. */
    REQUIRE_FALSE(session.handle(font::SetSize { face.value().face, 12 }).is_error());
    auto placed = session.handle(run);
    REQUIRE_FALSE(placed.is_error());
    REQUIRE(placed.value().rasterised == 1);
}
