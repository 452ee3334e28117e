/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd_disks' block mounts: one source per backend, built when its backend is configured
 * (CMakeLists.txt picks MountFat.cpp or NoFatMounts.cpp, MountStore.cpp or NoStoreMounts.cpp).
 */

#pragma once

#include "Start.h"
#include <vfsd/BlockSessionDevice.h>

namespace vectra::vfs {

/* The block sessions' doorbells: clear of the session table's (0-2, and 8 on). Calls are one at a time, so mounts share them. */
inline constexpr ConnectionBits block_bits { SignalBit(3), SignalBit(4), SignalBit(5) };

/* Whether this vfsd_disks was built with fat and store mounts (the mount table refuses the others). */
extern bool const fat_mounts_built;
extern bool const store_mounts_built;

/* A session with storaged for the entry's partition, as a block::Device placed in vfsd_disks' memory. */
[[nodiscard]] ErrorOr<BlockSessionDevice*> open_device(Started&, MountEntry const&, RingCap const& storage_requests,
    RingCap const& storage_replies, u32 buffer_size = BlockSessionDevice::buffer_bytes);

/* Mounts the entry's backend on its partition at its point and prints what it found; the reason when it cannot. */
[[nodiscard]] ErrorOr<void> mount_fat(Started&, MountEntry const&, RingCap const& storage_requests, RingCap const& storage_replies);
[[nodiscard]] ErrorOr<void> mount_store(Started&, MountEntry const&, RingCap const& storage_requests, RingCap const& storage_replies);

}
