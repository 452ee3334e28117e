/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What the executor-per-CPU cases (ADR 0026) share: a child process with an alarm (started CPUs
 * never stop, and a lost wake-up hangs one), a spawn onto a CPU under the kernel lock, and the
 * reaping of every CPU's exited Tasks.
 */

#pragma once

#include "../TestSupport.h"
#include "../platforms/ChildProcess.h"
#include <unistd.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/KernelLock.h>

namespace vectra::test {

/* A lost wake-up hangs a CPU: the alarm ends the child, and the case fails. */
template<typename Check>
ChildResult run_checked(Check check)
{
    return run_in_child([&] {
        alarm(60);
        _exit(check());
    });
}

inline Task* spawn_on(Arena& arena, char const* name, TaskEntry entry, u32 processor, Band band = Band::Person)
{
    SpawnParameters parameters { name, entry };
    parameters.processor = processor;
    parameters.band = band;
    kernel_lock::Entry lock; /* the other CPUs' executors are live */
    return Executor::current().spawn(arena.reticle(), parameters).value();
}

/* Reaps every exited Task (so their guard pages go before the arena does); false if one has not exited. */
inline bool reap_all_processors()
{
    kernel_lock::Entry lock;
    for (u32 index = 0; index < Executor::task_processors(); ++index) {
        auto& executor = Executor::of_processor(index);
        while (Task* task = executor.tasks()) {
            if (executor.reap(*task).is_error())
                return false;
        }
    }
    return true;
}

}
