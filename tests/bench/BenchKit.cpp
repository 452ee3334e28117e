/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * VectraKit layout and drawing of a 245-widget tree (ADR 0046): a row of 4 columns, each of 10
 * rows holding a label, a button, a text field, a disabled button and a label — 200 leaf
 * widgets — on a 1920 × 1080 canvas, DejaVu Sans 14 px from fontd's FreeType engine, every glyph
 * rendered once before timing (as FontdGlyphs keeps fontd's answers):
 *
 *   BM_kit_layout_draw/ours                 layout of the whole tree (preferred sizes, boxes)
 *                                           and drawing all of it
 *   BM_kit_layout_draw/baseline_draw_only   drawing the same laid-out tree, no layout
 *
 * Items are trees (frames); the ratio is what layout adds to a full redraw. Numbers only.
 */

#include "../services/FontFiles.h"
#include <benchmark/benchmark.h>
#include <fontd/Engine.h>
#include <vector>
#include <vectra/kit/Canvas.h>
#include <vectra/kit/Tree.h>

using namespace vectra;
using kit::Kind;

namespace {

constexpr u32 canvas_width = 1920;
constexpr u32 canvas_height = 1080;

/* Every glyph rendered once by fontd's engine, then answered from copies. */
class RenderedGlyphs final : public kit::GlyphSource {
public:
    RenderedGlyphs()
        : m_memory(512 * KiB)
        , m_engine(m_memory)
    {
        MUST(m_engine.start());
        MUST(m_engine.add(std::string_view("DejaVu Sans"), test::dejavu_sans()));
        auto entry = MUST(m_engine.find(std::span<u8 const>(reinterpret_cast<u8 const*>("DejaVu Sans"), 11)));
        (void)MUST(m_engine.load(entry));
        auto size = MUST(m_engine.metrics(entry, 14));
        m_line = kit::whole_pixels(size.ascender, size.descender, size.line_height);
        for (u32 code_point = 0; code_point < 128; ++code_point) {
            auto rendered = MUST(m_engine.render(entry, 14, code_point));
            auto& glyph = m_glyphs[code_point];
            glyph.coverage.resize(usize(rendered.height) * rendered.width);
            for (u32 row = 0; row < rendered.height; ++row)
                for (u32 column = 0; column < rendered.width; ++column)
                    glyph.coverage[row * rendered.width + column] = rendered.coverage[row * rendered.pitch + column];
            glyph.image = { rendered.width, rendered.height, rendered.width, glyph.coverage.data(), rendered.left,
                rendered.top, rendered.advance };
        }
    }

    [[nodiscard]] kit::LineMetrics line_metrics() const override { return m_line; }
    [[nodiscard]] ErrorOr<kit::GlyphImage> glyph(u32 code_point) override
    {
        return m_glyphs[code_point < 128 ? code_point : '?'].image;
    }

private:
    struct Copy {
        std::vector<u8> coverage;
        kit::GlyphImage image;
    };
    std::vector<u8> m_memory;
    fontd::Engine m_engine;
    kit::LineMetrics m_line;
    Copy m_glyphs[128];
};

kit::Canvas make_canvas(std::vector<u32>& pixels)
{
    return MUST(kit::Canvas::try_create(pixels, canvas_width, canvas_height, canvas_width));
}

struct Bench {
    RenderedGlyphs glyphs;
    kit::TreeStorage<256> storage;
    kit::Tree tree { storage.columns() };
    std::vector<u32> pixels = std::vector<u32>(canvas_width * canvas_height);
    kit::Canvas canvas = make_canvas(pixels);
    kit::Region all;

    Bench()
    {
        auto root = MUST(tree.add({}, Kind::Row));
        MUST(tree.set_layout(root, { 12, 16 }));
        for (u32 column = 0; column < 4; ++column) {
            auto stack = MUST(tree.add(root, Kind::Column));
            MUST(tree.set_layout(stack, { 0, 8, 1 }));
            for (u32 row = 0; row < 10; ++row) {
                auto line = MUST(tree.add(stack, Kind::Row));
                MUST(tree.set_layout(line, { 0, 6, 0, 0, 0, kit::Align::Fill }));
                MUST(tree.add(line, Kind::Label, "Setting"));
                MUST(tree.add(line, Kind::Button, "Change"));
                auto field = MUST(tree.add(line, Kind::TextField, "value 42"));
                MUST(tree.set_layout(field, { 4, 0, 1, 120 }));
                auto off = MUST(tree.add(line, Kind::Button, "Off"));
                MUST(tree.set_disabled(off, true));
                MUST(tree.add(line, Kind::Label, "ok"));
            }
        }
        VERIFY(tree.size() == 245);
        all.add(kit::Box::of(0, 0, canvas_width, canvas_height));
        MUST(tree.layout(glyphs, kit::Box::of(0, 0, canvas_width, canvas_height)));
    }
};

void layout_draw_ours(benchmark::State& state)
{
    Bench bench;
    for (auto _ : state) {
        MUST(bench.tree.layout(bench.glyphs, kit::Box::of(0, 0, canvas_width, canvas_height)));
        MUST(bench.tree.draw(bench.canvas, bench.glyphs, bench.all));
        benchmark::DoNotOptimize(bench.pixels.data());
    }
    state.SetItemsProcessed(state.iterations());
}

void layout_draw_baseline(benchmark::State& state)
{
    Bench bench;
    for (auto _ : state) {
        MUST(bench.tree.draw(bench.canvas, bench.glyphs, bench.all));
        benchmark::DoNotOptimize(bench.pixels.data());
    }
    state.SetItemsProcessed(state.iterations());
}

}

BENCHMARK(layout_draw_ours)->Name("BM_kit_layout_draw/ours");
BENCHMARK(layout_draw_baseline)->Name("BM_kit_layout_draw/baseline_draw_only");
