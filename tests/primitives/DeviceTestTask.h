/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What a device test's Task holds beside its device (tests of the i8042, PCI, snapshot and entropy
 * capabilities): a console and a Reticle of its own, fresh objects per Task.
 */

#pragma once

#include "../TestSupport.h"
#include <vectra/kernel/Capability.h>
#include <vectra/kernel/Console.h>

namespace vectra::test {

/* Gives `task` a console ("console", write) and a Reticle of `memory_size` carved from `arena` ("memory"). */
inline void give_console_and_memory(Task& task, Reticle& arena, usize memory_size = 128 * KiB)
{
    auto& space = task.capabilities();
    auto* console = MUST(arena.try_create<ConsoleDevice>(&arena));
    MUST(task.bundle().give("console", space, MUST(space.mint<CapabilityClass::Device>(console, RightWrite))));
    Reticle* memory = MUST(arena.try_carve(memory_size));
    MUST(task.bundle().give("memory", space, MUST(space.mint<CapabilityClass::Reticle>(memory, all_rights))));
}

}
