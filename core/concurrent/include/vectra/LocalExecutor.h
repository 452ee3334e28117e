/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Error.h>
#include <span>
#include <vectra/Types.h>

namespace vectra {

/*
 * The executor as a library: cooperative fibers inside one Task. They share the Task's
 * capability space and Signal Mask; each fiber waits on bits of that mask. When no fiber can
 * run, the LocalExecutor makes the Task's one signal wait — on the union of what its fibers
 * wait for — and hands the bits to the fibers that asked. Stacks are retyped from a Reticle
 * the caller holds; there is no heap and no ambient runtime: nothing runs unless the Task
 * calls run().
 *
 * Not for: parallelism (one Task runs on one CPU at a time) or isolation (fibers share every
 * capability of their Task; spawn a Task for a separate authority).
 */
class LocalExecutor {
public:
    static constexpr usize capacity = 16;
    using Entry = ErrorOr<void> (*)(LocalExecutor&, void* argument);

    /* `stacks`: memory the fibers' stacks are placed in (e.g. a mapped MemCap), bump by bump. */
    explicit LocalExecutor(std::span<u8> stacks)
        : m_stacks(stacks)
    {
    }
    LocalExecutor(LocalExecutor const&) = delete;
    LocalExecutor& operator=(LocalExecutor const&) = delete;

    /* Adds a fiber that will run `entry(*this, argument)`; returns its index. */
    [[nodiscard]] ErrorOr<usize> spawn(Entry, void* argument, usize stack_size = 16 * KiB);

    /* Runs the fibers until every one has finished; the first error a fiber returned, if any. */
    [[nodiscard]] ErrorOr<void> run();

    /* From inside a fiber: park until any bit of `mask` of the Task's mask is pending; clears and returns them. */
    u64 wait(u64 mask);
    /* From inside a fiber: let the other fibers run. */
    void yield();

    [[nodiscard]] usize current() const { return m_current; }
    [[nodiscard]] usize finished() const;

private:
    enum class State : u8 {
        Free,
        Ready,
        Waiting,
        Finished,
    };
    struct Fiber {
        State state { State::Free };
        Entry entry { nullptr };
        void* argument { nullptr };
        void* context { nullptr };
        u64 wait_mask { 0 };
        u64 received { 0 };
    };

    static void trampoline(void* executor_context, void* data);
    void switch_to(usize index);
    void switch_to_loop();
    [[nodiscard]] bool runnable(Fiber&);

    std::span<u8> m_stacks;
    usize m_stacks_used { 0 };
    Fiber m_fibers[capacity];
    usize m_current { capacity };
    void* m_loop_context { nullptr };
    u64 m_pending { 0 }; /* bits taken from the Task's mask, not yet handed to a fiber */
    Error m_first_error { ErrorCode::None, nullptr };
    bool m_failed { false };
};

}
