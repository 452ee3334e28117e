/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notifyd's text from fontd's read-only atlas (Text.h).
 */

#include <notifyd/Text.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/Utf8View.h>

namespace vectra::notifyd {

namespace {

constexpr u32 ellipsis = 0x2026;

Error atlas_error(char const* message) { return Error(ErrorCode::MalformedMessage, message); }

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
    font::OpenFace request;
    for (char character : face)
        TRY(request.name.try_append(u8(character)));
    auto opened = TRY(client.call(request));
    auto size = TRY(client.call(font::SetSize { opened.face, pixel_size }));
    auto shared = TRY(client.call_receiving(font::ShareAtlas {}));
    if (!shared.capability.has_value())
        return atlas_error("fontd's atlas reply carried no capability");
    text.m_atlas_capability = TRY(shared.capability->as<CapabilityClass::Memory>());
    text.m_atlas = TRY(system::map_memory_read_only(text.m_atlas_capability));
    if (u64(shared.reply.stride) * shared.reply.height > text.m_atlas.size() || shared.reply.stride < shared.reply.width)
        return atlas_error("fontd's atlas is smaller than its geometry says");
    text.m_client = &client;
    text.m_face = opened.face;
    text.m_stride = shared.reply.stride;
    text.m_atlas_height = shared.reply.height;
    text.m_ascender = (size.ascender + 63) / 64;
    text.m_line_height = (size.line_height + 63) / 64;
    return {};
}

font::Glyph const* Text::find(u32 code_point) const
{
    for (usize index = 0; index < m_count; ++index)
        if (m_table[index].code_point == code_point)
            return &m_table[index];
    return nullptr;
}

ErrorOr<void> Text::rasterise(font::Rasterise const& run)
{
    auto placed = TRY(m_client->call(run));
    ++m_requests;
    if (placed.glyphs.size() != run.code_points.size())
        return atlas_error("fontd answered another number of glyphs");
    for (auto const& glyph : placed.glyphs) {
        /* A place outside the atlas would read past the mapping: refused rather than trusted. */
        if (u64(glyph.y) + glyph.height > m_atlas_height || u64(glyph.x) + glyph.width > m_stride)
            return atlas_error("fontd placed a glyph outside its atlas");
        if (find(glyph.code_point))
            continue;
        if (m_count < table_capacity)
            m_table[m_count++] = glyph;
        else
            m_last = glyph;
    }
    return {};
}

ErrorOr<void> Text::prefetch(std::span<u8 const> text)
{
    font::Rasterise run;
    run.face = m_face;
    for (u32 code_point : TRY(Utf8View::try_from(text))) {
        bool queued = find(code_point) != nullptr;
        for (u32 already : run.code_points)
            queued = queued || already == code_point;
        if (queued)
            continue;
        TRY(run.code_points.try_append(code_point));
        if (run.code_points.size() == font::maximum_run) {
            TRY(rasterise(run));
            run.code_points.clear();
        }
    }
    if (run.code_points.size() > 0)
        TRY(rasterise(run));
    return {};
}

ErrorOr<font::Glyph const*> Text::glyph(u32 code_point)
{
    if (auto const* known = find(code_point))
        return known;
    font::Rasterise run;
    run.face = m_face;
    TRY(run.code_points.try_append(code_point));
    TRY(rasterise(run));
    if (auto const* known = find(code_point))
        return known;
    return &m_last;
}

void Text::blend(Pixels& target, font::Glyph const& glyph, i32 pen_x, i32 baseline, u32 colour) const
{
    i32 left = pen_x + glyph.left;
    i32 top = baseline - glyph.top;
    auto inside = surface::Box::of(left, top, glyph.width, glyph.height).intersected(target.clip);
    for (i32 y = inside.top; y < inside.bottom; ++y) {
        u8 const* row = m_atlas.data() + usize(glyph.y + u32(y - top)) * m_stride + glyph.x;
        for (i32 x = inside.left; x < inside.right; ++x) {
            u8 coverage = row[x - left];
            if (coverage == 0)
                continue;
            u32& pixel = target.pixels[usize(y) * target.stride + usize(x)];
            pixel = blend_pixel(pixel, colour, coverage);
        }
    }
}

ErrorOr<void> Text::draw(Pixels& target, i32 x, i32 baseline, std::span<u8 const> text, u32 colour, bool ends_cut)
{
    TRY(prefetch(text));
    i64 pen = i64(x) * 64;
    auto put = [&](u32 code_point) -> ErrorOr<void> {
        auto const* placed = TRY(glyph(code_point));
        blend(target, *placed, i32(pen / 64), baseline, colour);
        pen += placed->advance;
        return {};
    };
    for (u32 code_point : TRY(Utf8View::try_from(text)))
        TRY(put(code_point));
    if (ends_cut)
        TRY(put(ellipsis));
    return {};
}

}
