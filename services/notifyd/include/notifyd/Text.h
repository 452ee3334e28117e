/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notifyd's text (docs/adr/0048-notifyd.md §3): one face of fontd at one pixel size through core/font's
 * atlas client (AtlasClient.h: the session's atlas mapped read-only, places and metrics in a fixed
 * table, a place outside the atlas refused), blended into notifyd's own pixels with core/font's
 * integer blend (the same pixels on every platform).
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/font/AtlasClient.h>
#include <vectra/surface/Region.h>

namespace vectra::notifyd {

using FontClient = font::FontClient;

/* XRGB8888 pixels, rows `stride` pixels apart, drawn only inside `clip`. */
struct Pixels {
    std::span<u32> pixels;
    u32 stride { 0 };
    surface::Box clip;
    void fill(surface::Box const&, u32 colour);
};

class Text {
public:
    /* Opens `face` in the session, sets `pixel_size`, maps the session's atlas read-only. */
    [[nodiscard]] static ErrorOr<void> open(Text& into, FontClient&, std::string_view face, u32 pixel_size);

    /* Whole pixels: baseline to top, line height. */
    [[nodiscard]] i32 ascender() const { return m_ascender; }
    [[nodiscard]] i32 line_height() const { return m_line_height; }
    /* Rasterises every code point of the UTF-8 `text` not in the table yet, 32 to a request. */
    [[nodiscard]] ErrorOr<void> prefetch(std::span<u8 const> text);
    /* `text` (UTF-8) from pen x at `baseline` in `colour`, blended over what is there; `ellipsis` appends "…". */
    [[nodiscard]] ErrorOr<void> draw(Pixels&, i32 x, i32 baseline, std::span<u8 const> text, u32 colour, bool ellipsis);
    [[nodiscard]] u32 requests() const { return m_atlas.requests(); }

private:
    font::AtlasClient m_atlas;
    i32 m_ascender { 0 };
    i32 m_line_height { 0 };
};

}
