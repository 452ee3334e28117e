/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <catch2/catch.hpp>
#include <vectra/kernel/Signal.h>

using namespace vectra;

TEST_CASE("raised bits stay pending until taken, and take clears only the asked bits")
{
    SignalMask mask;
    mask.raise(SignalBit(3));
    mask.raise(SignalBit(63));
    REQUIRE(mask.peek(~u64(0)) == ((u64(1) << 3) | (u64(1) << 63)));
    REQUIRE(mask.take(SignalBit(3).mask()) == SignalBit(3).mask());
    REQUIRE(mask.take(SignalBit(3).mask()) == 0);
    REQUIRE(mask.peek(~u64(0)) == (u64(1) << 63));
}

TEST_CASE("raising through a SignalCap needs the raise right and raises the bit it names")
{
    SignalMask mask;
    CapabilitySpace space(allocate_space_id());
    auto can_raise = space.mint<CapabilityClass::Signal>(&mask, RightRaise, 7).release_value();
    auto cannot = space.mint<CapabilityClass::Signal>(&mask, RightWrite, 7).release_value();
    REQUIRE_FALSE(raise(space, can_raise).is_error());
    REQUIRE(mask.take(~u64(0)) == SignalBit(7).mask());
    REQUIRE(raise(space, cannot).error().code() == ErrorCode::MissingRight);
    REQUIRE(mask.peek(~u64(0)) == 0);
}
