/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * VectraKit's glyph source in an image: a face of fontd at one pixel size over a session of
 * vectra.font (ADR 0043). Glyphs are rasterised by fontd into the session's atlas, which this
 * maps read-only; their places and metrics are kept in a small table (caller-free, fixed
 * capacity), so a glyph costs one request the first time and none after. `prefetch` asks for a
 * whole text's missing glyphs in runs of 32.
 */

#pragma once

#include <string_view>
#include <vectra/Capability.h>
#include <vectra/Session.h>
#include <vectra/font/Protocol.h>
#include <vectra/kit/GlyphSource.h>

namespace vectra::kit {

using FontClient = session::SessionClient<font::Protocol>;

class FontdGlyphs final : public GlyphSource {
public:
    static constexpr usize table_capacity = 192;

    /* Opens `face` in the session, sets `pixel_size`, maps the session's atlas read-only. */
    [[nodiscard]] static ErrorOr<void> open(FontdGlyphs& into, FontClient&, std::string_view face, u32 pixel_size);

    [[nodiscard]] LineMetrics line_metrics() const override { return m_line; }
    [[nodiscard]] ErrorOr<GlyphImage> glyph(u32 code_point) override;
    /* Rasterises every code point of `text` not in the table yet, 32 to a request. */
    [[nodiscard]] ErrorOr<void> prefetch(Utf8View text);

    [[nodiscard]] u32 requests() const { return m_requests; }
    [[nodiscard]] u32 rasterised() const { return m_rasterised; }
    [[nodiscard]] usize cached() const { return m_count; }

private:
    [[nodiscard]] font::Glyph const* find(u32 code_point) const;
    [[nodiscard]] ErrorOr<void> rasterise(font::Rasterise const&);
    [[nodiscard]] GlyphImage image_of(font::Glyph const&) const;

    FontClient* m_client { nullptr };
    u32 m_face { 0 };
    LineMetrics m_line;
    MemCap m_atlas_capability;
    std::span<u8 const> m_atlas;
    u32 m_stride { 0 };
    u32 m_atlas_height { 0 };
    font::Glyph m_table[table_capacity];
    usize m_count { 0 };
    font::Glyph m_last; /* a glyph asked for while the table is full */
    u32 m_requests { 0 };
    u32 m_rasterised { 0 };
};

}
