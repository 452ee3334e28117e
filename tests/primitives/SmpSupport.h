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
#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <unistd.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/kernel/KernelLock.h>
#include <vectra/platform/hosted/Processors.h>

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

/* Runs `check` in a child with `count` CPUs started; it returns 0 when everything held. */
template<typename Check>
void check_on_processors(u32 count, Check check, std::string* output = nullptr)
{
    auto result = run_checked([&] {
        platform::hosted::request_processors(count);
        if (kernel::start_processors().is_error() || Executor::task_processors() != count)
            return 1;
        return check();
    });
    INFO(result.output);
    REQUIRE(result.exited);
    CHECK(result.exit_status == 0);
    if (output)
        *output = std::move(result.output);
}

/* Raises `bit` of every Task in `tasks` until `done` of them say they are done, yielding now and then.
   An exited Task is still listed (reaped at the end), so its mask may still be raised. */
template<usize Count>
void raise_until_done(std::atomic<Task*> (&tasks)[Count], SignalBit bit, std::atomic<u32> const& done, u32 yield_every)
{
    u64 raises = 0;
    while (done.load() < Count) {
        for (auto& task : tasks)
            task.load()->signals().raise(bit);
        if (++raises % yield_every == 0)
            Executor::current().yield();
    }
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
