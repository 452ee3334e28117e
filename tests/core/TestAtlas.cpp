/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/font's ShelfPacker: placements never overlap (gaps kept), never leave the atlas, grow the
 * last shelf, open a new shelf when a row is full, and refuse what no longer fits.
 */

#include <catch2/catch.hpp>
#include <random>
#include <vector>
#include <vectra/font/Atlas.h>

using namespace vectra;
using namespace vectra::font;

namespace {

struct Box {
    u32 x, y, width, height;
};

bool apart(Box const& a, Box const& b)
{
    return a.x + a.width + 1 <= b.x || b.x + b.width + 1 <= a.x || a.y + a.height + 1 <= b.y || b.y + b.height + 1 <= a.y;
}

}

TEST_CASE("glyphs fill a shelf left to right and the next shelf below the tallest", "[font]")
{
    ShelfPacker packer(32, 32);
    auto first = packer.place(10, 5);
    auto second = packer.place(10, 8);
    REQUIRE((first && first->x == 0 && first->y == 0));
    REQUIRE((second && second->x == 11 && second->y == 0));
    REQUIRE(packer.rows_used() == 8);
    auto third = packer.place(11, 3); /* 22 + 11 > 32: a new shelf below the 8-row one */
    REQUIRE((third && third->x == 0 && third->y == 9));
    REQUIRE(packer.rows_used() == 12);
    auto blank = packer.place(0, 0);
    REQUIRE((blank && blank->x == 0 && blank->y == 0));
    REQUIRE(packer.rows_used() == 12);
}

TEST_CASE("what does not fit is refused and leaves the packer as it was", "[font]")
{
    ShelfPacker packer(16, 16);
    REQUIRE_FALSE(packer.place(17, 1));
    REQUIRE_FALSE(packer.place(1, 17));
    REQUIRE(packer.place(16, 10));
    REQUIRE_FALSE(packer.place(4, 6)); /* a new shelf would start at row 11: 11 + 6 > 16 */
    REQUIRE(packer.rows_used() == 10);
    auto fits = packer.place(4, 5);
    REQUIRE((fits && fits->y == 11));
    packer.clear();
    REQUIRE(packer.rows_used() == 0);
    REQUIRE(packer.place(16, 16));
}

TEST_CASE("random glyph sizes never overlap and never leave the atlas", "[font]")
{
    std::mt19937 random(43);
    for (int round = 0; round < 50; ++round) {
        ShelfPacker packer(128, 96);
        std::vector<Box> placed;
        for (int glyph = 0; glyph < 400; ++glyph) {
            u32 width = random() % 40, height = random() % 40;
            auto placement = packer.place(width, height);
            if (!placement || width == 0 || height == 0)
                continue;
            Box box { placement->x, placement->y, width, height };
            REQUIRE(box.x + box.width <= 128);
            REQUIRE(box.y + box.height <= 96);
            for (auto const& other : placed)
                REQUIRE(apart(box, other));
            placed.push_back(box);
        }
        REQUIRE(placed.size() > 5);
    }
}
