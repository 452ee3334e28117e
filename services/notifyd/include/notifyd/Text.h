/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notifyd's text (docs/adr/0048-notifyd.md §3): one face of fontd at one pixel size over a session
 * of vectra.font. fontd rasterises the glyphs into the session's atlas, which notifyd maps
 * read-only and blends from into its own pixels (integer arithmetic: the same pixels on every
 * platform). Places and metrics are kept in a fixed table, so a glyph costs one request the first
 * time (a text's missing glyphs in runs of 32) and none after; a place outside the atlas is refused.
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Capability.h>
#include <vectra/Session.h>
#include <vectra/font/Protocol.h>
#include <vectra/surface/Region.h>

namespace vectra::notifyd {

using FontClient = session::SessionClient<font::Protocol>;

/* XRGB8888 pixels, rows `stride` pixels apart, drawn only inside `clip`. */
struct Pixels {
    std::span<u32> pixels;
    u32 stride { 0 };
    surface::Box clip;
    void fill(surface::Box const&, u32 colour);
};

class Text {
public:
    static constexpr usize table_capacity = 160;

    /* Opens `face` in the session, sets `pixel_size`, maps the session's atlas read-only. */
    [[nodiscard]] static ErrorOr<void> open(Text& into, FontClient&, std::string_view face, u32 pixel_size);

    /* Whole pixels: baseline to top, line height. */
    [[nodiscard]] i32 ascender() const { return m_ascender; }
    [[nodiscard]] i32 line_height() const { return m_line_height; }
    /* Rasterises every code point of the UTF-8 `text` not in the table yet, 32 to a request. */
    [[nodiscard]] ErrorOr<void> prefetch(std::span<u8 const> text);
    /* `text` (UTF-8) from pen x at `baseline` in `colour`, blended over what is there; `ellipsis` appends "…". */
    [[nodiscard]] ErrorOr<void> draw(Pixels&, i32 x, i32 baseline, std::span<u8 const> text, u32 colour, bool ellipsis);
    [[nodiscard]] u32 requests() const { return m_requests; }

private:
    [[nodiscard]] font::Glyph const* find(u32 code_point) const;
    [[nodiscard]] ErrorOr<void> rasterise(font::Rasterise const&);
    [[nodiscard]] ErrorOr<font::Glyph const*> glyph(u32 code_point);
    void blend(Pixels&, font::Glyph const&, i32 pen_x, i32 baseline, u32 colour) const;

    FontClient* m_client { nullptr };
    u32 m_face { 0 };
    i32 m_ascender { 0 };
    i32 m_line_height { 0 };
    MemCap m_atlas_capability;
    std::span<u8 const> m_atlas;
    u32 m_stride { 0 };
    u32 m_atlas_height { 0 };
    font::Glyph m_table[table_capacity];
    usize m_count { 0 };
    font::Glyph m_last; /* a glyph asked for while the table is full */
    u32 m_requests { 0 };
};

/* `under` moved towards `over` by coverage/255, per channel, rounded (VectraKit's blend, the same pixels). */
[[nodiscard]] constexpr u32 blend_pixel(u32 under, u32 over, u8 coverage)
{
    u32 result = 0;
    for (u32 shift = 0; shift < 24; shift += 8) {
        i32 below = i32((under >> shift) & 0xff);
        i32 above = i32((over >> shift) & 0xff);
        i32 mixed = below + ((above - below) * i32(coverage) + (above >= below ? 127 : -127)) / 255;
        result |= u32(mixed) << shift;
    }
    return result;
}

}
