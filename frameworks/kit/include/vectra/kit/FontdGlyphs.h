/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * VectraKit's glyph source in an image: a face of fontd at one pixel size over a session of
 * vectra.font (ADR 0043), through core/font's atlas client (AtlasClient.h): glyphs rasterised by
 * fontd into the session's atlas, mapped read-only, their places kept in a fixed table, so a glyph
 * costs one request the first time and none after. `prefetch` asks for a whole text's missing
 * glyphs in runs of 32.
 */

#pragma once

#include <string_view>
#include <vectra/font/AtlasClient.h>
#include <vectra/kit/GlyphSource.h>

namespace vectra::kit {

using FontClient = font::FontClient;

class FontdGlyphs final : public GlyphSource {
public:
    static constexpr usize table_capacity = font::AtlasClient::table_capacity;

    /* Opens `face` in the session, sets `pixel_size`, maps the session's atlas read-only. */
    [[nodiscard]] static ErrorOr<void> open(FontdGlyphs& into, FontClient&, std::string_view face, u32 pixel_size);

    [[nodiscard]] LineMetrics line_metrics() const override { return m_line; }
    [[nodiscard]] ErrorOr<GlyphImage> glyph(u32 code_point) override { return m_atlas.glyph(code_point); }
    /* Rasterises every code point of `text` not in the table yet, 32 to a request. */
    [[nodiscard]] ErrorOr<void> prefetch(Utf8View text) { return m_atlas.prefetch(text); }

    [[nodiscard]] u32 requests() const { return m_atlas.requests(); }
    [[nodiscard]] u32 rasterised() const { return m_atlas.rasterised(); }
    [[nodiscard]] usize cached() const { return m_atlas.cached(); }

private:
    font::AtlasClient m_atlas;
    LineMetrics m_line;
};

}
