/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <atomic>
#include <vectra/Types.h>
#include <vectra/platform/Platform.h>

namespace vectra::kernel_lock {

/*
 * The big kernel lock (ADR 0026, seL4's choice): one ticket lock every CPU holds while it runs
 * kernel code — a kernel call, an interrupt, a fault, the executor's scheduler — and that no CPU
 * holds while it runs a Task's own code or idles. So the kernel is still the one-CPU kernel:
 * one CPU inside at a time. A switch from one Task's kernel call into another's happens with the
 * lock held and hands it on; whoever resumes releases it on the way out iff it took it on the way
 * in (Entry below), and a Task's first switch-in releases it (Executor::task_trampoline).
 */
void enter();
void leave();
/* enter() for a caller that knows its CPU index already (Entry: one lookup, not two). */
void enter(u32 self);
/* leave() at the end of an Entry's scope: first starts the Tasks a CPU running no Task (the boot
   thread, a host test) spawned onto other CPUs inside it (Executor::spawn), their Bundles filled. */
void leave_scope();
/* The CPU holding the lock (~0 when none); written by the holder only, read by any CPU to ask "is it me?". */
extern std::atomic<u32> holder;
/* Whether the calling CPU holds the lock. */
[[nodiscard]] bool held_here();
/* Inline: every Task switch asks it (Executor::enter_switch_path). */
[[nodiscard]] inline bool held_by(u32 self) { return holder.load(std::memory_order_relaxed) == self; }
/* CPUs holding or waiting for the lock (a diagnostic; 0 when free). */
[[nodiscard]] u32 queued();

/* Takes the lock for a scope unless the calling CPU holds it already. */
class Entry {
public:
    Entry()
    {
        u32 self = platform::current_processor();
        m_took = !held_by(self);
        if (m_took)
            enter(self);
    }
    /* Looks its CPU up again: the Task may have been stolen, and left on another CPU. */
    ~Entry()
    {
        if (m_took)
            leave_scope();
    }
    Entry(Entry const&) = delete;
    Entry& operator=(Entry const&) = delete;

private:
    bool m_took { false };
};

}
