/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted window's present (issue 13's composition goal on hosted; platforms/hosted
 * src/Display.cpp, ADR 0014's amendment "the window's present"): what a frame costs end to end on
 * hosted once compositord has composed it — the platform's own display_present, through its
 * window thread, SDL and the X server. `./vectra bench` runs this binary on a private Xvfb of
 * 1920 × 1080 (bench.py's WINDOW_BINARIES); the window is the screen's size, so it sits at the
 * root window's origin. Real time throughout: the window thread and the X server do the work.
 *
 * - present_full_frame: the three-surface desktop of bench_surface (SurfaceDesktop.h) composed
 *   whole and presented whole, every frame (frames per second; the goal, ≥ 60, is on ours)
 *   against the same composition without the present.
 * - present_one_character: one typed character's damage (an 8 × 16 box, its pixels changed every
 *   frame) presented, against the whole frame presented (no composition on either side).
 *
 * After each timed loop the window's pixels are read back from the X server (XGetImage of the
 * root window) and compared with the framebuffer: a present that did not reach the screen fails
 * the benchmark.
 */

#include "../platforms/XScreen.h"
#include "SurfaceDesktop.h"
#include <benchmark/benchmark.h>
#include <string>
#include <vectra/platform/Display.h>

using namespace vectra;
using namespace vectra::bench;
using namespace vectra::surface;

namespace {

constexpr Rectangle whole { 0, 0, screen_width, screen_height };
/* The next cell of a terminal line: 8 × 16 pixels inside the top window (as compose_one_character). */
constexpr Rectangle character { 600 + 8 * 20, 300 + 16 * 5, 8, 16 };

struct Window {
    Desktop* desktop { nullptr };
    std::string problem;
};

/* The window, started once for the process; its framebuffer lives as long as the window thread. */
Window& window()
{
    static Window s_window = [] {
        Window started;
        started.desktop = new Desktop;
        DisplayMode mode;
        mode.width = screen_width;
        mode.height = screen_height;
        mode.stride = screen_width * 4;
        mode.format = PixelFormat::Xrgb8888;
        auto result = platform::display_start(started.desktop->framebuffer.data(), mode);
        if (result.is_error())
            started.problem = result.error().message();
        return started;
    }();
    return s_window;
}

bool started(benchmark::State& state)
{
    if (!window().problem.empty()) {
        state.SkipWithError(window().problem.c_str());
        return false;
    }
    return true;
}

void check_screen(benchmark::State& state, Rectangle const& area)
{
    static std::string s_problem;
    s_problem = test::screen_differs(window().desktop->framebuffer.data(), screen_width * 4, area);
    if (!s_problem.empty())
        state.SkipWithError(s_problem.c_str());
}

void compose_whole(Desktop& desktop, u64& pixels)
{
    Region damage;
    damage.add(Box::of(0, 0, screen_width, screen_height));
    pixels += compose(desktop.target(), background, desktop.layers, damage).pixels;
    benchmark::DoNotOptimize(desktop.framebuffer.data());
    benchmark::ClobberMemory();
}

void composed_whole(benchmark::State& state, u64 pixels)
{
    if (pixels != u64(state.iterations()) * screen_width * screen_height)
        state.SkipWithError("a full-frame composition did not write every pixel once");
}

void present_full_frame(benchmark::State& state)
{
    if (!started(state))
        return;
    Desktop& desktop = *window().desktop;
    u64 pixels = 0;
    for (auto _ : state) {
        compose_whole(desktop, pixels);
        platform::display_present(whole);
    }
    composed_whole(state, pixels);
    check_screen(state, whole);
    state.SetItemsProcessed(i64(state.iterations()));
}

void compose_full_frame_alone(benchmark::State& state)
{
    if (!started(state))
        return;
    Desktop& desktop = *window().desktop;
    u64 pixels = 0;
    for (auto _ : state)
        compose_whole(desktop, pixels);
    composed_whole(state, pixels);
    state.SetItemsProcessed(i64(state.iterations()));
}

/* A new value in the character's box every frame, so each present carries changed pixels. */
void change_character(Desktop& desktop, u32 frame)
{
    for (u32 y = 0; y < character.height; ++y) {
        for (u32 x = 0; x < character.width; ++x) {
            u32 value = (frame * 2654435761u) ^ (x << 8) ^ y;
            memcpy(&desktop.framebuffer[(usize(character.y + y) * screen_width + character.x + x) * 4], &value, 4);
        }
    }
}

/* The character's box changed every frame and `area` presented (the box, or the whole frame around it). */
void present_changed_character(benchmark::State& state, Rectangle const& area)
{
    if (!started(state))
        return;
    Desktop& desktop = *window().desktop;
    u32 frame = 0;
    for (auto _ : state) {
        change_character(desktop, ++frame);
        platform::display_present(area);
    }
    check_screen(state, area);
    state.SetItemsProcessed(i64(state.iterations()));
}

void present_one_character(benchmark::State& state)
{
    present_changed_character(state, character);
}

void present_whole_frame(benchmark::State& state)
{
    present_changed_character(state, whole);
}

}

BENCHMARK(present_full_frame)->Name("BM_present_full_frame/ours")->UseRealTime();
BENCHMARK(compose_full_frame_alone)->Name("BM_present_full_frame/baseline_compose")->UseRealTime();
BENCHMARK(present_one_character)->Name("BM_present_one_character/ours")->UseRealTime();
BENCHMARK(present_whole_frame)->Name("BM_present_one_character/baseline_whole_frame")->UseRealTime();
