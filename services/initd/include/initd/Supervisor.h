/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <initd/Manifest.h>
#include <vectra/Bundle.h>
#include <vectra/Error.h>

namespace vectra::initd {

/*
 * Supervises the children boot_manifest places under `self` — a group supervisor's TaskSpec
 * index, or supervised_by_initd for initd — and returns its verdict: initd's image verdict, a
 * group of checks' count of checks that did not end as expected. A group of services returns
 * only on an error. The Bundle is the kernel's to initd (console, memory, tasks, irq-software)
 * or the one the manifest compiler computed for the group.
 */
[[nodiscard]] ErrorOr<i32> supervise(Bundle&, u16 self);

/* The TaskSpec index of the group supervisor the calling Task is, by the name it was spawned under. */
[[nodiscard]] ErrorOr<u16> own_group();

}
