/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Composition (issue 13's performance goals; core/surface `compose`, what compositord runs for
 * every frame): a 1920 × 1080 screen holding a full-screen wallpaper surface and two windows
 * above it, composed where damaged.
 *
 * - compose_full_frame: the whole screen damaged every frame (frames per second; the goal, ≥ 60,
 *   is on ours) against one memcpy of a full frame — the floor any compositor writing every pixel
 *   once stands on.
 * - compose_one_character: the damage of one typed character (an 8 × 16 box inside the top
 *   window) against the full frame above; the goal is that it costs under 1 % of a full frame.
 */

#include "SurfaceDesktop.h"
#include <benchmark/benchmark.h>
#include <cstring>

using namespace vectra;
using namespace vectra::bench;
using namespace vectra::surface;

namespace {

void compose_full_frame(benchmark::State& state)
{
    Desktop desktop;
    Region damage;
    damage.add(Box::of(0, 0, screen_width, screen_height));
    u64 pixels = 0;
    for (auto _ : state) {
        auto composed = compose(desktop.target(), background, desktop.layers, damage);
        pixels += composed.pixels;
        benchmark::DoNotOptimize(desktop.framebuffer.data());
        benchmark::ClobberMemory();
    }
    if (pixels != u64(state.iterations()) * screen_width * screen_height)
        state.SkipWithError("a full-frame composition did not write every pixel once");
    state.SetItemsProcessed(i64(state.iterations()));
}

void copy_full_frame(benchmark::State& state)
{
    Desktop desktop;
    for (auto _ : state) {
        memcpy(desktop.framebuffer.data(), desktop.wallpaper.bytes.data(), desktop.framebuffer.size());
        benchmark::DoNotOptimize(desktop.framebuffer.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(i64(state.iterations()));
}

void compose_one_character(benchmark::State& state)
{
    Desktop desktop;
    /* The next cell of a terminal line: 8 × 16 pixels inside the top window. */
    Region damage;
    damage.add(Box::of(600 + 8 * 20, 300 + 16 * 5, 8, 16));
    u64 pixels = 0;
    for (auto _ : state) {
        auto composed = compose(desktop.target(), background, desktop.layers, damage);
        pixels += composed.copied;
        benchmark::DoNotOptimize(desktop.framebuffer.data());
        benchmark::ClobberMemory();
    }
    if (pixels != u64(state.iterations()) * 8 * 16)
        state.SkipWithError("a one-character composition did not copy exactly its 128 pixels");
    state.SetItemsProcessed(i64(state.iterations()));
}

}

BENCHMARK(compose_full_frame)->Name("BM_compose_full_frame/ours");
BENCHMARK(copy_full_frame)->Name("BM_compose_full_frame/baseline_memcpy");
BENCHMARK(compose_one_character)->Name("BM_compose_one_character/ours");
BENCHMARK(compose_full_frame)->Name("BM_compose_one_character/baseline_full_frame");
