/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <vectra/Bundle.h>
#include <vectra/SignalMask.h>

using namespace vectra;

TEST_CASE("a Bundle slot is taken by name and class, once")
{
    test::Arena arena(64 * KiB);
    Bundle bundle;
    REQUIRE_FALSE(bundle.try_put("memory", ReticleCap(&arena.reticle(), RightRetype)).is_error());
    REQUIRE(bundle.count() == 1);
    auto taken = bundle.take<ReticleCap>("memory");
    REQUIRE(taken.value().object_with(RightRetype).value() == &arena.reticle());
    REQUIRE(bundle.take<ReticleCap>("memory").error().code() == ErrorCode::NotFound);
    REQUIRE(bundle.count() == 0);
}

TEST_CASE("taking a missing or mistyped slot is a clear error")
{
    test::Arena arena(64 * KiB);
    SignalMask mask;
    Bundle bundle;
    REQUIRE_FALSE(bundle.try_put("ready", SignalCap(&mask, RightRaise, 3)).is_error());
    REQUIRE(bundle.take<ReticleCap>("ready").error().code() == ErrorCode::WrongClass);
    REQUIRE(bundle.take<SignalCap>("inbox").error().code() == ErrorCode::NotFound);
    /* The mistyped take left the slot in place. */
    auto signal = bundle.take<SignalCap>("ready").release_value();
    REQUIRE(signal.detail() == 3);
}

TEST_CASE("a Bundle refuses duplicate names, empty names, empty capabilities and overflow")
{
    test::Arena arena(64 * KiB);
    Bundle bundle;
    REQUIRE_FALSE(bundle.try_put("a", ReticleCap(&arena.reticle(), RightRetype)).is_error());
    REQUIRE(bundle.try_put("a", ReticleCap(&arena.reticle(), RightRetype)).error().code() == ErrorCode::AlreadyExists);
    REQUIRE(bundle.try_put("", ReticleCap(&arena.reticle(), RightRetype)).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(bundle.try_put("empty", ReticleCap()).error().code() == ErrorCode::StaleHandle);
    REQUIRE(bundle.try_put(std::string(40, 'n'), ReticleCap(&arena.reticle(), RightRetype)).error().code() == ErrorCode::NameTooLong);
    for (usize index = 1; index < Bundle::capacity; ++index)
        REQUIRE_FALSE(bundle.try_put(std::string(1, char('a' + index)), ReticleCap(&arena.reticle(), RightRetype)).is_error());
    REQUIRE(bundle.try_put("z9", ReticleCap(&arena.reticle(), RightRetype)).error().code() == ErrorCode::Full);
}
