/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/font/AtlasClient.h>

namespace vectra::font {

ErrorOr<AtlasView> AtlasView::try_create(std::span<u8 const> mapping, AtlasShared const& geometry)
{
    if (geometry.stride < geometry.width || u64(geometry.stride) * geometry.height > mapping.size())
        return Error(ClientError::AtlasTooSmall, "fontd's atlas is smaller than its geometry says");
    AtlasView view;
    view.m_mapping = mapping;
    view.m_width = geometry.width;
    view.m_height = geometry.height;
    view.m_stride = geometry.stride;
    return view;
}

ErrorOr<GlyphImage> AtlasView::image_of(Glyph const& glyph) const
{
    /* A place outside the atlas would read past the mapping: refused rather than trusted. */
    if (u32(glyph.x) + glyph.width > m_width || u32(glyph.y) + glyph.height > m_height)
        return Error(ClientError::GlyphOutsideAtlas, "fontd placed a glyph outside its atlas");
    GlyphImage image { glyph.width, glyph.height, m_stride, nullptr, glyph.left, glyph.top, glyph.advance };
    if (glyph.width > 0 && glyph.height > 0)
        image.coverage = m_mapping.data() + usize(glyph.y) * m_stride + glyph.x;
    return image;
}

ErrorOr<void> AtlasClient::open(AtlasClient& client, FontClient& session, std::string_view face, u32 pixel_size)
{
    OpenFace request;
    for (char character : face)
        TRY(request.name.try_append(u8(character)));
    auto opened = TRY(session.call(request));
    auto size = TRY(session.call(SetSize { opened.face, pixel_size }));
    auto shared = TRY(session.call_receiving(ShareAtlas {}));
    if (!shared.capability.has_value())
        return Error(ClientError::NoAtlas, "fontd's atlas reply carried no capability");
    client.m_atlas_capability = TRY(shared.capability->as<CapabilityClass::Memory>());
    client.m_atlas = TRY(AtlasView::try_create(TRY(system::map_memory_read_only(client.m_atlas_capability)), shared.reply));
    client.m_client = &session;
    client.m_face = opened.face;
    client.m_metrics = size;
    return {};
}

Glyph const* AtlasClient::find(u32 code_point) const
{
    for (usize index = 0; index < m_count; ++index)
        if (m_table[index].code_point == code_point)
            return &m_table[index];
    return nullptr;
}

ErrorOr<void> AtlasClient::rasterise(Rasterise const& run)
{
    auto placed = TRY(m_client->call(run));
    ++m_requests;
    m_rasterised += placed.rasterised;
    if (placed.glyphs.size() != run.code_points.size())
        return Error(ClientError::WrongGlyphCount, "fontd answered another number of glyphs");
    /* The whole reply checked before any of it is kept. */
    for (usize index = 0; index < placed.glyphs.size(); ++index) {
        if (placed.glyphs[index].code_point != run.code_points[index])
            return Error(ClientError::WrongCodePoint, "fontd answered other code points than asked for");
        (void)TRY(m_atlas.image_of(placed.glyphs[index]));
    }
    for (auto const& glyph : placed.glyphs) {
        if (find(glyph.code_point))
            continue;
        if (m_count < table_capacity)
            m_table[m_count++] = glyph;
        else
            m_last = glyph;
    }
    return {};
}

ErrorOr<void> AtlasClient::prefetch(Utf8View text)
{
    Rasterise run;
    run.face = m_face;
    for (u32 code_point : text) {
        bool queued = find(code_point) != nullptr;
        for (u32 already : run.code_points)
            queued = queued || already == code_point;
        if (queued)
            continue;
        TRY(run.code_points.try_append(code_point));
        if (run.code_points.size() == maximum_run) {
            TRY(rasterise(run));
            run.code_points.clear();
        }
    }
    if (run.code_points.size() > 0)
        TRY(rasterise(run));
    return {};
}

ErrorOr<GlyphImage> AtlasClient::glyph(u32 code_point)
{
    if (auto const* known = find(code_point))
        return m_atlas.image_of(*known);
    Rasterise run;
    run.face = m_face;
    TRY(run.code_points.try_append(code_point));
    TRY(rasterise(run));
    if (auto const* known = find(code_point))
        return m_atlas.image_of(*known);
    return m_atlas.image_of(m_last);
}

}
