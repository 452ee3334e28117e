/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The block drivers' fault injection (CONFIG_BLOCK_FAULT_AT_BLOCK): off at 0, fires for the
 * first request covering its block and never again.
 */

#include <catch2/catch.hpp>
#include <vectra/block/FaultInjection.h>

using vectra::block::FaultInjection;

TEST_CASE("fault injection fires once, for the first request covering its block", "[block]")
{
    FaultInjection fault(3232);
    REQUIRE_FALSE(fault.fires(3000, 232)); /* 3000-3231: ends just before */
    REQUIRE_FALSE(fault.fires(3233, 8));   /* starts just after */
    REQUIRE_FALSE(fault.fires(3232, 0));   /* names no block */
    REQUIRE_FALSE(fault.fired());
    REQUIRE(fault.fires(3225, 8)); /* 3225-3232: its last block */
    REQUIRE(fault.fired());
    REQUIRE_FALSE(fault.fires(3232, 1)); /* the resent request: served */
    REQUIRE_FALSE(fault.fires(3232, 1));
}

TEST_CASE("fault injection at block 0 is off", "[block]")
{
    FaultInjection off(0);
    REQUIRE_FALSE(off.fires(0, 1));
    REQUIRE_FALSE(off.fires(0, 2048));
    REQUIRE_FALSE(off.fired());
}

TEST_CASE("fault injection near 2^64 does not wrap", "[block]")
{
    FaultInjection fault(~vectra::u64(0));
    REQUIRE_FALSE(fault.fires(0, 0xffffffffu));
    REQUIRE(fault.fires(~vectra::u64(0) - 1, 2));
}
