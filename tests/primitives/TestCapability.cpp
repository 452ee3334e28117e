/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <string_view>
#include <type_traits>
#include <vectra/kernel/Capability.h>
#include <vectra/kernel/MemoryObject.h>
#include <vectra/kernel/Ring.h>

using namespace vectra;

static_assert(!std::is_copy_constructible_v<RingCap>, "capability handles are move-only");
static_assert(!std::is_convertible_v<RingCap, ReticleCap>, "capability classes do not convert");
static_assert(!std::is_constructible_v<ReticleCap, RingCap&&>, "capability classes do not convert");

namespace {

struct Spaces {
    CapabilitySpace first { allocate_space_id() };
    CapabilitySpace second { allocate_space_id() };
};

}

TEST_CASE("a lookup checks the space, the generation, the class and the rights")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    auto handle = spaces.first.mint<CapabilityClass::Reticle>(&arena.reticle(), RightRetype).release_value();
    REQUIRE(spaces.first.lookup(handle, RightRetype).value() == &arena.reticle());
    REQUIRE(spaces.first.lookup(handle, RightGrant).error().code() == ErrorCode::MissingRight);
    REQUIRE(spaces.second.lookup(handle, RightRetype).error().code() == ErrorCode::ForeignHandle);
    /* The same slot seen through a handle of another class is refused. */
    RingCap mistyped(handle.space(), handle.slot(), handle.generation());
    REQUIRE(spaces.first.lookup(mistyped, 0).error().code() == ErrorCode::WrongClass);
    REQUIRE(spaces.first.lookup(ReticleCap(), 0).error().code() == ErrorCode::StaleHandle);
    ReticleCap forged(handle.space(), handle.slot(), handle.generation() + 1);
    REQUIRE(spaces.first.lookup(forged, 0).error().code() == ErrorCode::StaleHandle);
}

TEST_CASE("attenuation only ever removes rights")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    auto full = spaces.first.mint<CapabilityClass::Reticle>(&arena.reticle(), RightRetype | RightGrant).release_value();
    auto narrowed = spaces.first.attenuate(full, RightRetype).release_value();
    REQUIRE(spaces.first.lookup(narrowed, RightRetype).value() == &arena.reticle());
    REQUIRE(spaces.first.lookup(narrowed, RightGrant).error().code() == ErrorCode::MissingRight);
    REQUIRE(spaces.first.attenuate(narrowed, RightRetype | RightGrant).error().code() == ErrorCode::MissingRight);
    REQUIRE(spaces.first.attenuate(full, RightSpawn).error().code() == ErrorCode::MissingRight);
}

TEST_CASE("copying to another space needs the grant right; moving needs the move right and empties the source")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    auto grantable = spaces.first.mint<CapabilityClass::Reticle>(&arena.reticle(), RightRetype | RightGrant | RightMove).release_value();
    auto ungrantable = spaces.first.attenuate(grantable, RightRetype | RightMove).release_value();
    REQUIRE(spaces.first.copy_to(spaces.second, ungrantable, RightRetype).error().code() == ErrorCode::MissingRight);
    auto copy = spaces.first.copy_to(spaces.second, grantable, RightRetype).release_value();
    REQUIRE(spaces.second.lookup(copy, RightRetype).value() == &arena.reticle());
    REQUIRE(spaces.second.copy_to(spaces.first, copy, RightRetype).error().code() == ErrorCode::MissingRight);

    auto moved = spaces.first.move_to(spaces.second, std::move(ungrantable)).release_value();
    REQUIRE(ungrantable.is_empty());
    REQUIRE(spaces.second.lookup(moved, RightRetype).value() == &arena.reticle());
    REQUIRE(spaces.first.count() == 1);
}

TEST_CASE("moving to another space without the move right is refused, and the holder keeps the capability as it was")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    /* Even every other right — grant, revoke — does not let an entry without RightMove leave. */
    auto pinned = spaces.first.mint<CapabilityClass::Reticle>(&arena.reticle(), all_rights & ~RightMove).release_value();
    auto refused = spaces.first.move_to(spaces.second, std::move(pinned));
    REQUIRE(refused.error().code() == ErrorCode::NotMovable);
    REQUIRE(error_code_name(ErrorCode::NotMovable) == std::string_view("not-movable"));
    REQUIRE_FALSE(pinned.is_empty());
    REQUIRE(spaces.first.lookup(pinned, all_rights & ~RightMove).value() == &arena.reticle());
    REQUIRE(spaces.first.count() == 1);
    REQUIRE(spaces.second.count() == 0);
    /* The raw path the Ring and the Bundle use refuses the same way; the kernel's delivery of an entry already in flight does not ask. */
    REQUIRE(spaces.first.transfer(pinned.space(), pinned.slot(), pinned.generation(), CapabilityClass::Reticle, spaces.second,
                MoveBy::Holder).error().code() == ErrorCode::NotMovable);
    /* The other checks come first: a stale or mistyped handle is refused as such, not as NotMovable. */
    REQUIRE(spaces.first.move_to(spaces.second, ReticleCap()).error().code() == ErrorCode::StaleHandle);
    RingCap mistyped(pinned.space(), pinned.slot(), pinned.generation());
    REQUIRE(spaces.first.move_to(spaces.second, std::move(mistyped)).error().code() == ErrorCode::WrongClass);
    /* Within its own space nothing moves, so nothing is refused. */
    auto same = spaces.first.move_to(spaces.first, std::move(pinned)).release_value();
    REQUIRE(spaces.first.lookup(same, RightRetype).value() == &arena.reticle());
}

TEST_CASE("no derivation adds the move right back")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    auto original = spaces.first.mint<CapabilityClass::Reticle>(&arena.reticle(), all_rights).release_value();
    auto pinned = spaces.first.attenuate(original, all_rights & ~RightMove).release_value();
    REQUIRE(spaces.first.attenuate(pinned, RightRetype | RightMove).error().code() == ErrorCode::MissingRight);
    REQUIRE(spaces.first.copy_to(spaces.second, pinned, RightRetype | RightMove).error().code() == ErrorCode::MissingRight);
    /* A copy of it, made with grant, is as pinned as its parent. */
    auto copy = spaces.first.copy_to(spaces.second, pinned, RightRetype | RightGrant).release_value();
    CapabilitySpace third(allocate_space_id());
    REQUIRE(spaces.second.move_to(third, std::move(copy)).error().code() == ErrorCode::NotMovable);
    REQUIRE(spaces.second.copy_to(third, copy, RightRetype | RightMove).error().code() == ErrorCode::MissingRight);
    REQUIRE(third.count() == 0);
}

TEST_CASE("a capability moved with the move right arrives with exactly the rights it had")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    auto original = spaces.first.mint<CapabilityClass::Reticle>(&arena.reticle(), all_rights).release_value();
    constexpr Rights kept = RightRetype | RightMove;
    auto narrowed = spaces.first.attenuate(original, kept).release_value();
    auto moved = spaces.first.move_to(spaces.second, std::move(narrowed)).release_value();
    REQUIRE(spaces.second.view(moved.space(), moved.slot(), moved.generation()).value().rights == kept);
    REQUIRE(spaces.second.lookup(moved, RightGrant).error().code() == ErrorCode::MissingRight);
    REQUIRE(spaces.second.lookup(moved, RightRevoke).error().code() == ErrorCode::MissingRight);
    /* Still a child of the original: revoking the original reaches it in its new space. */
    REQUIRE(spaces.first.revoke(original).value() == 1);
    REQUIRE(spaces.second.lookup(moved, 0).error().code() == ErrorCode::StaleHandle);
}

TEST_CASE("revoking deletes everything derived, in every space, and stale handles stay stale")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    CapabilitySpace third(allocate_space_id());
    auto original = spaces.first.mint<CapabilityClass::Reticle>(&arena.reticle(), all_rights).release_value();
    auto child = spaces.first.copy_to(spaces.second, original, RightRetype | RightGrant).release_value();
    auto grandchild = spaces.second.copy_to(third, child, RightRetype).release_value();
    auto sibling = spaces.first.attenuate(original, RightRetype).release_value();
    /* Revoking needs the revoke right. */
    REQUIRE(spaces.second.revoke(child).error().code() == ErrorCode::MissingRight);
    REQUIRE(spaces.first.revoke(original).value() == 2);
    REQUIRE(spaces.second.lookup(child, 0).error().code() == ErrorCode::StaleHandle);
    REQUIRE(third.lookup(grandchild, 0).error().code() == ErrorCode::StaleHandle);
    REQUIRE(spaces.first.lookup(sibling, 0).error().code() == ErrorCode::StaleHandle);
    REQUIRE(spaces.first.lookup(original, RightRetype).value() == &arena.reticle());
    REQUIRE(spaces.second.count() == 0);
    REQUIRE(third.count() == 0);
    /* A new entry in a recycled slot does not revive an old handle. */
    auto fresh = spaces.second.mint<CapabilityClass::Reticle>(&arena.reticle(), RightRetype).release_value();
    REQUIRE(fresh.slot() == child.slot());
    REQUIRE(spaces.second.lookup(child, 0).error().code() == ErrorCode::StaleHandle);
}

TEST_CASE("a moved entry keeps its derived entries, and revoking it still reaches them")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    CapabilitySpace third(allocate_space_id());
    auto original = spaces.first.mint<CapabilityClass::Reticle>(&arena.reticle(), all_rights).release_value();
    auto derived = spaces.first.copy_to(third, original, RightRetype).release_value();
    auto moved = spaces.first.move_to(spaces.second, std::move(original)).release_value();
    REQUIRE(third.lookup(derived, RightRetype).value() == &arena.reticle());
    REQUIRE(spaces.second.revoke(moved).value() == 1);
    REQUIRE(third.lookup(derived, 0).error().code() == ErrorCode::StaleHandle);
}

TEST_CASE("clearing a space (a Task exiting) revokes what others derived from it")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    auto original = spaces.first.mint<CapabilityClass::Reticle>(&arena.reticle(), all_rights).release_value();
    auto derived = spaces.first.copy_to(spaces.second, original, RightRetype).release_value();
    REQUIRE(spaces.first.clear() == 1);
    REQUIRE(spaces.second.lookup(derived, 0).error().code() == ErrorCode::StaleHandle);
}

TEST_CASE("a full space refuses new entries with a clear error")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    auto original = spaces.first.mint<CapabilityClass::Reticle>(&arena.reticle(), all_rights).release_value();
    for (usize index = 1; index < CapabilitySpace::capacity; ++index)
        REQUIRE_FALSE(spaces.first.attenuate(original, RightRetype).is_error());
    REQUIRE(spaces.first.attenuate(original, RightRetype).error().code() == ErrorCode::Full);
}

TEST_CASE("a Reticle is not reclaimed while an object retyped from it is alive")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    auto memory = MemoryObject::try_create(arena.reticle(), spaces.first, 4096).release_value();
    REQUIRE(arena.reticle().live_contents() == 1);
    REQUIRE(arena.reticle().try_reclaim().error().code() == ErrorCode::Busy);
    auto view = writable_view(spaces.first, memory).value();
    REQUIRE(view.size() == 4096);
    /* Moving the original elsewhere keeps the object alive; deleting it retires the object. */
    auto moved = spaces.first.move_to(spaces.second, std::move(memory)).release_value();
    REQUIRE(arena.reticle().live_contents() == 1);
    REQUIRE_FALSE(spaces.second.remove(std::move(moved)).is_error());
    REQUIRE(arena.reticle().live_contents() == 0);
    REQUIRE_FALSE(arena.reticle().try_reclaim().is_error());
}

TEST_CASE("a new memory object is zeroed, though its pages held another Task's bytes before a reclaim")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    auto secret = MemoryObject::try_create(arena.reticle(), spaces.first, 8192).release_value();
    auto secret_bytes = writable_view(spaces.first, secret).value();
    for (auto& byte : secret_bytes)
        byte = 0x5a;
    u8 const* where = secret_bytes.data();
    REQUIRE_FALSE(spaces.first.remove(std::move(secret)).is_error());
    REQUIRE_FALSE(arena.reticle().try_reclaim().is_error());
    /* The same pages again, now another space's: not one byte of the first holder's is left. */
    auto fresh = MemoryObject::try_create(arena.reticle(), spaces.second, 8192).release_value();
    auto fresh_bytes = readable_view(spaces.second, fresh).value();
    REQUIRE(fresh_bytes.data() == where);
    usize leaked = 0;
    for (u8 byte : fresh_bytes)
        leaked += byte != 0;
    REQUIRE(leaked == 0);
    REQUIRE_FALSE(spaces.second.remove(std::move(fresh)).is_error());
}

TEST_CASE("a MemCap gives a view with its rights: read-only when attenuated to read")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    auto memory = MemoryObject::try_create(arena.reticle(), spaces.first, 64).release_value();
    auto read_only = spaces.first.copy_to(spaces.second, memory, RightRead).release_value();
    REQUIRE(readable_view(spaces.second, read_only).value().size() == 64);
    REQUIRE(writable_view(spaces.second, read_only).error().code() == ErrorCode::MissingRight);
    REQUIRE(MemoryObject::try_create(arena.reticle(), spaces.first, 0).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(MemoryObject::try_create(arena.reticle(), spaces.first, 1 * MiB).error().code() == ErrorCode::OutOfMemory);
    REQUIRE_FALSE(spaces.first.remove(std::move(memory)).is_error());
}

TEST_CASE("deleting a carved Reticle's original capability frees its parent for reclaim")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    Reticle* child = arena.reticle().try_carve(8 * KiB).release_value();
    auto handle = spaces.first.mint<CapabilityClass::Reticle>(child, all_rights).release_value();
    REQUIRE(arena.reticle().live_contents() == 1);
    REQUIRE(arena.reticle().try_reclaim().error().code() == ErrorCode::Busy);
    REQUIRE_FALSE(spaces.first.remove(std::move(handle)).is_error());
    REQUIRE(arena.reticle().live_contents() == 0);
    REQUIRE(arena.reticle().live_contents() == 0);
    REQUIRE_FALSE(arena.reticle().try_reclaim().is_error());
}

namespace {

/* Records what a protection domain would: after each change, the rights the space holds over the object. */
struct RecordingObserver final : SpaceObserver {
    void capabilities_changed(CapabilitySpace& space, KernelObject& object, CapabilityClass capability_class) override
    {
        ++changes;
        held = space.rights_over(object, capability_class);
        last = &object;
    }
    int changes { 0 };
    Rights held { 0 };
    KernelObject* last { nullptr };
};

}

TEST_CASE("a space observer hears every entry that enters or leaves, with the rights still held")
{
    test::Arena arena(64 * KiB);
    Spaces spaces;
    RecordingObserver observer;
    spaces.second.set_observer(&observer);
    auto original = MemoryObject::try_create(arena.reticle(), spaces.first, 4096).release_value();
    auto* object = spaces.first.lookup(original, 0).value();
    REQUIRE(observer.changes == 0); /* the other space is not observed */
    /* Memory objects occupy whole pages, so a domain can map one alone. */
    REQUIRE(reinterpret_cast<uptr>(object->pages().data()) % 4096 == 0);
    REQUIRE(object->pages().size() == 4096);

    auto copy = spaces.first.copy_to(spaces.second, original, RightRead | RightWrite | RightGrant).release_value();
    REQUIRE(observer.changes == 1);
    REQUIRE(observer.last == object);
    REQUIRE(observer.held == (RightRead | RightWrite | RightGrant));
    auto narrowed = spaces.second.attenuate(copy, RightRead).release_value();
    REQUIRE(observer.held == (RightRead | RightWrite | RightGrant));
    REQUIRE(!spaces.second.remove(std::move(copy)).is_error());
    /* Removing the copy removed what was derived from it too: nothing is held any more. */
    REQUIRE(observer.held == 0);
    REQUIRE(spaces.second.lookup(narrowed, 0).error().code() == ErrorCode::StaleHandle);

    /* Revocation from the other space reaches the observed one. */
    auto again = spaces.first.copy_to(spaces.second, original, RightRead).release_value();
    REQUIRE(observer.held == RightRead);
    int before = observer.changes;
    REQUIRE(spaces.first.revoke(original).value() == 1);
    REQUIRE(observer.changes == before + 1);
    REQUIRE(observer.held == 0);
    (void)again;

    /* Ring slots are whole pages too; clearing the space (a Task exiting) is heard as well. */
    auto ring = Ring::try_create(arena.reticle(), 8, 64, 1).release_value();
    REQUIRE(reinterpret_cast<uptr>(ring->slot_memory().data()) % 4096 == 0);
    REQUIRE(ring->slot_memory().size() == 4096);
    auto ring_handle = spaces.first.mint<CapabilityClass::Ring>(ring, RightSend | RightGrant).release_value();
    auto ring_copy = spaces.first.copy_to(spaces.second, ring_handle, RightSend).release_value();
    REQUIRE(observer.last == ring);
    REQUIRE(observer.held == RightSend);
    (void)ring_copy;
    spaces.second.clear();
    REQUIRE(observer.held == 0);
    spaces.second.set_observer(nullptr);
}
