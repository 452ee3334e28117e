/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Property test: random sequences of capability operations across three spaces — mint,
 * attenuate, copy, move, revoke, remove, clear a space — together with the operations that
 * give kernel objects other references (binding Ring ends, resetting Rings) and the one that
 * returns memory (reclaiming the Reticle every object was retyped from). After every step the
 * real spaces are checked against a simple model:
 *
 *  - a handle works iff the model says its entry lives, and its rights are exactly the modelled
 *    ones (a lookup needing any right it lacks is refused);
 *  - each space holds exactly the model's entries; revoking or removing takes every descendant;
 *  - a move to another space happens iff the entry holds RightMove, and keeps its rights;
 *  - an object retires exactly when no entry names it and no Ring end is bound to it;
 *  - reclaim succeeds exactly when every object retyped from the Reticle has retired — so no
 *    reclaimed byte is ever named by a live entry or a binding.
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <optional>
#include <random>
#include <vector>
#include <vectra/kernel/Capability.h>
#include <vectra/kernel/Reticle.h>
#include <vectra/kernel/Ring.h>

using namespace vectra;

namespace {

constexpr u64 schema = schema_id_of("capability model ring\n");

struct ModelObject {
    bool is_ring;
    KernelObject* object;
    Ring* ring; /* when is_ring */
    std::optional<RingProducer> sender;
    std::optional<RingConsumer> receiver;
    int producer_space { -1 }; /* the space whose binding holds each end, -1 when unbound */
    int consumer_space { -1 };
};

struct ModelEntry {
    usize space;
    CapabilitySpace::RawHandle handle;
    int object;
    Rights rights;
    int parent; /* index into the model, -1 for an original */
    bool alive;
};

struct Model {
    std::vector<ModelObject> objects;
    std::vector<ModelEntry> entries;

    void kill_subtree(usize index)
    {
        entries[index].alive = false;
        for (usize child = 0; child < entries.size(); ++child) {
            if (entries[child].alive && entries[child].parent == static_cast<int>(index))
                kill_subtree(child);
        }
    }
    [[nodiscard]] bool named(int object) const
    {
        for (auto const& entry : entries) {
            if (entry.alive && entry.object == object)
                return true;
        }
        return false;
    }
    [[nodiscard]] bool bound(int object) const
    {
        return objects[object].producer_space >= 0 || objects[object].consumer_space >= 0;
    }
    void space_cleared(usize space)
    {
        for (usize index = 0; index < entries.size(); ++index) {
            if (entries[index].alive && entries[index].space == space)
                kill_subtree(index);
        }
        for (auto& object : objects) {
            if (object.producer_space == static_cast<int>(space))
                object.producer_space = -1;
            if (object.consumer_space == static_cast<int>(space))
                object.consumer_space = -1;
        }
    }
};

template<CapabilityClass Class>
Handle<Class> typed(CapabilitySpace::RawHandle raw)
{
    return Handle<Class>(raw.space, raw.slot, raw.generation);
}

/* Looks the entry up needing `rights`, in its class. */
bool lookup_works(CapabilitySpace& space, ModelEntry const& entry, ModelObject const& object, Rights rights)
{
    if (object.is_ring)
        return !space.lookup(typed<CapabilityClass::Ring>(entry.handle), rights).is_error();
    return !space.lookup(typed<CapabilityClass::Reticle>(entry.handle), rights).is_error();
}

}

TEST_CASE("random capability, binding and reclaim operations never break the lifetime invariants")
{
    std::mt19937 random(20261205);
    for (int run = 0; run < 12; ++run) {
        test::Arena arena(4 * MiB);
        Reticle& memory = arena.reticle();
        SignalMask masks[3];
        CapabilitySpace spaces[3] = { CapabilitySpace(allocate_space_id()), CapabilitySpace(allocate_space_id()),
            CapabilitySpace(allocate_space_id()) };
        Model model;
        usize reclaims = 0;
        auto pick_alive = [&]() -> int {
            std::vector<int> alive;
            for (usize index = 0; index < model.entries.size(); ++index) {
                if (model.entries[index].alive)
                    alive.push_back(static_cast<int>(index));
            }
            return alive.empty() ? -1 : alive[random() % alive.size()];
        };
        for (int step = 0; step < 500; ++step) {
            int operation = static_cast<int>(random() % 10);
            int chosen = pick_alive();
            usize target = random() % 3;
            Rights rights = static_cast<Rights>(random()) & all_rights;
            if (operation == 0 || chosen < 0) {
                /* A fresh object retyped from the arena, and its original capability. */
                bool is_ring = random() % 2 == 0;
                ModelObject object { is_ring, nullptr, nullptr, std::nullopt, std::nullopt };
                if (is_ring) {
                    auto ring = Ring::try_create(memory, 2, 32, schema);
                    if (ring.is_error()) {
                        REQUIRE(ring.error().code() == ErrorCode::OutOfMemory);
                        continue;
                    }
                    object.ring = ring.value();
                    object.object = ring.value();
                } else {
                    auto child = memory.try_carve(4096);
                    if (child.is_error()) {
                        REQUIRE(child.error().code() == ErrorCode::OutOfMemory);
                        continue;
                    }
                    object.object = child.value();
                }
                ErrorOr<CapabilitySpace::RawHandle> raw = Error(ErrorCode::None, "");
                if (is_ring) {
                    auto handle = spaces[target].mint<CapabilityClass::Ring>(object.ring, rights);
                    raw = handle.is_error() ? ErrorOr<CapabilitySpace::RawHandle>(handle.release_error())
                                            : CapabilitySpace::RawHandle { handle.value().space(), handle.value().slot(), handle.value().generation() };
                } else {
                    auto handle = spaces[target].mint<CapabilityClass::Reticle>(static_cast<Reticle*>(object.object), rights);
                    raw = handle.is_error() ? ErrorOr<CapabilitySpace::RawHandle>(handle.release_error())
                                            : CapabilitySpace::RawHandle { handle.value().space(), handle.value().slot(), handle.value().generation() };
                }
                if (raw.is_error()) {
                    REQUIRE(raw.error().code() == ErrorCode::Full);
                    object.object->abandon(); /* built, never named: returned to the arena */
                    continue;
                }
                model.objects.push_back(std::move(object));
                model.entries.push_back({ target, raw.value(), static_cast<int>(model.objects.size() - 1), rights, -1, true });
                continue;
            }
            auto& entry = model.entries[chosen];
            auto& space = spaces[entry.space];
            auto& object = model.objects[entry.object];
            CapabilityClass capability_class = object.is_ring ? CapabilityClass::Ring : CapabilityClass::Reticle;
            switch (operation) {
            case 1: { /* attenuate in place */
                auto derived = space.derive(entry.handle.space, entry.handle.slot, entry.handle.generation, capability_class,
                    rights, space, 0);
                bool allowed = (rights & ~entry.rights) == 0;
                if (!allowed) {
                    REQUIRE(derived.error().code() == ErrorCode::MissingRight);
                } else if (!derived.is_error()) {
                    model.entries.push_back({ entry.space, derived.value(), entry.object, rights, chosen, true });
                } else {
                    REQUIRE(derived.error().code() == ErrorCode::Full);
                }
                break;
            }
            case 2: { /* copy to another space: needs grant */
                auto copied = space.derive(entry.handle.space, entry.handle.slot, entry.handle.generation, capability_class,
                    rights, spaces[target], RightGrant);
                bool allowed = (entry.rights & RightGrant) && (rights & ~entry.rights) == 0;
                if (!allowed) {
                    REQUIRE(copied.error().code() == ErrorCode::MissingRight);
                } else if (!copied.is_error()) {
                    int object_index = entry.object;
                    model.entries.push_back({ target, copied.value(), object_index, rights, chosen, true });
                } else {
                    REQUIRE(copied.error().code() == ErrorCode::Full);
                }
                break;
            }
            case 3: { /* move: same entry, new space, same parent and children; needs the move right */
                auto moved = space.transfer(entry.handle.space, entry.handle.slot, entry.handle.generation, capability_class,
                    spaces[target], MoveBy::Holder);
                if (target != entry.space && !(entry.rights & RightMove)) {
                    REQUIRE(moved.error().code() == ErrorCode::NotMovable);
                    break;
                }
                if (moved.is_error()) {
                    REQUIRE(moved.error().code() == ErrorCode::Full);
                    break;
                }
                entry.handle = moved.value();
                entry.space = target;
                break;
            }
            case 4: { /* revoke descendants: needs the revoke right */
                auto revoked = object.is_ring ? space.revoke(typed<CapabilityClass::Ring>(entry.handle))
                                              : space.revoke(typed<CapabilityClass::Reticle>(entry.handle));
                if (!(entry.rights & RightRevoke)) {
                    REQUIRE(revoked.error().code() == ErrorCode::MissingRight);
                    break;
                }
                REQUIRE_FALSE(revoked.is_error());
                for (usize child = 0; child < model.entries.size(); ++child) {
                    if (model.entries[child].alive && model.entries[child].parent == chosen)
                        model.kill_subtree(child);
                }
                break;
            }
            case 5: { /* remove the entry and its subtree */
                REQUIRE_FALSE(space.erase(entry.handle.space, entry.handle.slot, entry.handle.generation, capability_class)
                                  .is_error());
                model.kill_subtree(chosen);
                break;
            }
            case 6: { /* clear a whole space, as when a Task exits: entries and bindings go */
                (void)spaces[target].clear();
                model.space_cleared(target);
                break;
            }
            case 7: { /* bind a Ring end through this entry: one Task per end */
                if (!object.is_ring)
                    break;
                bool as_sender = random() % 2 == 0;
                int& holder = as_sender ? object.producer_space : object.consumer_space;
                Rights needed = as_sender ? RightSend : RightReceive;
                auto handle = typed<CapabilityClass::Ring>(entry.handle);
                bool allowed = (entry.rights & needed) != 0;
                bool busy = holder >= 0 && holder != static_cast<int>(entry.space);
                if (as_sender) {
                    auto bound = RingProducer::bind(space, handle, schema, masks[entry.space], SignalBit(1));
                    if (!allowed)
                        REQUIRE(bound.error().code() == ErrorCode::MissingRight);
                    else if (busy)
                        REQUIRE(bound.error().code() == ErrorCode::Busy);
                    else
                        object.sender = bound.release_value();
                } else {
                    auto bound = RingConsumer::bind(space, handle, schema, masks[entry.space], SignalBit(2));
                    if (!allowed)
                        REQUIRE(bound.error().code() == ErrorCode::MissingRight);
                    else if (busy)
                        REQUIRE(bound.error().code() == ErrorCode::Busy);
                    else
                        object.receiver = bound.release_value();
                }
                if (allowed && !busy)
                    holder = static_cast<int>(entry.space);
                break;
            }
            case 8: { /* send through a bound end: works only while its binding is valid */
                if (!object.is_ring || !object.sender || object.producer_space < 0)
                    break;
                u8 byte = 1;
                auto sent = object.sender->try_send({ &byte, 1 });
                if (sent.is_error()) {
                    auto code = sent.error().code();
                    REQUIRE((code == ErrorCode::Full || code == ErrorCode::Revoked || code == ErrorCode::PeerClosed
                        || code == ErrorCode::PeerRestarted));
                }
                break;
            }
            case 9: { /* reclaim the arena: only when every object from it retired */
                bool all_retired = true;
                for (usize index = 0; index < model.objects.size(); ++index)
                    all_retired = all_retired && !model.named(static_cast<int>(index)) && !model.bound(static_cast<int>(index));
                auto reclaimed = memory.try_reclaim();
                REQUIRE(reclaimed.is_error() == !all_retired);
                if (!reclaimed.is_error()) {
                    ++reclaims;
                    model.objects.clear();
                    model.entries.clear();
                }
                break;
            }
            }
            /* Invariants after every step. */
            usize per_space[3] = { 0, 0, 0 };
            for (auto const& modelled : model.entries) {
                auto const& modelled_object = model.objects[modelled.object];
                auto& holder = spaces[modelled.space];
                if (!modelled.alive) {
                    /* A dead entry's handle is stale, wherever it is tried. */
                    REQUIRE_FALSE(lookup_works(holder, modelled, modelled_object, 0));
                    continue;
                }
                ++per_space[modelled.space];
                REQUIRE(lookup_works(holder, modelled, modelled_object, modelled.rights));
                /* Exactly the modelled rights: every right it lacks is refused. */
                for (u32 bit = 0; bit < 9; ++bit) {
                    Rights right = Rights(1) << bit;
                    if ((modelled.rights & right) == 0)
                        REQUIRE_FALSE(lookup_works(holder, modelled, modelled_object, right));
                }
            }
            for (usize index = 0; index < 3; ++index)
                REQUIRE(spaces[index].count() == per_space[index]);
            for (usize index = 0; index < model.objects.size(); ++index) {
                bool alive = model.named(static_cast<int>(index)) || model.bound(static_cast<int>(index));
                REQUIRE(model.objects[index].object->is_retired() == !alive);
                REQUIRE(model.objects[index].object->is_torn_down() == !model.named(static_cast<int>(index)));
            }
        }
        /* Spaces go before the arena and masks they name: end everything now. */
        for (auto& space : spaces)
            (void)space.clear();
        for (usize index = 0; index < model.objects.size(); ++index)
            REQUIRE(model.objects[index].object->is_retired());
        REQUIRE_FALSE(memory.try_reclaim().is_error());
        REQUIRE(reclaims + model.objects.size() > 0);
    }
}
