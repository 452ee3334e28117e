/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fontd's Engine shaping with the real HarfBuzz port over Debian's fonts (docs/adr/0049-text-shaping.md).
 * The expected glyph runs were not computed by this code: they are what Debian's own HarfBuzz 6.0.0
 * (libharfbuzz-bin's hb-shape, the same font files from the port cache) answers, recorded with
 *
 *   hb-shape --font-funcs=ot --font-size=2048 --font-ppem=32 --no-glyph-names --utf8-clusters \
 *       --language=LANGUAGE FONT TEXT
 *
 * (2048 = 32 px in 1/64 pixels, the scale fontd shapes at for pixel size 32). Each line is printed
 * above its case; glyph=cluster+x-advance, offsets 0 unless shown.
 */

#include "FontFiles.h"
#include <catch2/catch.hpp>
#include <fontd/Engine.h>
#include <memory>
#include <string_view>
#include <vector>

using namespace vectra;
using font::FontError;

namespace {

std::span<u8 const> bytes_of(std::string_view text) { return { reinterpret_cast<u8 const*>(text.data()), text.size() }; }

struct Expected {
    u32 glyph;
    u32 cluster;
    i32 x_advance;
};

struct Shaping {
    std::vector<u8> memory = std::vector<u8>(1024 * KiB);
    fontd::Engine engine { memory };

    Shaping()
    {
        REQUIRE_FALSE(engine.start().is_error());
        REQUIRE_FALSE(engine.add("DejaVu Sans", test::dejavu_sans()).is_error());
        REQUIRE_FALSE(engine.add("Noto Sans Arabic", test::noto_sans_arabic()).is_error());
        REQUIRE_FALSE(engine.add("Noto Sans Devanagari", test::noto_sans_devanagari()).is_error());
    }

    ErrorOr<std::vector<fontd::ShapedGlyph>> shape(usize entry, std::string_view text, std::string_view script = {},
        fontd::Direction direction = fontd::Direction::Guess, std::string_view language = {}, usize capacity = font::maximum_shaped)
    {
        std::vector<fontd::ShapedGlyph> glyphs(capacity);
        auto count = TRY(engine.shape(entry, 32, { bytes_of(text), bytes_of(script), direction, bytes_of(language) }, glyphs));
        glyphs.resize(count);
        return glyphs;
    }
};

constexpr usize dejavu = 0;
constexpr usize arabic = 1;
constexpr usize devanagari = 2;

void require_run(ErrorOr<std::vector<fontd::ShapedGlyph>> const& shaped, std::vector<Expected> const& expected)
{
    REQUIRE_FALSE(shaped.is_error());
    auto const& glyphs = shaped.value();
    REQUIRE(glyphs.size() == expected.size());
    for (usize index = 0; index < glyphs.size(); ++index) {
        INFO("glyph " << index);
        REQUIRE(glyphs[index].glyph == expected[index].glyph);
        REQUIRE(glyphs[index].cluster == expected[index].cluster);
        REQUIRE(glyphs[index].x_advance == expected[index].x_advance);
        REQUIRE(glyphs[index].y_advance == 0);
        REQUIRE(glyphs[index].x_offset == 0);
        REQUIRE(glyphs[index].y_offset == 0);
    }
}

}

TEST_CASE("an Arabic word is shaped into its joining forms, right to left", "[fontd][shaping]")
{
    Shaping shaping;
    /* بيت (beh, yeh, teh): --language=ar → [1266=4+2238|1492=2+764|102=0+551] */
    std::vector<Expected> const word = { { 1266, 4, 2238 }, { 1492, 2, 764 }, { 102, 0, 551 } };
    require_run(shaping.shape(arabic, "بيت", "Arab", fontd::Direction::RightToLeft, "ar"), word);
    /* Script, direction and language guessed from the text: the same run. */
    require_run(shaping.shape(arabic, "بيت"), word);

    /* Each letter alone is its isolated form (ب → [100=0+2034], ي → [1488=0+1556], ت → [1265=0+2034]):
     * the final teh, medial yeh and initial beh of the word are other glyphs. */
    require_run(shaping.shape(arabic, "ب"), { { 100, 0, 2034 } });
    require_run(shaping.shape(arabic, "ي"), { { 1488, 0, 1556 } });
    require_run(shaping.shape(arabic, "ت"), { { 1265, 0, 2034 } });

    /* مرحبا بالعالم: 13 glyphs, the last letter first, the space (3) between the words. */
    require_run(shaping.shape(arabic, "مرحبا بالعالم", "Arab", fontd::Direction::RightToLeft, "ar"),
        { { 770, 23, 1151 }, { 667, 21, 532 }, { 47, 19, 596 }, { 12, 17, 1067 }, { 667, 15, 532 }, { 47, 13, 596 },
            { 102, 11, 551 }, { 3, 10, 532 }, { 47, 8, 596 }, { 104, 6, 702 }, { 417, 4, 1124 }, { 979, 2, 811 },
            { 771, 0, 1075 } });
}

TEST_CASE("Devanagari: the i-matra is drawn before its consonant and ka-virama-ssa is one conjunct", "[fontd][shaping]")
{
    Shaping shaping;
    /* कि → [607=0+530|25=0+1561]: the vowel sign (U+093F, after ka in the text) comes first, and it
     * is not its own glyph alone (ि → [67=0+530|134=0+1044], with a dotted circle). */
    require_run(shaping.shape(devanagari, "कि", "Deva", fontd::Direction::LeftToRight, "hi"), { { 607, 0, 530 }, { 25, 0, 1561 } });
    /* क → [25=0+1561]; ष → [59=0+1184]; क्ष → [179=0+1458]: one glyph for three code points. */
    require_run(shaping.shape(devanagari, "क", "Deva", fontd::Direction::LeftToRight, "hi"), { { 25, 0, 1561 } });
    require_run(shaping.shape(devanagari, "क्ष", "Deva", fontd::Direction::LeftToRight, "hi"), { { 179, 0, 1458 } });
    /* नमस्ते दुनिया → [44=0+1137|50=3+1225|215=6+797|40=12+1167|75=12+0|3=18+532|419=19+1065|607=25+530|44=25+1137|51=31+1188|66=31+530]:
     * a half form (215, sa), a mark of no advance (75, the e-matra) and the i-matra (607) before na. Guessed: the same. */
    std::vector<Expected> const line = { { 44, 0, 1137 }, { 50, 3, 1225 }, { 215, 6, 797 }, { 40, 12, 1167 }, { 75, 12, 0 },
        { 3, 18, 532 }, { 419, 19, 1065 }, { 607, 25, 530 }, { 44, 25, 1137 }, { 51, 31, 1188 }, { 66, 31, 530 } };
    require_run(shaping.shape(devanagari, "नमस्ते दुनिया", "Deva", fontd::Direction::LeftToRight, "hi"), line);
    require_run(shaping.shape(devanagari, "नमस्ते दुनिया"), line);
}

TEST_CASE("Latin in DejaVu Sans: AV is kerned and fi is one ligature", "[fontd][shaping]")
{
    Shaping shaping;
    /* AV fi → [36=0+1270|57=1+1401|3=2+651|5042=3+1290]; with --features=-kern,-liga:
     * [36=0+1401|57=1+1401|3=2+651|73=3+721|76=4+569]: A's advance is 131/64 px shorter before V. */
    require_run(shaping.shape(dejavu, "AV fi", "Latn", fontd::Direction::LeftToRight, "en"),
        { { 36, 0, 1270 }, { 57, 1, 1401 }, { 3, 2, 651 }, { 5042, 3, 1290 } });
    require_run(shaping.shape(dejavu, "AV fi"), { { 36, 0, 1270 }, { 57, 1, 1401 }, { 3, 2, 651 }, { 5042, 3, 1290 } });
}

TEST_CASE("shaping refuses bad text, script, language, direction and too small a reply, each with its error", "[fontd][shaping]")
{
    Shaping shaping;
    REQUIRE(shaping.shape(dejavu, "").error().is(FontError::InvalidText));
    REQUIRE(shaping.shape(dejavu, "\xff\xfe").error().is(FontError::InvalidText));
    REQUIRE(shaping.shape(dejavu, "\xed\xa0\x80").error().is(FontError::InvalidText)); /* a surrogate */
    REQUIRE(shaping.shape(dejavu, "ab\xd8").error().is(FontError::InvalidText));      /* cut mid-sequence */
    REQUIRE(shaping.shape(dejavu, std::string(font::maximum_text + 1, 'a')).error().is(FontError::InvalidText));
    REQUIRE(shaping.shape(dejavu, "abc", "Lat").error().is(FontError::InvalidScript));
    REQUIRE(shaping.shape(dejavu, "abc", "La1n").error().is(FontError::InvalidScript));
    REQUIRE(shaping.shape(dejavu, "abc", "Latin").error().is(FontError::InvalidScript));
    REQUIRE(shaping.shape(dejavu, "abc", {}, fontd::Direction::Guess, "e n").error().is(FontError::InvalidLanguage));
    REQUIRE(shaping.shape(dejavu, "abc", {}, fontd::Direction::Guess, "-en").error().is(FontError::InvalidLanguage));
    REQUIRE(shaping.shape(dejavu, "abc", {}, fontd::Direction::Guess, "en--gb").error().is(FontError::InvalidLanguage));
    REQUIRE(shaping.shape(dejavu, "abc", {}, fontd::Direction::Guess, "en-").error().is(FontError::InvalidLanguage));
    REQUIRE(shaping.shape(dejavu, "abc", {}, fontd::Direction::Guess, std::string(17, 'a')).error().is(FontError::InvalidLanguage));
    REQUIRE(shaping.shape(dejavu, "abc", {}, fontd::Direction(3)).error().is(FontError::InvalidDirection));
    REQUIRE(shaping.shape(dejavu, "abc", {}, fontd::Direction::Guess, {}, 2).error().is(FontError::TooManyGlyphs));
    /* 128 bytes is the most: 128 glyphs shaped, more than a reply holds, or all of them when given room. */
    REQUIRE(shaping.shape(dejavu, std::string(font::maximum_text, 'a')).error().is(FontError::TooManyGlyphs));
    auto all = shaping.shape(dejavu, std::string(font::maximum_text, 'a'), {}, fontd::Direction::Guess, {}, font::maximum_text);
    REQUIRE_FALSE(all.is_error());
    REQUIRE(all.value().size() == font::maximum_text);
    /* A pixel size out of bounds is FreeType's refusal, before shaping. */
    std::vector<fontd::ShapedGlyph> glyphs(4);
    REQUIRE(shaping.engine.shape(dejavu, 0, { bytes_of("a"), {}, fontd::Direction::Guess, {} }, glyphs).error().is(FontError::SizeOutOfBounds));
    REQUIRE(shaping.engine.shape(dejavu, 257, { bytes_of("a"), {}, fontd::Direction::Guess, {} }, glyphs).error().is(FontError::SizeOutOfBounds));
    /* Nothing refused left the engine unable to shape. */
    require_run(shaping.shape(dejavu, "AV"), { { 36, 0, 1270 }, { 57, 1, 1401 } });
}

TEST_CASE("shaping at another pixel size scales the positions, and glyphs render by index", "[fontd][shaping]")
{
    Shaping shaping;
    std::vector<fontd::ShapedGlyph> glyphs(8);
    auto count = shaping.engine.shape(arabic, 16, { bytes_of("بيت"), {}, fontd::Direction::Guess, {} }, glyphs);
    REQUIRE_FALSE(count.is_error());
    REQUIRE(count.value() == 3);
    REQUIRE(glyphs[0].glyph == 1266);
    REQUIRE(glyphs[0].x_advance == 1119); /* hb-shape --font-size=1024 --font-ppem=16: [1266=4+1119|1492=2+382|102=0+275] */
    REQUIRE(glyphs[1].x_advance == 382);
    REQUIRE(glyphs[2].x_advance == 275);

    /* The medial yeh by its index: a bitmap, as FreeType draws glyph 1492. */
    auto medial = shaping.engine.render_glyph(arabic, 32, 1492);
    REQUIRE_FALSE(medial.is_error());
    REQUIRE(medial.value().glyph == 1492);
    REQUIRE(medial.value().width > 0);
    REQUIRE(medial.value().height > 0);
    auto information = shaping.engine.load(arabic);
    REQUIRE_FALSE(information.is_error());
    REQUIRE(shaping.engine.render_glyph(arabic, 32, information.value().glyphs).error().is(FontError::InvalidGlyph));
    REQUIRE(shaping.engine.render_glyph(arabic, 32, 0xffffffffu).error().is(FontError::InvalidGlyph));
    REQUIRE_FALSE(shaping.engine.render_glyph(arabic, 32, information.value().glyphs - 1).is_error());
}

TEST_CASE("shaping in too little memory is an error, never a crash, and malformed fonts are refused", "[fontd][shaping]")
{
    /* FreeType's library and face fit, HarfBuzz's tables may not: every outcome is an error or a run. */
    for (usize kib : { 48, 64, 96, 128, 192 }) {
        INFO(kib << " KiB");
        std::vector<u8> memory(kib * KiB);
        fontd::Engine engine(memory);
        if (engine.start().is_error())
            continue;
        REQUIRE_FALSE(engine.add("Noto Sans Arabic", test::noto_sans_arabic()).is_error());
        std::vector<fontd::ShapedGlyph> glyphs(8);
        auto count = engine.shape(0, 32, { bytes_of("بيت"), {}, fontd::Direction::Guess, {} }, glyphs);
        if (!count.is_error()) {
            REQUIRE(count.value() == 3);
            REQUIRE(glyphs[1].glyph == 1492);
        } else {
            REQUIRE((count.error().is(ErrorCode::OutOfMemory) || count.error().is(FontError::FaceUnusable)));
        }
    }

    std::vector<u8> memory(1024 * KiB);
    fontd::Engine engine(memory);
    REQUIRE_FALSE(engine.start().is_error());
    auto truncated = test::noto_sans_arabic();
    truncated.resize(4096);
    std::vector<u8> garbage(20000, 0x5a);
    REQUIRE_FALSE(engine.add("truncated", truncated).is_error());
    REQUIRE_FALSE(engine.add("garbage", garbage).is_error());
    REQUIRE_FALSE(engine.add("Noto Sans Arabic", test::noto_sans_arabic()).is_error());
    std::vector<fontd::ShapedGlyph> glyphs(8);
    REQUIRE(engine.shape(0, 32, { bytes_of("بيت"), {}, fontd::Direction::Guess, {} }, glyphs).error().is(FontError::FaceUnusable));
    REQUIRE(engine.shape(1, 32, { bytes_of("abc"), {}, fontd::Direction::Guess, {} }, glyphs).error().is(FontError::FaceUnusable));
    auto count = engine.shape(2, 32, { bytes_of("بيت"), {}, fontd::Direction::Guess, {} }, glyphs);
    REQUIRE_FALSE(count.is_error());
    REQUIRE(count.value() == 3);
}

TEST_CASE("two engines shaping in turn keep HarfBuzz's objects each in its own memory", "[fontd][shaping]")
{
    auto first = std::make_unique<Shaping>();
    Shaping second;
    require_run(first->shape(arabic, "بيت"), { { 1266, 4, 2238 }, { 1492, 2, 764 }, { 102, 0, 551 } });
    require_run(second.shape(devanagari, "कि"), { { 607, 0, 530 }, { 25, 0, 1561 } });
    require_run(first->shape(devanagari, "क्ष"), { { 179, 0, 1458 } });
    usize second_in_use = second.engine.heap().in_use();
    /* The first Engine's HarfBuzz objects go back to its Heap, none to the second's; then its memory is gone. */
    first.reset();
    REQUIRE(second.engine.heap().in_use() == second_in_use);
    require_run(second.shape(arabic, "بيت"), { { 1266, 4, 2238 }, { 1492, 2, 764 }, { 102, 0, 551 } });
    require_run(second.shape(dejavu, "AV"), { { 36, 0, 1270 }, { 57, 1, 1401 } });
}

TEST_CASE("a face whose cvt table is shorter than one entry loads, renders and shapes", "[fontd][shaping]")
{
    /* fuzz.font_load's finding (corpus noto-arabic-empty-cvt): the low byte of the 'cvt ' record's
     * length in Noto Sans Arabic's table directory (byte 123) set to 1 — FreeType then has no cvt. */
    auto damaged = test::noto_sans_arabic();
    REQUIRE(damaged[120] == 0);
    REQUIRE(damaged[123] == 40);
    damaged[123] = 1;
    std::vector<u8> memory(1024 * KiB);
    fontd::Engine engine(memory);
    REQUIRE_FALSE(engine.start().is_error());
    REQUIRE_FALSE(engine.add("damaged", damaged).is_error());
    REQUIRE_FALSE(engine.load(0).is_error());
    REQUIRE_FALSE(engine.render(0, 40, 0x628).is_error());
    std::vector<fontd::ShapedGlyph> glyphs(8);
    auto count = engine.shape(0, 32, { bytes_of("بيت"), {}, fontd::Direction::Guess, {} }, glyphs);
    REQUIRE_FALSE(count.is_error());
    REQUIRE(count.value() == 3);
    REQUIRE(glyphs[1].glyph == 1492);
}
