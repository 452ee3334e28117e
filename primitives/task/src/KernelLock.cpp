/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <atomic>
#include <vectra/Panic.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/KernelLock.h>
#include "LockOrderHooks.h"
#include <vectra/kernel/LockOrder.h>
#include <vectra/kernel/TicketLock.h>
#include <vectra/platform/Platform.h>

namespace vectra::kernel_lock {

namespace {

constexpr u32 nobody = ~u32(0);

TicketLock<platform::spin_pause> s_lock;

}

std::atomic<u32> holder { nobody };

void enter(u32 self)
{
    VERIFY(holder.load(std::memory_order_relaxed) != self); /* a CPU re-entering would wait for itself forever */
    lock_order::acquiring(lock_order::big_lock);
    s_lock.acquire();
    holder.store(self, std::memory_order_relaxed);
}

void enter() { enter(platform::current_processor()); }

void leave()
{
    VERIFY(holder.load(std::memory_order_relaxed) == platform::current_processor());
    holder.store(nobody, std::memory_order_relaxed);
    s_lock.release();
    lock_order::released(lock_order::big_lock);
}

void leave_scope()
{
    Executor::current().open_start_gates_outside_tasks();
    leave();
}

bool held_here() { return held_by(platform::current_processor()); }

u32 queued() { return s_lock.queued(); }

}
