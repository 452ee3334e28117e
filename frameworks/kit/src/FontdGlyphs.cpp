/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kit/Error.h>
#include <vectra/kit/FontdGlyphs.h>

namespace vectra::kit {

ErrorOr<void> FontdGlyphs::open(FontdGlyphs& glyphs, FontClient& client, std::string_view face, u32 pixel_size)
{
    font::OpenFace request;
    for (char character : face)
        TRY(request.name.try_append(u8(character)));
    auto opened = TRY(client.call(request));
    auto size = TRY(client.call(font::SetSize { opened.face, pixel_size }));
    auto shared = TRY(client.call_receiving(font::ShareAtlas {}));
    if (!shared.capability.has_value())
        return Error(KitError::GlyphFailed, "fontd's atlas reply carried no capability");
    glyphs.m_atlas_capability = TRY(shared.capability->as<CapabilityClass::Memory>());
    glyphs.m_atlas = TRY(system::map_memory_read_only(glyphs.m_atlas_capability));
    if (u64(shared.reply.stride) * shared.reply.height > glyphs.m_atlas.size()
        || shared.reply.stride < shared.reply.width)
        return Error(KitError::GlyphFailed, "fontd's atlas is smaller than its geometry says");
    glyphs.m_client = &client;
    glyphs.m_face = opened.face;
    glyphs.m_stride = shared.reply.stride;
    glyphs.m_atlas_height = shared.reply.height;
    glyphs.m_line = whole_pixels(size.ascender, size.descender, size.line_height);
    return {};
}

font::Glyph const* FontdGlyphs::find(u32 code_point) const
{
    for (usize index = 0; index < m_count; ++index)
        if (m_table[index].code_point == code_point)
            return &m_table[index];
    return nullptr;
}

ErrorOr<void> FontdGlyphs::rasterise(font::Rasterise const& run)
{
    auto placed = TRY(m_client->call(run));
    ++m_requests;
    m_rasterised += placed.rasterised;
    if (placed.glyphs.size() != run.code_points.size())
        return Error(KitError::GlyphFailed, "fontd answered another number of glyphs");
    for (auto const& glyph : placed.glyphs) {
        /* A place outside the atlas would read past the mapping: refuse it rather than trust it. */
        if (u64(glyph.y) + glyph.height > m_atlas_height || u64(glyph.x) + glyph.width > m_stride)
            return Error(KitError::GlyphFailed, "fontd placed a glyph outside its atlas");
        if (find(glyph.code_point))
            continue;
        if (m_count < table_capacity)
            m_table[m_count++] = glyph;
        else
            m_last = glyph;
    }
    return {};
}

ErrorOr<void> FontdGlyphs::prefetch(Utf8View text)
{
    font::Rasterise run;
    run.face = m_face;
    for (u32 code_point : text) {
        if (find(code_point))
            continue;
        bool queued = false;
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

GlyphImage FontdGlyphs::image_of(font::Glyph const& glyph) const
{
    return { glyph.width, glyph.height, m_stride, m_atlas.data() + usize(glyph.y) * m_stride + glyph.x, glyph.left,
        glyph.top, glyph.advance };
}

ErrorOr<GlyphImage> FontdGlyphs::glyph(u32 code_point)
{
    if (auto const* known = find(code_point))
        return image_of(*known);
    font::Rasterise run;
    run.face = m_face;
    TRY(run.code_points.try_append(code_point));
    TRY(rasterise(run));
    if (auto const* known = find(code_point))
        return image_of(*known);
    return image_of(m_last);
}

}
