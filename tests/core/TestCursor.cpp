/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The pointer's arrow (vectra/surface/Cursor.h): its shape (outline, body, transparent corners),
 * drawn only inside the damage given, and clipped at every edge of the screen without a byte
 * written past the framebuffer.
 */

#include <catch2/catch.hpp>
#include <cstring>
#include <vector>
#include <vectra/surface/Cursor.h>

using namespace vectra;
using namespace vectra::surface;

namespace {

constexpr u32 width = 40, height = 30, fill = 0x5a5a5a;

struct Screen {
    std::vector<u8> bytes = std::vector<u8>(width * height * 4 + 64, 0x77);
    Screen()
    {
        for (u32 at = 0; at < width * height; ++at)
            memcpy(bytes.data() + at * 4, &fill, 4);
    }
    Target target() { return { std::span<u8>(bytes).first(width * height * 4), width, height, width * 4 }; }
    u32 at(u32 x, u32 y) const
    {
        u32 value;
        memcpy(&value, bytes.data() + (y * width + x) * 4, 4);
        return value;
    }
    bool guard_intact() const
    {
        for (usize at = width * height * 4; at < bytes.size(); ++at)
            if (bytes[at] != 0x77)
                return false;
        return true;
    }
};

Region whole_screen()
{
    Region region;
    region.add(Box::of(0, 0, width, height));
    return region;
}

}

TEST_CASE("the arrow has its tip at the position, a black outline, a white body and transparent corners")
{
    Screen screen;
    u64 written = draw_cursor(screen.target(), 5, 3, whole_screen());
    CHECK(screen.at(5, 3) == cursor_outline); /* the tip */
    CHECK(screen.at(6, 5) == cursor_body); /* inside */
    CHECK(screen.at(16, 3) == fill); /* the top right corner of its box is transparent */
    CHECK(screen.at(5, 3 + cursor_height - 1) == fill); /* so is the bottom left */
    CHECK(screen.at(4, 3) == fill); /* nothing left of the box */
    CHECK(written > 100);
    CHECK(written < u64(cursor_width) * cursor_height);
    CHECK(screen.guard_intact());
}

TEST_CASE("the arrow is drawn only inside the damage")
{
    Screen screen;
    Region top;
    top.add(Box::of(0, 0, width, 8));
    u64 written = draw_cursor(screen.target(), 5, 3, top);
    CHECK(written > 0);
    CHECK(screen.at(5, 7) == cursor_outline);
    for (u32 y = 8; y < height; ++y)
        for (u32 x = 0; x < width; ++x)
            REQUIRE(screen.at(x, y) == fill);
    Screen untouched;
    CHECK(draw_cursor(untouched.target(), 5, 3, Region()) == 0);
    CHECK(untouched.at(5, 3) == fill);
}

TEST_CASE("the arrow is clipped at every edge of the screen")
{
    for (auto [x, y] : { std::pair { -6, -9 }, std::pair { i32(width) - 3, i32(height) - 4 }, std::pair { -100, 5 },
             std::pair { 5, i32(height) + 100 }, std::pair { -2147483600, 2147483600 } }) {
        Screen screen;
        u64 written = draw_cursor(screen.target(), x, y, whole_screen());
        CHECK(written <= u64(cursor_width) * cursor_height);
        CHECK(screen.guard_intact());
    }
    Screen corner;
    CHECK(draw_cursor(corner.target(), i32(width) - 1, i32(height) - 1, whole_screen()) == 1); /* only the tip shows */
    CHECK(corner.at(width - 1, height - 1) == cursor_outline);
}
