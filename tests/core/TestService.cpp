/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <vectra/Service.h>

using namespace vectra;

namespace {

struct Family {
    test::Arena arena { 64 * KiB };
    SignalMask mask;
    CapabilitySpace parent { allocate_space_id() };
    CapabilitySpace child { allocate_space_id() };
    Bundle bundle { child };
    ReticleCap memory = parent.mint<CapabilityClass::Reticle>(&arena.reticle(), all_rights).release_value();
    SignalCap ready = parent.mint<CapabilityClass::Signal>(&mask, all_rights, 1).release_value();
};

constexpr SlotRequirement footprint[] = {
    { "memory", CapabilityClass::Reticle, RightRetype },
    { "ready", CapabilityClass::Signal, RightRaise },
};

}

TEST_CASE("a Bundle that holds exactly the footprint passes")
{
    Family family;
    REQUIRE_FALSE(family.bundle.grant("memory", family.parent, family.memory, RightRetype).is_error());
    REQUIRE_FALSE(family.bundle.grant("ready", family.parent, family.ready, RightRaise).is_error());
    REQUIRE_FALSE(check_footprint(family.bundle, footprint).is_error());
}

TEST_CASE("a missing slot, a wrong class, other rights or an extra slot each fail the footprint")
{
    {
        Family family;
        REQUIRE_FALSE(family.bundle.grant("memory", family.parent, family.memory, RightRetype).is_error());
        REQUIRE(check_footprint(family.bundle, footprint).error().code() == ErrorCode::NotFound);
    }
    {
        Family family;
        REQUIRE_FALSE(family.bundle.grant("memory", family.parent, family.memory, RightRetype).is_error());
        REQUIRE_FALSE(family.bundle.grant("ready", family.parent, family.memory, RightRetype).is_error());
        REQUIRE(check_footprint(family.bundle, footprint).error().code() == ErrorCode::WrongClass);
    }
    {
        Family family;
        REQUIRE_FALSE(family.bundle.grant("memory", family.parent, family.memory, RightRetype | RightGrant).is_error());
        REQUIRE_FALSE(family.bundle.grant("ready", family.parent, family.ready, RightRaise).is_error());
        REQUIRE(check_footprint(family.bundle, footprint).error().code() == ErrorCode::MissingRight);
    }
    {
        Family family;
        REQUIRE_FALSE(family.bundle.grant("memory", family.parent, family.memory, RightRetype).is_error());
        REQUIRE_FALSE(family.bundle.grant("ready", family.parent, family.ready, RightRaise).is_error());
        REQUIRE_FALSE(family.bundle.grant("extra", family.parent, family.ready, RightRaise).is_error());
        REQUIRE(check_footprint(family.bundle, footprint).error().code() == ErrorCode::InvalidArgument);
    }
}
