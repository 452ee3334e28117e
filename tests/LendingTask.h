/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * For tests of servers that take lent memory (vectra.socket, vectra.link): a Task holding a
 * Reticle to make MemCaps from, as a client does, and the copy of one a Ring delivers in a slot.
 */

#pragma once

#include "TestSupport.h"
#include <catch2/catch.hpp>
#include <vectra/System.h>
#include <vectra/Try.h>

namespace vectra::test {

/* A Task that lends MemCaps: memory to make them from, in its Bundle as "memory". */
struct Lender {
    Arena tasks { 1 * MiB };
    Arena buffers { 1 * MiB };
    CapabilitySpace space { allocate_space_id() };
    ReticleCap memory;

    Lender() { memory = space.mint<CapabilityClass::Reticle>(&buffers.reticle(), RightRetype | RightGrant).release_value(); }
    ~Lender() { (void)space.clear(); }

    template<typename Body>
    ErrorOr<i32> run(Body&& body)
    {
        return run_as_task(tasks.reticle(), [&](Task& task) {
            REQUIRE_FALSE(task.bundle().grant("memory", space, memory, RightRetype).is_error());
        }, body);
    }
};

/* What a server finds in the slot: a copy of `memory` with `rights` (as a Ring copy delivers it), also left in `copy`. */
inline ErrorOr<ReceivedCapability> lent_copy(MemCap const& memory, Rights rights, MemCap& copy)
{
    copy = TRY(system::attenuate(memory, rights));
    return ReceivedCapability { CapabilityClass::Memory, { copy.space(), copy.slot(), copy.generation() } };
}

}
