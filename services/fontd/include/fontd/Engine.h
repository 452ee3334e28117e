/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * FreeType inside fontd (docs/adr/0043-fontd.md §2): one FT_Library whose memory is a core/libc
 * Heap over memory the Task hands it (never a global heap), and the catalogue — up to 4 faces, each
 * a name and the font's bytes (a read-only MemCap the manifest granted, mapped in place). A face is
 * loaded the first time it is asked for; bytes FreeType refuses make the face unusable (asked
 * again, the same error, without loading again) and nothing else changes.
 *
 * HarfBuzz shapes with the same memory (docs/adr/0049-text-shaping.md): a face's HarfBuzz face and
 * font are made over the same mapped bytes the first time it is shaped, scaled to the pixel size
 * in 1/64 pixels.
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Error.h>
#include <vectra/font/Protocol.h>
#include <vectra/libc/Heap.h>

struct FT_LibraryRec_;
struct FT_FaceRec_;
struct FT_MemoryRec_;
struct hb_face_t;
struct hb_font_t;
struct hb_buffer_t;

namespace vectra::fontd {

inline constexpr usize catalogue_capacity = 4;

/* A glyph FreeType rendered: 8-bit coverage rows `pitch` bytes apart, and its metrics. */
struct RenderedGlyph {
    u32 glyph { 0 };
    u32 width { 0 };
    u32 height { 0 };
    i32 pitch { 0 };
    u8 const* coverage { nullptr };
    i32 left { 0 };
    i32 top { 0 };
    i32 advance { 0 }; /* 1/64 pixels */
};

/* A shaped run's glyph and the direction asked for are the protocol's (vectra/font/Protocol.h). */
using ShapedGlyph = font::ShapedGlyph;
using Direction = font::Direction;

/*
 * What to shape: UTF-8 text, an ISO 15924 script tag ("Arab"; empty: guessed from the text), a
 * direction, and a BCP 47 language tag ("ar"; empty: none, the font's default language system).
 */
struct ShapeText {
    std::span<u8 const> text;
    std::span<u8 const> script;
    Direction direction { Direction::Guess };
    std::span<u8 const> language;
};

struct FaceInformation {
    u32 units_per_em { 0 };
    u32 glyphs { 0 };
};

class Engine {
public:
    /* FreeType's memory: `memory` (its owner keeps it alive) as a Heap. */
    explicit Engine(std::span<u8> memory);
    ~Engine();
    Engine(Engine const&) = delete;
    Engine& operator=(Engine const&) = delete;

    /* Makes the FT_Library and registers the TrueType driver, sfnt and the smooth renderer. */
    [[nodiscard]] ErrorOr<void> start();

    /* Adds a face to the catalogue (not loaded yet): a name of 1…32 bytes, not given before. */
    [[nodiscard]] ErrorOr<void> add(std::string_view name, std::span<u8 const> bytes);
    [[nodiscard]] ErrorOr<usize> find(std::span<u8 const> name) const;
    [[nodiscard]] usize size() const { return m_count; }
    [[nodiscard]] std::string_view name(usize entry) const { return { m_entries[entry].name, m_entries[entry].name_length }; }

    /* Loads the face (once) and answers what the protocol says of it; face-unusable when FreeType refuses its bytes. */
    [[nodiscard]] ErrorOr<FaceInformation> load(usize entry);
    /* Line metrics at `pixel_size` (size-out-of-bounds when the face cannot be set to it). */
    [[nodiscard]] ErrorOr<font::SizeSet> metrics(usize entry, u32 pixel_size);
    /* Renders the glyph of `code_point` at `pixel_size`; valid until the next call on this Engine. */
    [[nodiscard]] ErrorOr<RenderedGlyph> render(usize entry, u32 pixel_size, u32 code_point);

    /*
     * Shapes `text` with the face at `pixel_size` into `glyphs` (in visual order: right to left
     * text comes out reversed) and answers how many. Refusals: invalid-text (empty, too long or not
     * UTF-8), invalid-script, invalid-language, too-many-glyphs (more than `glyphs` holds).
     */
    [[nodiscard]] ErrorOr<usize> shape(usize entry, u32 pixel_size, ShapeText const& text, std::span<ShapedGlyph> glyphs);

    /* Renders glyph `glyph` (an index into the face, below its glyph count) at `pixel_size`; like render(). */
    [[nodiscard]] ErrorOr<RenderedGlyph> render_glyph(usize entry, u32 pixel_size, u32 glyph);

    [[nodiscard]] libc::Heap const& heap() const { return m_heap; }

private:
    struct Entry {
        char name[font::maximum_name] {};
        usize name_length { 0 };
        std::span<u8 const> bytes;
        FT_FaceRec_* face { nullptr };
        bool unusable { false };
        u32 pixel_size { 0 };
        hb_face_t* shaping_face { nullptr };
        hb_font_t* shaping_font { nullptr };
        u32 shaping_size { 0 };
    };
    [[nodiscard]] ErrorOr<FT_FaceRec_*> sized(usize entry, u32 pixel_size);
    [[nodiscard]] ErrorOr<hb_font_t*> shaping_font(usize entry, u32 pixel_size);
    [[nodiscard]] ErrorOr<RenderedGlyph> rendered(FT_FaceRec_* face, u32 glyph);

    libc::Heap m_heap;
    alignas(16) u8 m_memory_record[32]; /* FT_MemoryRec: user, alloc, free, realloc */
    FT_LibraryRec_* m_library { nullptr };
    hb_buffer_t* m_buffer { nullptr };
    Entry m_entries[catalogue_capacity];
    usize m_count { 0 };
};

}
