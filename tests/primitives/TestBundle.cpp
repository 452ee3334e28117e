/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <vectra/kernel/Bundle.h>
#include <vectra/kernel/SignalMask.h>

using namespace vectra;

namespace {

struct Family {
    CapabilitySpace parent { allocate_space_id() };
    CapabilitySpace child { allocate_space_id() };
    BundleObject bundle { child };
};

}

TEST_CASE("a Bundle slot is granted into the child's space and taken by name and class, once")
{
    test::Arena arena(64 * KiB);
    Family family;
    auto memory = family.parent.mint<CapabilityClass::Reticle>(&arena.reticle(), RightRetype | RightGrant).release_value();
    REQUIRE_FALSE(family.bundle.grant("memory", family.parent, memory, RightRetype).is_error());
    REQUIRE(family.bundle.count() == 1);
    auto taken = family.bundle.take<ReticleCap>("memory").release_value();
    REQUIRE(family.child.lookup(taken, RightRetype).value() == &arena.reticle());
    REQUIRE(family.child.lookup(taken, RightGrant).error().code() == ErrorCode::MissingRight);
    REQUIRE(family.parent.lookup(taken, 0).error().code() == ErrorCode::ForeignHandle);
    REQUIRE(family.bundle.take<ReticleCap>("memory").error().code() == ErrorCode::NotFound);
}

TEST_CASE("taking a missing or mistyped slot is a clear error, and the slot stays")
{
    SignalMask mask; /* outlives the spaces that name it */
    Family family;
    auto ready = family.parent.mint<CapabilityClass::Signal>(&mask, RightRaise | RightGrant, 3).release_value();
    REQUIRE_FALSE(family.bundle.grant("ready", family.parent, ready, RightRaise).is_error());
    REQUIRE(family.bundle.take<ReticleCap>("ready").error().code() == ErrorCode::WrongClass);
    REQUIRE(family.bundle.take<SignalCap>("inbox").error().code() == ErrorCode::NotFound);
    auto signal = family.bundle.take<SignalCap>("ready").release_value();
    REQUIRE(family.child.detail(signal).value() == 3);
}

TEST_CASE("granting needs the grant right and may not widen; giving moves the capability")
{
    test::Arena arena(64 * KiB);
    Family family;
    auto plain = family.parent.mint<CapabilityClass::Reticle>(&arena.reticle(), RightRetype | RightMove).release_value();
    REQUIRE(family.bundle.grant("memory", family.parent, plain, RightRetype).error().code() == ErrorCode::MissingRight);
    auto grantable = family.parent.mint<CapabilityClass::Reticle>(&arena.reticle(), RightRetype | RightGrant).release_value();
    REQUIRE(family.bundle.grant("memory", family.parent, grantable, RightRetype | RightSpawn).error().code() == ErrorCode::MissingRight);
    REQUIRE_FALSE(family.bundle.give("memory", family.parent, std::move(plain)).is_error());
    REQUIRE(plain.is_empty());
    REQUIRE(family.child.lookup(family.bundle.take<ReticleCap>("memory").release_value(), RightRetype).value() == &arena.reticle());
}

TEST_CASE("giving a capability without the move right is refused, and the parent keeps it")
{
    test::Arena arena(64 * KiB);
    Family family;
    auto pinned = family.parent.mint<CapabilityClass::Reticle>(&arena.reticle(), RightRetype | RightGrant).release_value();
    REQUIRE(family.bundle.give("memory", family.parent, std::move(pinned)).error().code() == ErrorCode::NotMovable);
    REQUIRE_FALSE(pinned.is_empty());
    REQUIRE(family.parent.lookup(pinned, RightRetype | RightGrant).value() == &arena.reticle());
    REQUIRE(family.bundle.count() == 0);
    REQUIRE(family.child.count() == 0);
    /* The child gets no slot by that name, and a grant may not add the right either. */
    REQUIRE(family.bundle.take<ReticleCap>("memory").error().code() == ErrorCode::NotFound);
    REQUIRE(family.bundle.grant("memory", family.parent, pinned, RightRetype | RightMove).error().code() == ErrorCode::MissingRight);
    /* A copy it may make (grant) arrives without the move right: the child cannot hand it on either. */
    REQUIRE_FALSE(family.bundle.grant("memory", family.parent, pinned, RightRetype).is_error());
    auto copy = family.bundle.take<ReticleCap>("memory").release_value();
    CapabilitySpace elsewhere(allocate_space_id());
    REQUIRE(family.child.move_to(elsewhere, std::move(copy)).error().code() == ErrorCode::NotMovable);
}

TEST_CASE("a Bundle refuses duplicate names, empty or long names and overflow")
{
    test::Arena arena(64 * KiB);
    Family family;
    auto memory = family.parent.mint<CapabilityClass::Reticle>(&arena.reticle(), RightRetype | RightGrant).release_value();
    REQUIRE_FALSE(family.bundle.grant("a", family.parent, memory, RightRetype).is_error());
    REQUIRE(family.bundle.grant("a", family.parent, memory, RightRetype).error().code() == ErrorCode::AlreadyExists);
    REQUIRE(family.bundle.grant("", family.parent, memory, RightRetype).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(family.bundle.grant(std::string(40, 'n'), family.parent, memory, RightRetype).error().code() == ErrorCode::NameTooLong);
    for (usize index = 1; index < BundleObject::capacity; ++index)
        REQUIRE_FALSE(family.bundle.grant(std::string(1, char('a' + index)), family.parent, memory, RightRetype).is_error());
    REQUIRE(family.bundle.grant("z9", family.parent, memory, RightRetype).error().code() == ErrorCode::Full);
}

TEST_CASE("a Bundle's shape encodes canonically: sorted by name, independent of grant order")
{
    test::Arena arena(64 * KiB);
    SignalMask mask;
    Family first;
    Family second;
    auto memory_a = first.parent.mint<CapabilityClass::Reticle>(&arena.reticle(), all_rights).release_value();
    auto ready_a = first.parent.mint<CapabilityClass::Signal>(&mask, all_rights, 1).release_value();
    REQUIRE_FALSE(first.bundle.grant("memory", first.parent, memory_a, RightRetype).is_error());
    REQUIRE_FALSE(first.bundle.grant("ready", first.parent, ready_a, RightRaise).is_error());
    auto memory_b = second.parent.mint<CapabilityClass::Reticle>(&arena.reticle(), all_rights).release_value();
    auto ready_b = second.parent.mint<CapabilityClass::Signal>(&mask, all_rights, 1).release_value();
    REQUIRE_FALSE(second.bundle.grant("ready", second.parent, ready_b, RightRaise).is_error());
    REQUIRE_FALSE(second.bundle.grant("memory", second.parent, memory_b, RightRetype).is_error());
    u8 one[128];
    u8 two[128];
    usize length = first.bundle.encode_shape(one).value();
    REQUIRE(second.bundle.encode_shape(two).value() == length);
    REQUIRE(std::equal(one, one + length, two));
    REQUIRE(one[0] == 2);
    REQUIRE(one[1] == 6); /* "memory" first */
    u8 tiny[4];
    REQUIRE(first.bundle.encode_shape(tiny).error().code() == ErrorCode::TooLarge);
}
