/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What fuzz targets whose handlers need a Task's kernel context share: `entry` run as a Task to its
 * end with 1 MiB of memory in its Bundle ("memory"); it must return 0, and everything it made goes.
 */

#pragma once

#include "../TestSupport.h"
#include <vectra/kernel/Executor.h>

namespace vectra::test {

inline void run_fuzz_task(TaskEntry entry)
{
    Arena arena(2 * MiB);
    CapabilitySpace supervisor(allocate_space_id());
    Reticle* memory = MUST(arena.reticle().try_carve(1 * MiB));
    auto memory_cap = MUST(supervisor.mint<CapabilityClass::Reticle>(memory, all_rights));
    auto& executor = Executor::current();
    Task* task = MUST(executor.spawn(arena.reticle(), { "fuzzer", entry, 128 * KiB }));
    MUST(task->bundle().give("memory", supervisor, std::move(memory_cap)));
    auto result = executor.run_until_exit(*task);
    VERIFY(!result.is_error() && task->exit_cause() == ExitCause::Returned && result.value() == 0);
    if (task->is_listed())
        MUST(executor.reap(*task));
    (void)supervisor.clear();
    memory->~Reticle();
}

}
