/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Panic.h>
#include "LockOrderHooks.h"
#include <vectra/kernel/LockOrder.h>
#include <vectra/platform/Platform.h>

namespace vectra::lock_order {

static_assert(timers < 64, "a CPU's held ranks are one u64");

namespace {

/* Written only by the CPU it belongs to. */
u64 s_held[CONFIG_CPUS_MAX];

u64* held_by_this_cpu()
{
    u32 self = platform::processor_running_this();
    if (self == platform::no_processor)
        return nullptr;
    VERIFY(self < CONFIG_CPUS_MAX);
    return &s_held[self];
}

}

void acquiring(u32 rank)
{
    u64* held = held_by_this_cpu();
    if (!held)
        return;
    /* Every held rank must be below this one: no bit at or above `rank`. */
    if ((*held >> rank) != 0) [[unlikely]] {
        /* Forgotten first: the panic's own way out takes the big lock, and must not fail again. */
        *held = 0;
        VERIFY(false && "a lock taken out of order (ADR 0026 §15)");
    }
    *held |= u64(1) << rank;
}

void released(u32 rank)
{
    u64* held = held_by_this_cpu();
    if (!held)
        return;
    VERIFY((*held & (u64(1) << rank)) != 0 && "a lock let go that this CPU does not hold");
    *held &= ~(u64(1) << rank);
}

void taking_own(u32 processor)
{
    u32 self = platform::processor_running_this();
    VERIFY((self == processor || self == platform::no_processor) && "an executor's own lock taken by another CPU");
}

u64 held_here()
{
    u64* held = held_by_this_cpu();
    return held ? *held : 0;
}

bool checked() { return true; }

}
