/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.font, declared once (docs/adr/0043-fontd.md §3): what fontd serves on each session.
 * Encoding, schema id, client, dispatch and docs/protocols/vectra.font.md come from it.
 *
 * Faces. `open-face` names a face of fontd's catalogue (the boot manifest configures it: a name per
 * font file fontd was granted); the reply's id names the face within this session only. A face
 * whose bytes FreeType cannot load is `face-unusable` (fontd keeps serving). `set-size` chooses
 * the face's pixel size (em height, 1…256) and answers its line metrics.
 *
 * Glyphs. `rasterise` takes a run of up to 32 code points and answers, per code point, the glyph's
 * place in the session's **atlas** (8-bit coverage, one byte per pixel, rows `stride` bytes apart)
 * and its metrics: bitmap size, bearing from the pen position (x right, y up) and advance, in whole
 * pixels and 1/64 pixels. A glyph already in the atlas at that face and size is not rasterised
 * again (the reply counts both). A code point the face has no glyph for answers glyph 0 (its
 * .notdef). The atlas is a MemCap fontd owns: `atlas` answers with a copy carrying RightRead only,
 * so a client can map it read-only and cannot write it or grant it on. A full atlas is
 * `atlas-full`: nothing was added, the glyphs already in it stay valid.
 *
 * Shaping (version 2, docs/adr/0049-text-shaping.md). `shape` takes up to 128 bytes of UTF-8 text, a
 * script (an ISO 15924 tag, "Arab"; empty: guessed from the text), a direction (guess from the
 * script, left to right, right to left) and a language (a BCP 47 tag, "ar"; empty: none) and
 * answers HarfBuzz's run for the face at its size: up to 32 glyphs in visual order, each the font's
 * glyph index, the byte of the text it came from (its cluster), and its advance and offset in 1/64
 * pixels (x right, y up). Joining forms, ligatures, reordered vowel signs, conjuncts and kerning
 * are the font's, as HarfBuzz applies them. `rasterise-glyphs` places up to 32 glyphs by index in
 * the atlas as `rasterise` does (the same cache, all or nothing; the answers' code point is 0).
 *
 * Limits. 4 faces per session, 32 code points per run, a 512 × 512 atlas per session, 4 sessions;
 * 128 bytes of text and 32 glyphs per shaped run, 32 different languages over fontd's life.
 * When a session ends its atlas copies are revoked and the atlas cleared for the next session.
 */

#pragma once

#include <vectra/BoundedVector.h>
#include <vectra/protocol/Declaration.h>

namespace vectra::font {

enum class FontError : u16 {
    UnknownFace = 1,
    FaceUnusable = 2,
    UnknownHandle = 3,
    SizeOutOfBounds = 4,
    TooManyFaces = 5,
    NoSize = 6,
    InvalidCodePoint = 7,
    AtlasFull = 8,
    GlyphTooLarge = 9,
    InvalidText = 10,
    InvalidScript = 11,
    InvalidLanguage = 12,
    InvalidDirection = 13,
    TooManyGlyphs = 14,
    InvalidGlyph = 15,
    TooManyLanguages = 16,
};

inline constexpr usize maximum_name = 32;
inline constexpr usize maximum_run = 32;
inline constexpr usize faces_per_session = 4;
inline constexpr u32 maximum_pixel_size = 256;
inline constexpr u32 atlas_width = 512;
inline constexpr u32 atlas_height = 512;
inline constexpr u32 maximum_code_point = 0x10ffff;
inline constexpr usize maximum_text = 128;   /* UTF-8 bytes a shape request carries */
inline constexpr usize maximum_shaped = 32;  /* glyphs a shape reply carries */
inline constexpr usize maximum_script = 4;   /* an ISO 15924 tag: "Arab", "Deva", "Latn" */
inline constexpr usize maximum_language = 16; /* a BCP 47 tag: "ar", "hi", "en-GB" */

using FaceName = BoundedVector<u8, maximum_name>;

struct OpenFace {
    FaceName name;
    static constexpr auto fields() { return vectra::fields(field("name", &OpenFace::name)); }
};

struct FaceOpened {
    u32 face { 0 };
    u32 units_per_em { 0 };
    u32 glyphs { 0 }; /* glyphs in the font */
    static constexpr auto fields()
    {
        return vectra::fields(field("face", &FaceOpened::face), field("units_per_em", &FaceOpened::units_per_em),
            field("glyphs", &FaceOpened::glyphs));
    }
};

struct SetSize {
    u32 face { 0 };
    u32 pixel_size { 0 };
    static constexpr auto fields() { return vectra::fields(field("face", &SetSize::face), field("pixel_size", &SetSize::pixel_size)); }
};

/* Line metrics at the size set, in 1/64 pixels: baseline to top (positive), to bottom (negative), baseline to baseline. */
struct SizeSet {
    i32 ascender { 0 };
    i32 descender { 0 };
    i32 line_height { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("ascender", &SizeSet::ascender), field("descender", &SizeSet::descender),
            field("line_height", &SizeSet::line_height));
    }
};

struct Rasterise {
    u32 face { 0 };
    BoundedVector<u32, maximum_run> code_points;
    static constexpr auto fields() { return vectra::fields(field("face", &Rasterise::face), field("code_points", &Rasterise::code_points)); }
};

/* One glyph: where its coverage lies in the atlas, and how to place it on the pen's baseline. */
struct Glyph {
    u32 code_point { 0 };
    u32 glyph { 0 };  /* the font's glyph index (0: none for this code point) */
    u16 x { 0 };      /* atlas position of the bitmap's top-left pixel */
    u16 y { 0 };
    u16 width { 0 };  /* bitmap size in pixels (0 × 0 for a blank glyph) */
    u16 height { 0 };
    i16 left { 0 };   /* pen x to the bitmap's left edge, pixels */
    i16 top { 0 };    /* baseline to the bitmap's top edge, pixels, up */
    i32 advance { 0 }; /* pen advance, 1/64 pixels */
    static constexpr auto fields()
    {
        return vectra::fields(field("code_point", &Glyph::code_point), field("glyph", &Glyph::glyph),
            field("x", &Glyph::x), field("y", &Glyph::y), field("width", &Glyph::width), field("height", &Glyph::height),
            field("left", &Glyph::left), field("top", &Glyph::top), field("advance", &Glyph::advance));
    }
};

struct Rasterised {
    BoundedVector<Glyph, maximum_run> glyphs;
    u32 rasterised { 0 }; /* glyphs FreeType rendered for this run */
    u32 cached { 0 };     /* glyphs found in the atlas already */
    static constexpr auto fields()
    {
        return vectra::fields(field("glyphs", &Rasterised::glyphs), field("rasterised", &Rasterised::rasterised),
            field("cached", &Rasterised::cached));
    }
};

enum class Direction : u8 {
    Guess = 0,
    LeftToRight = 1,
    RightToLeft = 2,
};

struct Shape {
    u32 face { 0 };
    BoundedVector<u8, maximum_text> text;
    BoundedVector<u8, maximum_script> script;
    u8 direction { 0 }; /* Direction */
    BoundedVector<u8, maximum_language> language;
    static constexpr auto fields()
    {
        return vectra::fields(field("face", &Shape::face), field("text", &Shape::text), field("script", &Shape::script),
            field("direction", &Shape::direction), field("language", &Shape::language));
    }
};

/* One glyph of a shaped run, in visual order. */
struct ShapedGlyph {
    u32 glyph { 0 };     /* the font's glyph index */
    u32 cluster { 0 };   /* the byte of the text it came from */
    i32 x_advance { 0 }; /* 1/64 pixels */
    i32 y_advance { 0 };
    i32 x_offset { 0 };  /* from the pen, 1/64 pixels, y up */
    i32 y_offset { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("glyph", &ShapedGlyph::glyph), field("cluster", &ShapedGlyph::cluster),
            field("x_advance", &ShapedGlyph::x_advance), field("y_advance", &ShapedGlyph::y_advance),
            field("x_offset", &ShapedGlyph::x_offset), field("y_offset", &ShapedGlyph::y_offset));
    }
};

struct Shaped {
    BoundedVector<ShapedGlyph, maximum_shaped> glyphs;
    static constexpr auto fields() { return vectra::fields(field("glyphs", &Shaped::glyphs)); }
};

struct RasteriseGlyphs {
    u32 face { 0 };
    BoundedVector<u32, maximum_run> glyphs;
    static constexpr auto fields() { return vectra::fields(field("face", &RasteriseGlyphs::face), field("glyphs", &RasteriseGlyphs::glyphs)); }
};

struct ShareAtlas {
    static constexpr auto fields() { return vectra::fields(); }
};

struct AtlasShared {
    u32 width { 0 };
    u32 height { 0 };
    u32 stride { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("width", &AtlasShared::width), field("height", &AtlasShared::height),
            field("stride", &AtlasShared::stride));
    }
};

struct CloseFace {
    u32 face { 0 };
    static constexpr auto fields() { return vectra::fields(field("face", &CloseFace::face)); }
};

struct ReadState {
    static constexpr auto fields() { return vectra::fields(); }
};

struct State {
    u32 faces { 0 };       /* faces this session holds open */
    u32 glyphs { 0 };      /* glyphs in this session's atlas */
    u32 atlas_rows { 0 };  /* atlas rows in use (shelves from the top) */
    u64 rasterised { 0 };  /* glyphs rendered for this session */
    u64 cached { 0 };      /* glyphs answered from its atlas */
    static constexpr auto fields()
    {
        return vectra::fields(field("faces", &State::faces), field("glyphs", &State::glyphs),
            field("atlas_rows", &State::atlas_rows), field("rasterised", &State::rasterised), field("cached", &State::cached));
    }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.font";
    static constexpr u16 version = 2;
    static constexpr u32 slot_count = 4;
    static constexpr u32 slot_size = 1024;
    using Errors = FontError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(
            error(FontError::UnknownFace, "unknown-face", "no face of fontd's catalogue has that name"),
            error(FontError::FaceUnusable, "face-unusable", "the face's bytes are not a font FreeType loads (malformed, truncated, or not TrueType)"),
            error(FontError::UnknownHandle, "unknown-handle", "no face this session opened has that id (another session's, a closed one's, or made up)"),
            error(FontError::SizeOutOfBounds, "size-out-of-bounds", "a pixel size of 0 or above 256, or one the face cannot be set to"),
            error(FontError::TooManyFaces, "too-many-faces", "the session holds 4 faces open"),
            error(FontError::NoSize, "no-size", "rasterise before set-size on this face"),
            error(FontError::InvalidCodePoint, "invalid-code-point", "a code point above U+10FFFF or a surrogate"),
            error(FontError::AtlasFull, "atlas-full", "the session's atlas has no room for a glyph of the run; nothing was added"),
            error(FontError::GlyphTooLarge, "glyph-too-large", "a glyph's bitmap is wider or taller than the atlas"),
            error(FontError::InvalidText, "invalid-text", "the text to shape is empty, longer than 128 bytes, or not UTF-8"),
            error(FontError::InvalidScript, "invalid-script", "a script that is not an ISO 15924 tag of four letters"),
            error(FontError::InvalidLanguage, "invalid-language", "a language that is not a BCP 47 tag (1-16 letters, digits and single hyphens, starting with a letter)"),
            error(FontError::InvalidDirection, "invalid-direction", "a direction other than 0 (guess), 1 (left to right) or 2 (right to left)"),
            error(FontError::TooManyGlyphs, "too-many-glyphs", "the text shapes to more than 32 glyphs: shape a shorter run"),
            error(FontError::InvalidGlyph, "invalid-glyph", "a glyph index the face does not have"),
            error(FontError::TooManyLanguages, "too-many-languages", "fontd has shaped with 32 different languages, the most it keeps"));
    }

    static constexpr auto messages()
    {
        using protocol::message;
        return protocol::messages(
            message<OpenFace, FaceOpened>("open-face", "Opens a face of fontd's catalogue by name: its id in this session, units per em, glyph count."),
            message<SetSize, SizeSet>("set-size", "Sets a face's pixel size (em height) and answers its line metrics in 1/64 pixels."),
            message<Rasterise, Rasterised>("rasterise",
                "Places the glyphs of up to 32 code points in the session's atlas (rendered once, then cached) and answers where, with their metrics."),
            message<ShareAtlas, AtlasShared>("atlas", "Answers the session's atlas as a MemCap carrying RightRead only, with its geometry.")
                .carrying(std::nullopt, CapabilityClass::Memory),
            message<CloseFace, protocol::Done>("close-face", "Closes a face of this session (its glyphs stay in the atlas)."),
            message<ReadState, State>("state", "The session's open faces, glyphs in its atlas, atlas rows used, glyphs rendered and answered from the atlas."),
            message<Shape, Shaped>("shape",
                "Shapes up to 128 bytes of UTF-8 text with the face at its size (HarfBuzz): up to 32 glyphs in visual order with clusters, advances and offsets in 1/64 pixels."),
            message<RasteriseGlyphs, Rasterised>("rasterise-glyphs",
                "Places up to 32 glyphs by index (a shaped run's) in the session's atlas, as rasterise does, and answers where, with their metrics."));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(FontError) { return domain; }

inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

/* Whether `code_point` is a Unicode scalar value (not above U+10FFFF, not a surrogate). */
[[nodiscard]] constexpr bool is_scalar_value(u32 code_point)
{
    return code_point <= maximum_code_point && (code_point < 0xd800 || code_point > 0xdfff);
}

}
