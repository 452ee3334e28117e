/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Property test: random sequences of capability operations across three spaces, checked after
 * every step against a simple model (a list of live entries with their parent). Invariants:
 * a handle works iff the model says its entry lives; rights never exceed the parent's; each
 * space holds exactly the model's entries; revoking or removing takes every descendant along.
 */

#include <catch2/catch.hpp>
#include <random>
#include <vector>
#include <vectra/Capability.h>
#include <vectra/Reticle.h>

using namespace vectra;

namespace {

struct ModelEntry {
    usize space;
    ReticleCap handle;
    int object;
    Rights rights;
    int parent; /* index into the model, -1 for an original */
    bool alive;
};

struct Model {
    std::vector<ModelEntry> entries;

    void kill_subtree(usize index)
    {
        entries[index].alive = false;
        for (usize child = 0; child < entries.size(); ++child) {
            if (entries[child].alive && entries[child].parent == static_cast<int>(index))
                kill_subtree(child);
        }
    }
};

}

TEST_CASE("random capability operations never break the derivation invariants")
{
    std::mt19937 random(20261122);
    for (int run = 0; run < 20; ++run) {
        CapabilitySpace spaces[3] = { CapabilitySpace(allocate_space_id()), CapabilitySpace(allocate_space_id()),
            CapabilitySpace(allocate_space_id()) };
        Reticle objects[4] = { Reticle(0x1000, 1), Reticle(0x2000, 1), Reticle(0x3000, 1), Reticle(0x4000, 1) };
        Model model;
        auto pick_alive = [&]() -> int {
            std::vector<int> alive;
            for (usize index = 0; index < model.entries.size(); ++index) {
                if (model.entries[index].alive)
                    alive.push_back(static_cast<int>(index));
            }
            return alive.empty() ? -1 : alive[random() % alive.size()];
        };
        for (int step = 0; step < 400; ++step) {
            int operation = static_cast<int>(random() % 7);
            int chosen = pick_alive();
            usize target = random() % 3;
            Rights rights = static_cast<Rights>(random()) & all_rights;
            if (operation == 0 || chosen < 0) {
                int object = static_cast<int>(random() % 4);
                auto minted = spaces[target].mint<CapabilityClass::Reticle>(&objects[object], rights);
                if (minted.is_error()) {
                    REQUIRE(minted.error().code() == ErrorCode::Full);
                    continue;
                }
                model.entries.push_back({ target, minted.release_value(), object, rights, -1, true });
                continue;
            }
            auto& entry = model.entries[chosen];
            auto& space = spaces[entry.space];
            switch (operation) {
            case 1: { /* attenuate in place */
                auto derived = space.attenuate(entry.handle, rights);
                bool allowed = (rights & ~entry.rights) == 0;
                if (!allowed) {
                    REQUIRE(derived.error().code() == ErrorCode::MissingRight);
                } else if (!derived.is_error()) {
                    model.entries.push_back({ entry.space, derived.release_value(), entry.object, rights, chosen, true });
                } else {
                    REQUIRE(derived.error().code() == ErrorCode::Full);
                }
                break;
            }
            case 2: { /* copy to another space: needs grant */
                auto copied = space.copy_to(spaces[target], entry.handle, rights);
                bool allowed = (entry.rights & RightGrant) && (rights & ~entry.rights) == 0;
                if (!allowed) {
                    REQUIRE(copied.error().code() == ErrorCode::MissingRight);
                } else if (!copied.is_error()) {
                    int object = entry.object;
                    model.entries.push_back({ target, copied.release_value(), object, rights, chosen, true });
                } else {
                    REQUIRE(copied.error().code() == ErrorCode::Full);
                }
                break;
            }
            case 3: { /* move: same entry, new space, same parent and children */
                auto moved = space.move_to(spaces[target], std::move(entry.handle));
                if (moved.is_error()) {
                    REQUIRE(moved.error().code() == ErrorCode::Full);
                    break;
                }
                entry.handle = moved.release_value();
                entry.space = target;
                break;
            }
            case 4: { /* revoke descendants: needs the revoke right */
                auto revoked = space.revoke(entry.handle);
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
                REQUIRE_FALSE(space.remove(std::move(entry.handle)).is_error());
                model.kill_subtree(chosen);
                break;
            }
            case 6: { /* clear a whole space, as when a Task exits */
                (void)spaces[target].clear();
                for (usize index = 0; index < model.entries.size(); ++index) {
                    if (model.entries[index].alive && model.entries[index].space == target)
                        model.kill_subtree(index);
                }
                break;
            }
            }
            /* Invariants after every step. */
            usize expected_counts[3] = {};
            for (auto& checked : model.entries) {
                if (!checked.alive) {
                    if (!checked.handle.is_empty())
                        REQUIRE(spaces[checked.space].lookup(checked.handle, 0).is_error());
                    continue;
                }
                ++expected_counts[checked.space];
                auto object = spaces[checked.space].lookup(checked.handle, checked.rights);
                REQUIRE_FALSE(object.is_error());
                REQUIRE(object.value() == &objects[checked.object]);
                if (checked.parent >= 0)
                    REQUIRE((checked.rights & ~model.entries[checked.parent].rights) == 0);
                for (usize other = 0; other < 3; ++other) {
                    if (other != checked.space)
                        REQUIRE(spaces[other].lookup(checked.handle, 0).error().code() == ErrorCode::ForeignHandle);
                }
            }
            for (usize index = 0; index < 3; ++index)
                REQUIRE(spaces[index].count() == expected_counts[index]);
        }
    }
}
