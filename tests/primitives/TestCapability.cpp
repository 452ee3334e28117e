/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <type_traits>
#include <vectra/Capability.h>
#include <vectra/Ring.h>

using namespace vectra;

static_assert(!std::is_copy_constructible_v<RingCap>, "capabilities are move-only");
static_assert(!std::is_convertible_v<RingCap, ReticleCap>, "capability classes do not convert");
static_assert(!std::is_constructible_v<ReticleCap, RingCap&&>, "capability classes do not convert");

TEST_CASE("a capability checks its rights on use")
{
    test::Arena arena(64 * KiB);
    ReticleCap capability(&arena.reticle(), RightRetype);
    REQUIRE(capability.object_with(RightRetype).value() == &arena.reticle());
    REQUIRE(capability.object_with(RightGrant).error().code() == ErrorCode::MissingRight);
    REQUIRE(capability.object_with(RightRetype | RightGrant).error().code() == ErrorCode::MissingRight);
}

TEST_CASE("attenuation only ever removes rights")
{
    test::Arena arena(64 * KiB);
    ReticleCap full(&arena.reticle(), RightRetype | RightGrant);
    auto narrowed = full.attenuate(RightRetype).release_value();
    REQUIRE(narrowed.rights() == RightRetype);
    REQUIRE(narrowed.attenuate(RightRetype | RightGrant).error().code() == ErrorCode::MissingRight);
    REQUIRE(full.attenuate(RightSpawn).error().code() == ErrorCode::MissingRight);
}

TEST_CASE("a moved-from capability is empty and refuses every use")
{
    test::Arena arena(64 * KiB);
    ReticleCap original(&arena.reticle(), RightRetype);
    ReticleCap moved = std::move(original);
    REQUIRE(moved.is_valid());
    REQUIRE_FALSE(original.is_valid());
    REQUIRE(original.object_with(0).error().code() == ErrorCode::StaleHandle);
    REQUIRE(original.attenuate(0).error().code() == ErrorCode::StaleHandle);
}
