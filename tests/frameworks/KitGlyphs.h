/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * VectraKit's glyph source in host tests: fontd's own FreeType engine over Debian's DejaVu Sans (or another face)
 * (the port cache, as tests/services/FontFiles.h reads it), at one pixel size — real glyphs.
 */

#pragma once

#include "../services/FontFiles.h"
#include <fontd/Engine.h>
#include <string_view>
#include <vector>
#include <vectra/kit/Error.h>
#include <vectra/kit/GlyphSource.h>
#include <vectra/kit/Tree.h>

namespace vectra::test {

class EngineGlyphs final : public kit::GlyphSource {
public:
    explicit EngineGlyphs(
        u32 pixel_size, std::string_view face = "DejaVu Sans", std::vector<u8> const& font = dejavu_sans())
        : m_memory(512 * KiB)
        , m_engine(m_memory)
        , m_pixel_size(pixel_size)
    {
        MUST(m_engine.start());
        MUST(m_engine.add(face, font));
        m_entry = MUST(m_engine.find(std::span<u8 const>(reinterpret_cast<u8 const*>(face.data()), face.size())));
        (void)MUST(m_engine.load(m_entry));
        auto size = MUST(m_engine.metrics(m_entry, pixel_size));
        m_line = kit::whole_pixels(size.ascender, size.descender, size.line_height);
    }

    [[nodiscard]] kit::LineMetrics line_metrics() const override { return m_line; }

    [[nodiscard]] ErrorOr<kit::GlyphImage> glyph(u32 code_point) override
    {
        ++m_calls;
        if (m_refuse)
            return Error(kit::KitError::GlyphFailed, "the test's glyph source refuses");
        auto rendered = m_engine.render(m_entry, m_pixel_size, code_point);
        if (rendered.is_error())
            return Error(kit::KitError::GlyphFailed, "FreeType could not render the glyph");
        auto const& glyph = rendered.value();
        return kit::GlyphImage { glyph.width, glyph.height, u32(glyph.pitch), glyph.coverage, glyph.left, glyph.top,
            glyph.advance };
    }

    /* The advance of a text in 1/64 pixels, as the engine answers it glyph by glyph. */
    [[nodiscard]] i64 advance(std::string_view text)
    {
        i64 total = 0;
        for (char character : text)
            total += MUST(m_engine.render(m_entry, m_pixel_size, u8(character))).advance;
        return total;
    }
    [[nodiscard]] i32 pixels(std::string_view text) { return i32((advance(text) + 63) / 64); }

    void refuse(bool refuse) { m_refuse = refuse; }
    [[nodiscard]] usize calls() const { return m_calls; }
    [[nodiscard]] fontd::Engine& engine() { return m_engine; }
    [[nodiscard]] usize entry() const { return m_entry; }
    [[nodiscard]] u32 pixel_size() const { return m_pixel_size; }

private:
    std::vector<u8> m_memory;
    fontd::Engine m_engine;
    usize m_entry { 0 };
    u32 m_pixel_size { 0 };
    kit::LineMetrics m_line;
    bool m_refuse { false };
    usize m_calls { 0 };
};

/* How many pixels two images of one size differ in. */
inline usize differing_pixels(std::vector<u32> const& a, std::vector<u32> const& b)
{
    usize count = 0;
    for (usize index = 0; index < a.size() && index < b.size(); ++index)
        count += a[index] != b[index] ? 1 : 0;
    return count + (a.size() > b.size() ? a.size() - b.size() : b.size() - a.size());
}

/* A region of one box: what drawing everything in `box` takes. */
inline kit::Region whole_region(kit::Box box)
{
    kit::Region region;
    region.add(box);
    return region;
}

/* A list model of `count` rows named "Row N". */
class NumberedRows final : public kit::ListModel {
public:
    explicit NumberedRows(u32 count)
        : m_count(count)
    {
    }
    [[nodiscard]] u32 row_count() const override { return m_count; }
    [[nodiscard]] Utf8View row_text(u32 row) const override
    {
        usize length = 0;
        char digits[12];
        usize count = 0;
        do {
            digits[count++] = char('0' + row % 10);
            row /= 10;
        } while (row != 0);
        m_buffer[length++] = 'R';
        m_buffer[length++] = 'o';
        m_buffer[length++] = 'w';
        m_buffer[length++] = ' ';
        while (count > 0)
            m_buffer[length++] = digits[--count];
        return MUST(Utf8View::try_from(std::string_view(m_buffer, length)));
    }
    void set_count(u32 count) { m_count = count; }

private:
    u32 m_count { 0 };
    mutable char m_buffer[16] {};
};

}
