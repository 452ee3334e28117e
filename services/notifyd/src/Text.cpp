/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notifyd's text from fontd's read-only atlas (Text.h).
 */

#include <notifyd/Text.h>
#include <vectra/Try.h>
#include <vectra/Utf8View.h>

namespace vectra::notifyd {

namespace {

constexpr u32 ellipsis = 0x2026;

}

void Pixels::fill(surface::Box const& box, u32 colour)
{
    auto inside = box.intersected(clip);
    for (i32 y = inside.top; y < inside.bottom; ++y)
        for (i32 x = inside.left; x < inside.right; ++x)
            pixels[usize(y) * stride + usize(x)] = colour;
}

ErrorOr<void> Text::open(Text& text, FontClient& client, std::string_view face, u32 pixel_size)
{
    TRY(font::AtlasClient::open(text.m_atlas, client, face, pixel_size));
    auto const& metrics = text.m_atlas.metrics();
    text.m_ascender = (metrics.ascender + 63) / 64;
    text.m_line_height = (metrics.line_height + 63) / 64;
    return {};
}

ErrorOr<void> Text::prefetch(std::span<u8 const> text) { return m_atlas.prefetch(TRY(Utf8View::try_from(text))); }

ErrorOr<void> Text::draw(Pixels& target, i32 x, i32 baseline, std::span<u8 const> text, u32 colour, bool ends_cut)
{
    TRY(prefetch(text));
    i64 pen = i64(x) * 64;
    auto put = [&](u32 code_point) -> ErrorOr<void> {
        auto placed = TRY(m_atlas.glyph(code_point));
        font::blend_glyph({ target.pixels, target.stride }, target.clip, placed, i32(pen / 64), baseline, colour);
        pen += placed.advance;
        return {};
    };
    for (u32 code_point : TRY(Utf8View::try_from(text)))
        TRY(put(code_point));
    if (ends_cut)
        TRY(put(ellipsis));
    return {};
}

}
