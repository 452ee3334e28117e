/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A client of fontd's atlas (docs/adr/0043-fontd.md): one face at one pixel size over a session of
 * vectra.font. fontd rasterises glyphs into the session's atlas, which the client maps read-only;
 * places and metrics are kept in a fixed table (no heap), so a glyph costs one request the first
 * time (a text's missing glyphs in runs of 32) and none after. Nothing fontd says is trusted: an
 * atlas smaller than its stated geometry, a place outside it, a reply of another length or of
 * other code points are each refused with their own error, and no byte outside the mapping is read.
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Capability.h>
#include <vectra/Session.h>
#include <vectra/Utf8View.h>
#include <vectra/font/Coverage.h>
#include <vectra/font/Protocol.h>

namespace vectra::font {

using FontClient = session::SessionClient<Protocol>;

/* What the client refuses of fontd's answers. */
enum class ClientError : u16 {
    NoAtlas = 1,          /* the share-atlas reply carried no MemCap */
    AtlasTooSmall = 2,    /* the mapped atlas is smaller than width × height at its stride, or the stride is below the width */
    GlyphOutsideAtlas = 3, /* a glyph placed (partly) outside the atlas's stated geometry */
    WrongGlyphCount = 4,  /* a rasterise reply with another number of glyphs than code points asked for */
    WrongCodePoint = 5,   /* a rasterise reply whose glyphs are not the code points asked for, in order */
};

inline constexpr ErrorDomain client_domain {
    "vectra.font.client",
    [](u16 code) -> char const* {
        switch (static_cast<ClientError>(code)) {
        case ClientError::NoAtlas:
            return "no-atlas";
        case ClientError::AtlasTooSmall:
            return "atlas-too-small";
        case ClientError::GlyphOutsideAtlas:
            return "glyph-outside-atlas";
        case ClientError::WrongGlyphCount:
            return "wrong-glyph-count";
        case ClientError::WrongCodePoint:
            return "wrong-code-point";
        }
        return nullptr;
    },
};

constexpr ErrorDomain const& error_domain(ClientError) { return client_domain; }

/* The session's atlas as mapped, its stated geometry checked against the mapping once. */
class AtlasView {
public:
    AtlasView() = default;
    [[nodiscard]] static ErrorOr<AtlasView> try_create(std::span<u8 const> mapping, AtlasShared const&);
    /* The glyph's coverage in the atlas; a place outside the stated geometry is refused. */
    [[nodiscard]] ErrorOr<GlyphImage> image_of(Glyph const&) const;

private:
    std::span<u8 const> m_mapping;
    u32 m_width { 0 };
    u32 m_height { 0 };
    u32 m_stride { 0 };
};

class AtlasClient {
public:
    static constexpr usize table_capacity = 192;

    /* Opens `face` in the session, sets `pixel_size`, maps the session's atlas read-only. */
    [[nodiscard]] static ErrorOr<void> open(AtlasClient& into, FontClient&, std::string_view face, u32 pixel_size);

    /* The face's metrics at this size, 1/64 pixels, as fontd set them. */
    [[nodiscard]] SizeSet const& metrics() const { return m_metrics; }
    /* Rasterises every code point of `text` not in the table yet, 32 to a request. */
    [[nodiscard]] ErrorOr<void> prefetch(Utf8View text);
    /* The glyph of `code_point`, from the table or one request; its coverage lies in the atlas. */
    [[nodiscard]] ErrorOr<GlyphImage> glyph(u32 code_point);

    [[nodiscard]] u32 requests() const { return m_requests; }
    [[nodiscard]] u32 rasterised() const { return m_rasterised; }
    [[nodiscard]] usize cached() const { return m_count; }

private:
    [[nodiscard]] Glyph const* find(u32 code_point) const;
    [[nodiscard]] ErrorOr<void> rasterise(Rasterise const&);

    FontClient* m_client { nullptr };
    u32 m_face { 0 };
    SizeSet m_metrics;
    MemCap m_atlas_capability;
    AtlasView m_atlas;
    Glyph m_table[table_capacity];
    usize m_count { 0 };
    Glyph m_last; /* the last glyph asked for while the table is full */
    u32 m_requests { 0 };
    u32 m_rasterised { 0 };
};

}
