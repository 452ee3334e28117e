/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Described types the encoding tests and fuzz targets share: one of every supported kind.
 */

#pragma once

#include <array>
#include <optional>
#include <span>
#include <vectra/BoundedVector.h>
#include <vectra/FixedString.h>
#include <vectra/Utf8String.h>
#include <vectra/encoding/Describe.h>

namespace vectra::samples {

struct Point {
    i32 x { 0 };
    i32 y { 0 };

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("x", &Point::x), vectra::field("y", &Point::y));
    }
};

struct Everything {
    static constexpr u16 version = 3;

    bool flag { false };
    u8 tiny { 0 };
    u16 small { 0 };
    u32 medium { 0 };
    u64 large { 0 };
    i8 signed_tiny { 0 };
    i16 signed_small { 0 };
    i32 signed_medium { 0 };
    i64 signed_large { 0 };
    FixedString<16> name;
    Utf8String<32> title;
    std::array<u16, 3> triple {};
    BoundedVector<Point, 4> points;
    std::optional<i32> maybe;
    std::optional<Point> where;
    Point origin;

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("flag", &Everything::flag), vectra::field("tiny", &Everything::tiny),
            vectra::field("small", &Everything::small), vectra::field("medium", &Everything::medium),
            vectra::field("large", &Everything::large), vectra::field("signed_tiny", &Everything::signed_tiny),
            vectra::field("signed_small", &Everything::signed_small),
            vectra::field("signed_medium", &Everything::signed_medium),
            vectra::field("signed_large", &Everything::signed_large), vectra::field("name", &Everything::name),
            vectra::field("title", &Everything::title), vectra::field("triple", &Everything::triple),
            vectra::field("points", &Everything::points), vectra::field("maybe", &Everything::maybe),
            vectra::field("where", &Everything::where), vectra::field("origin", &Everything::origin));
    }
};

/* Nests to any depth: for the depth limits. */
struct Nest {
    BoundedVector<BoundedVector<BoundedVector<BoundedVector<u8, 2>, 2>, 2>, 2> levels;
    std::optional<Point> leaf;

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("levels", &Nest::levels), vectra::field("leaf", &Nest::leaf));
    }
};

}
