/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>

using namespace vectra;

TEST_CASE("Reticle retypes with the requested alignment, bump by bump")
{
    test::Arena arena(64 * KiB);
    Reticle& reticle = arena.reticle();
    auto first = reticle.try_retype(10, 8).value();
    auto second = reticle.try_retype(16, 64).value();
    REQUIRE(reinterpret_cast<uptr>(second) % 64 == 0);
    REQUIRE(reinterpret_cast<uptr>(second) >= reinterpret_cast<uptr>(first) + 10);
    REQUIRE(reticle.used() >= 26);
    REQUIRE(reticle.try_retype(0, 8).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(reticle.try_retype(8, 3).error().code() == ErrorCode::InvalidArgument);
}

TEST_CASE("Reticle exhaustion is an error value, and leaves the Reticle usable")
{
    test::Arena arena(8 * KiB);
    Reticle& reticle = arena.reticle();
    REQUIRE(reticle.try_retype(16 * KiB, 8).error().code() == ErrorCode::OutOfMemory);
    REQUIRE(reticle.try_retype(~usize(0), 8).error().code() == ErrorCode::OutOfMemory);
    REQUIRE(reticle.used() == 0);
    REQUIRE_FALSE(reticle.try_retype(8 * KiB, 8).is_error());
    REQUIRE(reticle.try_retype(1, 1).error().code() == ErrorCode::OutOfMemory);
}

TEST_CASE("carving a child Reticle takes its range from the parent")
{
    test::Arena arena(64 * KiB);
    Reticle& parent = arena.reticle();
    Reticle* child = parent.try_carve(16 * KiB).value();
    REQUIRE(child->size() == 16 * KiB);
    REQUIRE(child->base() % 4096 == 0);
    REQUIRE(parent.contains(child->base(), child->size()));
    REQUIRE(child->parent() == &parent);
    REQUIRE(parent.live_contents() == 1);
    REQUIRE(child->try_retype(16 * KiB, 8).value() == reinterpret_cast<void*>(child->base()));
    REQUIRE(child->try_retype(1, 1).error().code() == ErrorCode::OutOfMemory);
    REQUIRE(parent.try_carve(1 * MiB).error().code() == ErrorCode::OutOfMemory);
    REQUIRE(parent.live_contents() == 1);
    child->abandon();
}

TEST_CASE("a Reticle is reclaimed whole, and only once no child Reticle is alive")
{
    test::Arena arena(64 * KiB);
    Reticle& parent = arena.reticle();
    Reticle* child = parent.try_carve(8 * KiB).value();
    REQUIRE(parent.try_reclaim().error().code() == ErrorCode::Busy);
    REQUIRE_FALSE(child->try_reclaim().is_error());
    child->abandon();
    REQUIRE(parent.live_contents() == 0);
    REQUIRE_FALSE(parent.try_reclaim().is_error());
    REQUIRE(parent.used() == 0);
    REQUIRE(parent.available() == 64 * KiB);
}
