/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The screen the composition benchmarks compose (bench_surface, bench_hosted_window): a 1920 × 1080
 * XRGB8888 framebuffer, a full-screen wallpaper surface and two windows above it, each surface's
 * pixels a pattern that differs per row and column, so nothing is uniform.
 */

#pragma once

#include <cstring>
#include <vector>
#include <vectra/surface/Compose.h>

namespace vectra::bench {

inline constexpr u32 screen_width = 1920;
inline constexpr u32 screen_height = 1080;
inline constexpr u32 background = 0x00203040;

struct Pixels {
    Pixels(u32 width, u32 height, u32 seed)
        : width(width)
        , height(height)
        , bytes(usize(width) * height * 4)
    {
        for (u32 y = 0; y < height; ++y) {
            for (u32 x = 0; x < width; ++x) {
                u32 value = (x * 2654435761u) ^ (y * 40503u) ^ seed;
                memcpy(&bytes[(usize(y) * width + x) * 4], &value, 4);
            }
        }
    }
    u32 width;
    u32 height;
    std::vector<u8> bytes;
};

struct Desktop {
    Desktop()
        : framebuffer(usize(screen_width) * screen_height * 4)
        , wallpaper(screen_width, screen_height, 1)
        , editor(1000, 700, 2)
        , terminal(800, 600, 3)
    {
        layers[0] = { surface::Box::of(0, 0, screen_width, screen_height), wallpaper.bytes, screen_width * 4 };
        layers[1] = { surface::Box::of(100, 100, editor.width, editor.height), editor.bytes, editor.width * 4 };
        layers[2] = { surface::Box::of(600, 300, terminal.width, terminal.height), terminal.bytes, terminal.width * 4 };
    }

    surface::Target target() { return { framebuffer, screen_width, screen_height, screen_width * 4 }; }

    std::vector<u8> framebuffer;
    Pixels wallpaper;
    Pixels editor;
    Pixels terminal;
    surface::Layer layers[3];
};

}
