/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vectra/kit/FontdGlyphs.h>

namespace vectra::kit {

ErrorOr<void> FontdGlyphs::open(FontdGlyphs& glyphs, FontClient& client, std::string_view face, u32 pixel_size)
{
    TRY(font::AtlasClient::open(glyphs.m_atlas, client, face, pixel_size));
    auto const& metrics = glyphs.m_atlas.metrics();
    glyphs.m_line = whole_pixels(metrics.ascender, metrics.descender, metrics.line_height);
    return {};
}

}
