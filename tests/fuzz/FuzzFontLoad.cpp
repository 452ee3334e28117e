/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: font files fontd's loader and shaper (Engine.h: FreeType and HarfBuzz through
 * their ports) are handed. The first byte chooses what the font is:
 *
 *   - odd: the rest of the input, as it is (headers, table directories, anything);
 *   - even: Debian's DejaVu Sans, Noto Sans Arabic or Noto Sans Devanagari (bits 1-2) with the
 *     rest of the input applied as patches, 4 bytes each (a 24-bit offset into the file, then the
 *     byte written there), so FreeType's parsers, the bytecode interpreter and HarfBuzz's GSUB,
 *     GPOS, GDEF and cmap readers meet a real font damaged in a few places.
 *
 * The face is loaded, sized and asked for a few glyphs at two sizes, then a line of Latin, Arabic
 * and Devanagari is shaped with it and the shaped glyphs rendered by index. Every outcome is an
 * answer (a face, a run, face-unusable, out-of-memory, invalid-glyph); a crash, a hang or a write
 * outside the engine's memory is the bug this looks for. The engine's memory is a fixed 768 KiB:
 * exhausting it is an error too.
 */

#include <fontd/Engine.h>
#include "../services/FontFiles.h"
#include <string_view>
#include <vector>

using namespace vectra;

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    if (size == 0)
        return 0;
    static std::vector<u8> font;
    if (data[0] & 1) {
        font.assign(data + 1, data + size);
    } else {
        switch ((data[0] >> 1) & 3) {
        case 1:
            font = test::noto_sans_arabic();
            break;
        case 2:
            font = test::noto_sans_devanagari();
            break;
        default:
            font = test::dejavu_sans();
        }
        VERIFY(!font.empty());
        for (usize at = 1; at + 4 <= size; at += 4) {
            usize offset = (usize(data[at]) << 16 | usize(data[at + 1]) << 8 | data[at + 2]) % font.size();
            font[offset] = data[at + 3];
        }
    }
    static std::vector<u8> memory(768 * KiB);
    fontd::Engine engine(memory);
    VERIFY(!engine.start().is_error());
    VERIFY(!engine.add("fuzzed", font).is_error());
    auto loaded = engine.load(0);
    if (loaded.is_error()) {
        VERIFY(loaded.error().is(font::FontError::FaceUnusable) || loaded.error().is(ErrorCode::OutOfMemory));
        return 0;
    }
    for (u32 pixel_size : { 13u, 40u }) {
        if (engine.metrics(0, pixel_size).is_error())
            continue;
        for (u32 code_point : { u32('A'), u32('g'), u32(0xe9), u32(0x20ac), u32(0x10ffff) }) {
            auto glyph = engine.render(0, pixel_size, code_point);
            if (glyph.is_error())
                continue;
            auto const& rendered = glyph.value();
            u32 sum = 0;
            for (u32 row = 0; row < rendered.height; ++row)
                for (u32 column = 0; column < rendered.width; ++column)
                    sum += rendered.coverage[i64(row) * rendered.pitch + column]; /* ASan checks every byte is FreeType's */
            (void)sum;
        }
    }
    constexpr std::string_view lines[] = { "AV fi", "بيت مرحبا", "नमस्ते क्ष कि" };
    for (u32 pixel_size : { 13u, 40u }) {
        for (auto line : lines) {
            fontd::ShapedGlyph glyphs[font::maximum_shaped];
            auto text = std::span<u8 const>(reinterpret_cast<u8 const*>(line.data()), line.size());
            auto count = engine.shape(0, pixel_size, { text, {}, fontd::Direction::Guess, {} }, glyphs);
            if (count.is_error()) {
                VERIFY(count.error().is(font::FontError::FaceUnusable) || count.error().is(font::FontError::SizeOutOfBounds)
                    || count.error().is(ErrorCode::OutOfMemory) || count.error().is(font::FontError::TooManyGlyphs));
                continue;
            }
            for (usize index = 0; index < count.value(); ++index) {
                VERIFY(glyphs[index].cluster < line.size());
                auto glyph = engine.render_glyph(0, pixel_size, glyphs[index].glyph);
                if (!glyph.is_error())
                    VERIFY(glyph.value().glyph == glyphs[index].glyph);
            }
        }
    }
    VERIFY(engine.heap().in_use() <= memory.size());
    return 0;
}
