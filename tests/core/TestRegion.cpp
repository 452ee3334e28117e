/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Boxes and regions (vectra/surface/Region.h): subtraction into disjoint pieces, a region's boxes
 * kept disjoint so its area is exact, against a pixel-set model over random adds; clipping; and a
 * flood of boxes coalescing into a bounding box that still covers everything added.
 */

#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <vectra/surface/Region.h>

using namespace vectra;
using namespace vectra::surface;

namespace {

using Pixels = std::set<std::pair<i32, i32>>;

void add_pixels(Pixels& pixels, Box const& box)
{
    for (i32 y = box.top; y < box.bottom; ++y)
        for (i32 x = box.left; x < box.right; ++x)
            pixels.insert({ x, y });
}

bool disjoint(Region const& region)
{
    auto boxes = region.boxes();
    for (usize first = 0; first < boxes.size(); ++first)
        for (usize second = first + 1; second < boxes.size(); ++second)
            if (!boxes[first].intersected(boxes[second]).is_empty())
                return false;
    return true;
}

Box random_box(std::mt19937& random, i32 extent)
{
    std::uniform_int_distribution<i32> coordinate(-8, extent);
    std::uniform_int_distribution<u32> size(1, u32(extent / 3));
    return Box::of(coordinate(random), coordinate(random), size(random), size(random));
}

}

TEST_CASE("intersection, union and subtraction of boxes")
{
    Box a = Box::of(0, 0, 10, 10);
    Box b = Box::of(5, 5, 10, 10);
    CHECK(a.intersected(b) == Box { 5, 5, 10, 10 });
    CHECK(a.intersected(Box::of(20, 20, 1, 1)).is_empty());
    CHECK(a.united(b) == Box { 0, 0, 15, 15 });
    CHECK(a.united(Box {}) == a);
    Box pieces[4];
    usize count = subtract(a, b, pieces);
    u64 area = 0;
    for (usize index = 0; index < count; ++index) {
        area += pieces[index].area();
        CHECK(pieces[index].intersected(b).is_empty());
        CHECK(a.contains(pieces[index]));
    }
    CHECK(area == 100 - 25);
    /* A hole in the middle leaves four pieces; a box covering everything leaves none. */
    CHECK(subtract(a, Box::of(3, 3, 2, 2), pieces) == 4);
    CHECK(subtract(a, Box::of(-1, -1, 20, 20), pieces) == 0);
    CHECK(subtract(a, Box::of(30, 30, 2, 2), pieces) == 1);
}

TEST_CASE("a region's boxes stay disjoint and cover exactly the pixels added (random adds, pixel model)")
{
    std::mt19937 random(41);
    for (int round = 0; round < 200; ++round) {
        Region region;
        Pixels model;
        int adds = 1 + int(random() % 6);
        for (int add = 0; add < adds; ++add) {
            Box box = random_box(random, 40);
            region.add(box);
            add_pixels(model, box);
        }
        REQUIRE(disjoint(region));
        if (region.coalesced())
            continue; /* then it covers more: checked in the flood case */
        REQUIRE(region.area() == model.size());
        for (auto const& [x, y] : model)
            REQUIRE(region.contains(x, y));
    }
}

TEST_CASE("clipping keeps only what lies inside the bounds")
{
    Region region;
    region.add(Box::of(-10, -10, 30, 30));
    region.add(Box::of(90, 90, 30, 30));
    region.clip(Box::of(0, 0, 100, 100));
    CHECK(region.area() == 20 * 20 + 10 * 10);
    CHECK_FALSE(region.contains(-1, 5));
    CHECK(region.contains(0, 0));
    CHECK(region.contains(99, 99));
    region.clip(Box::of(200, 200, 5, 5));
    CHECK(region.is_empty());
}

TEST_CASE("a flood of damage coalesces into a bounded region that still covers everything added")
{
    Region region;
    Pixels model;
    /* A checkerboard of one-pixel boxes: no two merge, so the region must give up exactness. */
    for (i32 y = 0; y < 40; y += 2) {
        for (i32 x = 0; x < 40; x += 2) {
            Box box = Box::of(x + (y / 2) % 2, y, 1, 1);
            region.add(box);
            add_pixels(model, box);
            REQUIRE(region.boxes().size() <= Region::maximum_boxes);
        }
    }
    CHECK(region.coalesced());
    REQUIRE(disjoint(region));
    for (auto const& [x, y] : model)
        REQUIRE(region.contains(x, y));
    CHECK(region.bounds() == Box { 0, 0, 40, 39 });
    region.clear();
    CHECK(region.is_empty());
    CHECK_FALSE(region.coalesced());
}

TEST_CASE("empty boxes add nothing")
{
    Region region;
    region.add(Box {});
    region.add(Box::of(5, 5, 0, 10));
    region.add(Box { 10, 10, 5, 5 });
    CHECK(region.is_empty());
    CHECK(region.area() == 0);
}
