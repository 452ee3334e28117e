/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/kernel/LockOrder.h>

/* The lock order unchecked (Release, or CONFIG_DEBUG_LOCK_ORDER=n): nothing to call on the switch path. */
namespace vectra::lock_order {

inline void acquiring(u32) { }
inline void released(u32) { }
inline void taking_own(u32) { }

}
