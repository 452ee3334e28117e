/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Damage-limited composition (vectra/surface/Compose.h) against a reference model: random scenes
 * of overlapping, partly off-screen surfaces, each with its own pattern and stride, composed
 * naively pixel by pixel over the whole screen. Inside the damage every pixel must equal the
 * reference; outside it the framebuffer must be untouched; the counts must match the damage.
 */

#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <vector>
#include <vectra/surface/Compose.h>

using namespace vectra;
using namespace vectra::surface;

namespace {

constexpr u32 background = 0x203040;
constexpr u32 untouched = 0xdeadbeef;

struct Scene {
    u32 width { 0 };
    u32 height { 0 };
    std::vector<std::vector<u8>> buffers;
    std::vector<Layer> layers;
};

u32 pixel_of(Layer const& layer, i32 x, i32 y)
{
    u32 value;
    memcpy(&value, layer.pixels.data() + usize(y - layer.frame.top) * layer.stride + usize(x - layer.frame.left) * 4, 4);
    return value;
}

/* The naive whole-screen composition: every pixel takes the topmost layer holding it. */
u32 reference(Scene const& scene, i32 x, i32 y)
{
    for (usize index = scene.layers.size(); index-- > 0;) {
        auto const& layer = scene.layers[index];
        if (x >= layer.frame.left && x < layer.frame.right && y >= layer.frame.top && y < layer.frame.bottom)
            return pixel_of(layer, x, y);
    }
    return background;
}

bool is_covered(Scene const& scene, i32 x, i32 y)
{
    for (auto const& layer : scene.layers) {
        if (x >= layer.frame.left && x < layer.frame.right && y >= layer.frame.top && y < layer.frame.bottom)
            return true;
    }
    return false;
}

Scene random_scene(std::mt19937& random)
{
    Scene scene;
    scene.width = 16 + random() % 80;
    scene.height = 16 + random() % 60;
    usize count = random() % 6;
    scene.buffers.resize(count);
    for (usize index = 0; index < count; ++index) {
        u32 width = 1 + random() % scene.width;
        u32 height = 1 + random() % scene.height;
        u32 stride = width * 4 + 4 * (random() % 3);
        auto& buffer = scene.buffers[index];
        buffer.resize(bytes_needed(width, height, stride));
        for (usize byte = 0; byte < buffer.size(); byte += 4) {
            u32 value = u32((index + 1) << 20) | u32(byte / 4);
            memcpy(buffer.data() + byte, &value, 4);
        }
        i32 x = i32(random() % (scene.width + 20)) - 10;
        i32 y = i32(random() % (scene.height + 20)) - 10;
        scene.layers.push_back({ Box::of(x, y, width, height), buffer, stride });
    }
    return scene;
}

}

TEST_CASE("composition inside random damage equals the naive reference and leaves the rest untouched")
{
    std::mt19937 random(7);
    for (int round = 0; round < 300; ++round) {
        Scene scene = random_scene(random);
        u32 stride = scene.width * 4 + 8;
        std::vector<u8> framebuffer(usize(stride) * scene.height);
        for (usize byte = 0; byte < framebuffer.size(); byte += 4)
            memcpy(framebuffer.data() + byte, &untouched, 4);
        Target target { framebuffer, scene.width, scene.height, stride };
        Region damage;
        usize boxes = 1 + random() % 5;
        for (usize index = 0; index < boxes; ++index) {
            i32 x = i32(random() % (scene.width + 10)) - 5;
            i32 y = i32(random() % (scene.height + 10)) - 5;
            damage.add(Box::of(x, y, 1 + random() % scene.width, 1 + random() % scene.height));
        }
        Region on_screen = damage;
        on_screen.clip(target.screen());
        auto composed = compose(target, background, scene.layers, damage);
        REQUIRE(composed.pixels == on_screen.area());
        u64 copied = 0;
        for (u32 y = 0; y < scene.height; ++y) {
            for (u32 x = 0; x < scene.width; ++x) {
                u32 value;
                memcpy(&value, framebuffer.data() + usize(y) * stride + usize(x) * 4, 4);
                if (on_screen.contains(i32(x), i32(y))) {
                    u32 expected = reference(scene, i32(x), i32(y));
                    INFO("round " << round << " pixel " << x << "," << y);
                    REQUIRE(value == expected);
                    copied += is_covered(scene, i32(x), i32(y)) ? 1 : 0;
                } else {
                    REQUIRE(value == untouched);
                }
            }
            /* The bytes between a row's end and the stride are never written. */
            for (u32 pad = scene.width * 4; pad < stride; pad += 4) {
                u32 value;
                memcpy(&value, framebuffer.data() + usize(y) * stride + pad, 4);
                REQUIRE(value == untouched);
            }
        }
        REQUIRE(composed.copied == copied);
    }
}

TEST_CASE("a one-character damage composes its own pixels only; a full one the whole screen")
{
    constexpr u32 width = 1920, height = 1080;
    std::vector<u8> framebuffer(usize(width) * height * 4);
    std::vector<u8> surface_pixels(usize(width) * height * 4, 0x11);
    Layer layer { Box::of(0, 0, width, height), surface_pixels, width * 4 };
    Target target { framebuffer, width, height, width * 4 };
    Region character;
    character.add(Box::of(100, 100, 8, 16));
    auto small = compose(target, background, std::span<Layer const>(&layer, 1), character);
    Region full;
    full.add(target.screen());
    auto whole = compose(target, background, std::span<Layer const>(&layer, 1), full);
    CHECK(small.pixels == 8 * 16);
    CHECK(whole.pixels == u64(width) * height);
    CHECK(double(small.pixels) / double(whole.pixels) < 0.01);
}

TEST_CASE("a layer whose pixels are fewer than its frame needs is skipped, never read past")
{
    std::vector<u8> framebuffer(16 * 16 * 4);
    std::vector<u8> short_pixels(10 * 4, 0x55);
    Layer layer { Box::of(0, 0, 16, 16), short_pixels, 16 * 4 };
    Target target { framebuffer, 16, 16, 16 * 4 };
    Region damage;
    damage.add(target.screen());
    auto composed = compose(target, background, std::span<Layer const>(&layer, 1), damage);
    CHECK(composed.copied == 0);
    u32 value;
    memcpy(&value, framebuffer.data(), 4);
    CHECK(value == background);
    /* A target smaller than it claims composes nothing. */
    Target lying { std::span<u8>(framebuffer).first(100), 16, 16, 16 * 4 };
    CHECK(compose(lying, background, {}, damage).pixels == 0);
}
