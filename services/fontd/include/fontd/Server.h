/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fontd's service loop (docs/adr/0043-fontd.md §4): every session of vectra.font served from one
 * loop over one Engine (FreeType) and one atlas per session slot.
 *
 *   - Each session slot has its atlas from the start: a MemCap of fontd's memory, 512 × 512 bytes,
 *     mapped writable by fontd only. `atlas` answers with a copy carrying RightRead (no grant, no
 *     write). When the session ends every copy is revoked and the atlas zeroed for the next one.
 *   - A glyph is rendered once per (face, size, glyph) and session: the session's glyph table
 *     remembers where it lies in the atlas (up to 512 glyphs), whether a run named it by code point
 *     or by index (a shaped run's glyphs).
 *   - `shape` is HarfBuzz's (Engine::shape) at the face's size; nothing of the session changes.
 *   - `rasterise` is all or nothing: a run that fills the atlas (or the glyph table) puts none of
 *     its new glyphs there.
 *   - Requests are decoded and checked completely before anything changes (protocol::dispatch,
 *     then each handler's checks).
 */

#pragma once

#include <fontd/Engine.h>
#include <vectra/Session.h>
#include <vectra/font/Atlas.h>

namespace vectra::fontd {

inline constexpr usize maximum_sessions = 4;
inline constexpr usize glyphs_per_session = 512;
/* HarfBuzz's program-long objects and interned languages (vectra/harfbuzz/Memory.h). */
inline constexpr usize harfbuzz_lifetime_bytes = 16 * KiB;
inline constexpr usize atlas_bytes = usize(font::atlas_width) * font::atlas_height;

struct OpenFace {
    bool used { false };
    u32 id { 0 };
    usize entry { 0 };
    u32 pixel_size { 0 };
};

/* How a run names its glyphs: by code point (rasterise) or by the font's index (rasterise-glyphs). */
enum class GlyphKey : u8 {
    CodePoint,
    Index,
};

struct CachedGlyph {
    usize entry { 0 };
    u32 pixel_size { 0 };
    GlyphKey key { GlyphKey::CodePoint };
    font::Glyph glyph;
};

/* One session's state and handlers (protocol::dispatch calls these). */
class SessionState {
public:
    SessionState(Engine& engine, MemCap const& atlas, std::span<u8> pixels)
        : m_engine(engine)
        , m_atlas(atlas)
        , m_pixels(pixels)
        , m_packer(font::atlas_width, font::atlas_height)
    {
    }

    [[nodiscard]] ErrorOr<font::FaceOpened> handle(font::OpenFace const&);
    [[nodiscard]] ErrorOr<font::SizeSet> handle(font::SetSize const&);
    [[nodiscard]] ErrorOr<font::Rasterised> handle(font::Rasterise const&);
    [[nodiscard]] ErrorOr<font::Shaped> handle(font::Shape const&);
    [[nodiscard]] ErrorOr<font::Rasterised> handle(font::RasteriseGlyphs const&);
    [[nodiscard]] ErrorOr<font::AtlasShared> handle(font::ShareAtlas const&, protocol::MessageCapabilities&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(font::CloseFace const&);
    [[nodiscard]] ErrorOr<font::State> handle(font::ReadState const&);

    /* Forgets the session: faces, glyph table, counters; zeroes the atlas (copies are the Server's to revoke). */
    void reset();

    [[nodiscard]] usize glyph_count() const { return m_glyph_count; }
    [[nodiscard]] u64 rasterised() const { return m_rasterised; }
    [[nodiscard]] u64 cached() const { return m_cached; }

private:
    [[nodiscard]] ErrorOr<OpenFace*> face(u32 id);
    [[nodiscard]] ErrorOr<OpenFace*> sized_face(u32 id);
    [[nodiscard]] CachedGlyph const* lookup(usize entry, u32 pixel_size, GlyphKey key, u32 value) const;
    [[nodiscard]] ErrorOr<font::Glyph> place(usize entry, u32 pixel_size, GlyphKey key, u32 value);
    [[nodiscard]] ErrorOr<font::Rasterised> rasterise(OpenFace const& open, GlyphKey key, std::span<u32 const> values);

    Engine& m_engine;
    MemCap const& m_atlas;
    std::span<u8> m_pixels;
    font::ShelfPacker m_packer;
    OpenFace m_faces[font::faces_per_session];
    u32 m_next_id { 1 };
    CachedGlyph m_glyphs[glyphs_per_session];
    usize m_glyph_count { 0 };
    u64 m_rasterised { 0 };
    u64 m_cached { 0 };
};

class Server {
public:
    /* `atlases[n]` (MemCaps with read, write, grant, revoke) are session n's, mapped as `pixels[n]`. */
    Server(Engine& engine, MemCap* atlases, std::span<u8>* pixels);
    Server(Server const&) = delete;
    Server& operator=(Server const&) = delete;

    /* Binds the listener and serves until it fails (PeerRestarted when the listener's Rings go). */
    [[nodiscard]] ErrorOr<void> serve(RingCap listen_requests, RingCap listen_replies);

    [[nodiscard]] SessionState& session(usize index) { return *reinterpret_cast<SessionState*>(m_sessions[index]); }
    void closed(usize index);

private:
    [[nodiscard]] bool take_request(usize index);

    MemCap* m_atlases;
    session::Table m_table;
    alignas(SessionState) u8 m_sessions[maximum_sessions][sizeof(SessionState)];
    u8 m_request[protocol::payload_capacity<font::Protocol>];
    u8 m_reply[protocol::payload_capacity<font::Protocol>];
};

/*
 * fontd from its capabilities to its loop: the Server, its atlases and FreeType's heap
 * (`font_memory_bytes`) placed in `memory`, the catalogue's faces added, `ready` raised (when
 * given), then every session served until the listener fails.
 */
struct CatalogueFace {
    std::string_view name;
    std::span<u8 const> bytes;
};
[[nodiscard]] ErrorOr<void> run(ReticleCap const& memory, usize font_memory_bytes, std::span<CatalogueFace const> catalogue,
    RingCap requests, RingCap replies, SignalCap const* ready);

}
