/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted platform's display (platforms/hosted src/Display.cpp, ADR 0014 §4 and its amendment
 * "the window's present"): the SDL window on a private Xvfb of exactly the window's size (ctest
 * runs this binary under xvfb-run), read back from the X server. A present sends its rectangle
 * and nothing else, and is on the screen when it returns; an expose — another client's window
 * mapped over the display and taken away — redraws the whole frame.
 */

#include "XScreen.h"
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>
#include <vectra/platform/Display.h>

using namespace vectra;

namespace {

constexpr u32 width = 320;
constexpr u32 height = 200;
constexpr u32 stride = width * 4;
constexpr Rectangle whole { 0, 0, width, height };

/* The framebuffer the window shows; the window thread reads it for the process's life. */
u8* framebuffer()
{
    static u8* s_framebuffer = [] {
        auto* bytes = new u8[usize(stride) * height] {};
        DisplayMode mode;
        mode.width = width;
        mode.height = height;
        mode.stride = stride;
        mode.format = PixelFormat::Xrgb8888;
        auto started = platform::display_start(bytes, mode);
        if (started.is_error())
            FAIL(started.error().message());
        return bytes;
    }();
    return s_framebuffer;
}

void fill(u8* bytes, u32 seed)
{
    for (u32 y = 0; y < height; ++y) {
        for (u32 x = 0; x < width; ++x) {
            u32 value = ((x * 2654435761u) ^ (y * 40503u) ^ seed) & 0xffffff;
            memcpy(bytes + usize(y) * stride + usize(x) * 4, &value, 4);
        }
    }
}

}

TEST_CASE("a present shows its rectangle when it returns, and nothing outside it", "[platform][hosted][display]")
{
    u8* shown = framebuffer();
    fill(shown, 1);
    platform::display_present(whole);
    CHECK(test::screen_differs(shown, stride, whole).empty());

    std::vector<u8> before(shown, shown + usize(stride) * height);
    fill(shown, 2);
    Rectangle damage { 10, 20, 30, 40 };
    platform::display_present(damage);
    CHECK(test::screen_differs(shown, stride, damage).empty());
    /* Every pixel outside the rectangle still shows the frame before it. */
    CHECK(test::screen_differs(before.data(), stride, { 0, 0, width, damage.y }).empty());
    CHECK(test::screen_differs(before.data(), stride, { 0, damage.y, damage.x, damage.height }).empty());
    CHECK(test::screen_differs(before.data(), stride, { damage.x + damage.width, damage.y,
        width - damage.x - damage.width, damage.height }).empty());
    CHECK(test::screen_differs(before.data(), stride, { 0, damage.y + damage.height, width,
        height - damage.y - damage.height }).empty());
    CHECK_FALSE(test::screen_differs(shown, stride, whole).empty());

    /* A one-pixel present at the far corner. */
    Rectangle corner { width - 1, height - 1, 1, 1 };
    platform::display_present(corner);
    CHECK(test::screen_differs(shown, stride, corner).empty());
}

TEST_CASE("a window uncovered by another client's shows the whole frame again", "[platform][hosted][display]")
{
    u8* shown = framebuffer();
    fill(shown, 3);
    platform::display_present(whole);
    REQUIRE(test::screen_differs(shown, stride, whole).empty());

    /* The frame changes without a present: only an expose can bring the new pixels to the screen. */
    fill(shown, 4);
    REQUIRE(test::cover_and_uncover(whole, 0x00ff00).empty());
    /* The window thread pumps its events every 16 ms; allow a loaded machine 2 s. */
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    std::string problem = test::screen_differs(shown, stride, whole);
    while (!problem.empty() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        problem = test::screen_differs(shown, stride, whole);
    }
    INFO(problem);
    CHECK(problem.empty());
}
