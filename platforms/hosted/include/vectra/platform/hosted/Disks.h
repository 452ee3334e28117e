/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted platform's disks (vectra/platform/Disks.h): files opened before boot from the
 * process's --disk=PATH arguments (Main.cpp), or by a host test.
 */

#pragma once

#include <vectra/Error.h>

namespace vectra::platform::hosted {

/* Opens `path` (read-write, or read-only when that is all the process may) as the next disk. */
[[nodiscard]] ErrorOr<void> attach_disk(char const* path);
/* Closes every disk (host tests, between cases). */
void detach_disks();

}
