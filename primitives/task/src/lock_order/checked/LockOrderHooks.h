/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/kernel/LockOrder.h>

/* The lock-order checks, made (src/LockOrder.cpp). CMake picks this folder or `unchecked`. */
namespace vectra::lock_order {

/* Before waiting for the lock of `rank`: fails when this CPU holds a lock ranked at or above it. */
void acquiring(u32 rank);
/* After letting it go: fails when this CPU did not hold it. */
void released(u32 rank);
/* Before an executor takes its own lock naming its CPU without a lookup: fails on any other CPU. */
void taking_own(u32 processor);

}
