/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <cstdlib>
#include <memory>
#include <vectra/Bundle.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Reticle.h>

namespace vectra::test {

/* Host memory standing in for a platform memory region, handed out as a root Reticle. */
class Arena {
public:
    explicit Arena(usize size)
        : m_memory(static_cast<u8*>(std::aligned_alloc(4096, size)))
        , m_reticle(reinterpret_cast<uptr>(m_memory), size)
    {
    }
    ~Arena() { std::free(m_memory); }
    Arena(Arena const&) = delete;
    Arena& operator=(Arena const&) = delete;

    Reticle& reticle() { return m_reticle; }
    u8* memory() { return m_memory; }

private:
    u8* m_memory;
    Reticle m_reticle;
};

/* How many entries of `task`'s capability space hold a capability. */
inline usize used_entries(Task& task)
{
    usize used = 0;
    for (auto const& entry : task.capabilities().entries())
        used += entry.used ? 1 : 0;
    return used;
}


/*
 * Runs `body(Bundle&)` as the entry of a fresh Task spawned from `memory`, after `fill(Task&)`
 * placed its capabilities (through the kernel's BundleObject, as a supervisor would); returns
 * what the Task returned. Component code under test runs inside a Task, where its kernel calls
 * act for that Task, exactly as in an image. The Task is reaped before this returns.
 */
template<typename Fill, typename Body>
ErrorOr<i32> run_as_task(Reticle& memory, Fill&& fill, Body&& body, usize stack_size = 64 * KiB)
{
    static std::remove_reference_t<Body>* s_body;
    s_body = &body;
    SpawnParameters parameters { "test-task", [](Bundle& bundle) -> ErrorOr<i32> { return (*s_body)(bundle); }, stack_size };
    auto& executor = Executor::current();
    Task* task = MUST(executor.spawn(memory, parameters));
    fill(*task);
    auto result = executor.run_until_exit(*task);
    auto cause = task->exit_cause();
    auto error = task->exit_error();
    /* A Task that held the last TaskCap on itself is forgotten as it ends: nothing to reap then. */
    if (task->is_listed())
        MUST(executor.reap(*task));
    if (result.is_error())
        return result.release_error();
    if (cause == ExitCause::Failed)
        return error;
    return result.value();
}


/* Runs `body()` inside a fresh Task (for component code whose kernel calls act for the caller). */
template<typename Body>
ErrorOr<i32> in_task(Reticle& memory, Body&& body)
{
    auto entry = [&](Bundle&) -> ErrorOr<i32> {
        body();
        return 0;
    };
    return run_as_task(memory, [](Task&) {}, entry);
}

}
