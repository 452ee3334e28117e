/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Bundle.h>
#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/SignalMask.h>
#include <vectra/Task.h>

namespace vectra::kernel {

/*
 * The first Task. The image's init service defines it (services/initd); the kernel spawns it
 * with a Bundle holding "console" (DeviceCap, write), "memory" (ReticleCap over all free RAM
 * left after the kernel's own objects, retype) and "tasks" (TaskCap with the spawn right).
 */
[[nodiscard]] ErrorOr<i32> initial_task_entry(Bundle&);

/* Spawn a Task; the caller must hold a TaskCap carrying RightSpawn. */
[[nodiscard]] ErrorOr<Task*> spawn(TaskCap const& authority, Reticle& reticle, SpawnParameters const&);

/* Route interrupt `line` to `bit` of `mask` (a driver Task's own mask). */
[[nodiscard]] ErrorOr<void> bind_interrupt(u32 line, SignalMask& mask, SignalBit bit);

}
