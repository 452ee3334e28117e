/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Types.h>
#include <vectra/config.h>

namespace vectra::lock_order {

/*
 * The kernel's lock order (ADR 0026 §14, §15): the big kernel lock, then the executors' locks by
 * CPU index, lowest first, then the Timer list's lock. A CPU may take a lock only while every lock
 * it holds ranks below it; one taken out of order fails a VERIFY before it is waited for (the
 * deadlock it could cause needs a second CPU and luck; the order breaks on the first try). Each
 * CPU records the ranks it holds; a hosted thread that is no CPU is not recorded. Checked with
 * CONFIG_DEBUG_LOCK_ORDER outside Release builds (src/LockOrder.cpp); else nothing is checked
 * and the hooks are empty inline functions (src/NoLockOrder.cpp, src/lock_order/unchecked).
 */
inline constexpr u32 big_lock = 0;
[[nodiscard]] constexpr u32 executor(u32 processor) { return 1 + processor; }
inline constexpr u32 timers = 1 + CONFIG_CPUS_MAX;

/* The kernel's locks report to the checker through `acquiring` and `released`
   (LockOrderHooks.h in src/lock_order/checked or unchecked: calls, or nothing). */
/* The ranks this CPU holds, bit `rank` set for each (0 when unchecked). */
[[nodiscard]] u64 held_here();
/* Whether the checks run in this build. */
[[nodiscard]] bool checked();

}
