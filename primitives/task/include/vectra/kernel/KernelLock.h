/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Types.h>

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
/* Whether the calling CPU holds the lock. */
[[nodiscard]] bool held_here();
/* CPUs holding or waiting for the lock (a diagnostic; 0 when free). */
[[nodiscard]] u32 queued();

/* Takes the lock for a scope unless the calling CPU holds it already. */
class Entry {
public:
    Entry()
        : m_took(!held_here())
    {
        if (m_took)
            enter();
    }
    ~Entry()
    {
        if (m_took)
            leave();
    }
    Entry(Entry const&) = delete;
    Entry& operator=(Entry const&) = delete;

private:
    bool m_took;
};

}
