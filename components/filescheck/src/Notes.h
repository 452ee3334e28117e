/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/fs/Client.h>

namespace vectra::files_check {

/*
 * A SQLite database on /data (the store), across boots: boot `boot` finds exactly the rows every
 * earlier boot committed (none it rolled back or left uncommitted) with integrity_check ok,
 * commits its own, rolls one transaction back, and leaves one uncommitted at power-off — its WAL
 * frames synced to the disk, the connection never closed. SQLite's heap is retyped from `memory`.
 */
[[nodiscard]] ErrorOr<void> check_notes(ConsoleCap const& console, vfs::Client& fs, ReticleCap const& memory, u64 boot);

}
