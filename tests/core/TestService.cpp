/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <vectra/Service.h>

using namespace vectra;

namespace {

constexpr SlotRequirement footprint[] = {
    { "memory", CapabilityClass::Reticle, RightRetype },
    { "ready", CapabilityClass::Signal, RightRaise },
};

/* A Task whose Bundle holds what `grants` placed, checking it against the footprint from inside. */
struct Family {
    test::Arena arena { 256 * KiB };
    test::Arena memory_arena { 64 * KiB };
    SignalMask mask;
    CapabilitySpace parent { allocate_space_id() };
    ReticleCap memory = parent.mint<CapabilityClass::Reticle>(&memory_arena.reticle(), all_rights).release_value();
    SignalCap ready = parent.mint<CapabilityClass::Signal>(&mask, all_rights, 1).release_value();
    BundleObject* bundle { nullptr };

    template<typename Grants>
    ErrorCode check(Grants&& grants)
    {
        auto result = test::run_as_task(arena.reticle(), [&](Task& task) {
            bundle = &task.bundle();
            grants();
        }, [](Bundle& own) -> ErrorOr<i32> {
            auto checked = check_footprint(own, footprint);
            return static_cast<i32>(checked.is_error() ? checked.error().code() : ErrorCode::None);
        });
        return static_cast<ErrorCode>(result.value());
    }
};


}

TEST_CASE("a Bundle that holds exactly the footprint passes")
{
    Family family;
    REQUIRE(family.check([&] {
        REQUIRE_FALSE(family.bundle->grant("memory", family.parent, family.memory, RightRetype).is_error());
        REQUIRE_FALSE(family.bundle->grant("ready", family.parent, family.ready, RightRaise).is_error());
    }) == ErrorCode::None);
}

TEST_CASE("a missing slot, a wrong class, other rights or an extra slot each fail the footprint")
{
    {
        Family family;
        REQUIRE(family.check([&] {
            REQUIRE_FALSE(family.bundle->grant("memory", family.parent, family.memory, RightRetype).is_error());
        }) == ErrorCode::NotFound);
    }
    {
        Family family;
        REQUIRE(family.check([&] {
            REQUIRE_FALSE(family.bundle->grant("memory", family.parent, family.memory, RightRetype).is_error());
            REQUIRE_FALSE(family.bundle->grant("ready", family.parent, family.memory, RightRetype).is_error());
        }) == ErrorCode::WrongClass);
    }
    {
        Family family;
        REQUIRE(family.check([&] {
            REQUIRE_FALSE(family.bundle->grant("memory", family.parent, family.memory, RightRetype | RightGrant).is_error());
            REQUIRE_FALSE(family.bundle->grant("ready", family.parent, family.ready, RightRaise).is_error());
        }) == ErrorCode::MissingRight);
    }
    {
        Family family;
        REQUIRE(family.check([&] {
            REQUIRE_FALSE(family.bundle->grant("memory", family.parent, family.memory, RightRetype).is_error());
            REQUIRE_FALSE(family.bundle->grant("ready", family.parent, family.ready, RightRaise).is_error());
            REQUIRE_FALSE(family.bundle->grant("extra", family.parent, family.ready, RightRaise).is_error());
        }) == ErrorCode::InvalidArgument);
    }
}
