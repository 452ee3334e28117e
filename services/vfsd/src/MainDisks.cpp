/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd_disks: vfsd with block mounts (ADR 0022). Besides vfsd's slots it holds storaged's
 * listener (disks.footprint.json); for each `fat` or `store` mount of the mount table its manifest
 * entry's configuration names (ADR 0037) it opens a session for that partition, mounts the FAT32
 * volume or the crash-safe store (ADR 0023; `"format": true` formats a never-written partition)
 * on it and adds it to the namespace. A
 * mount that fails ends the Task with the reason on the console (initd's policy decides the rest):
 * a namespace missing a mount the image declares is never served.
 */

#include "Start.h"
#include "BlockMounts.h"
#include <new>
#include <vectra/Configuration.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/vfsd_disks.h>

VECTRA_TASK_ENTRY(vfsd_disks);

/* The mount table's types decode exactly what disks.footprint.json declares (the manifest compiler encodes that). */
static_assert(vectra::configuration_matches<vectra::vfs::MountConfiguration, vectra::footprints::vfsd_disks_configuration>(),
    "vfs::MountConfiguration differs from the \"config\" declared in services/vfsd/disks.footprint.json");

namespace vectra::vfs {

ErrorOr<BlockSessionDevice*> open_device(Started& started, MountEntry const& entry, RingCap const& storage_requests,
    RingCap const& storage_replies, u32 buffer_size)
{
    auto device = TRY(BlockSessionDevice::open(storage_requests, storage_replies, started.memory, entry.partition.view(), block_bits,
        buffer_size));
    auto device_memory = TRY(endpoint::memory(started.memory, sizeof(BlockSessionDevice)));
    return new (device_memory.data()) BlockSessionDevice(std::move(device));
}

}

namespace vectra::task_entries {

ErrorOr<i32> vfsd_disks(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::vfsd_disks)); /* generated from disks.footprint.json */
    auto storage_requests = TRY(bundle.take<RingCap>("storage-requests"));
    auto storage_replies = TRY(bundle.take<RingCap>("storage-replies"));
    auto started = TRY(vfs::start(bundle, { .fat = vfs::fat_mounts_built, .store = vfs::store_mounts_built }, true));
    if (started.mounts->count - 1 > CONFIG_VFSD_BLOCK_MOUNTS) {
        TRY(print_line(started.console, "vfsd: {} block mounts, but CONFIG_VFSD_BLOCK_MOUNTS pays for {}", started.mounts->count - 1,
            CONFIG_VFSD_BLOCK_MOUNTS));
        return Error(ErrorCode::OutOfMemory, "more block mounts than vfsd_disks' memory pays for");
    }
    for (usize index = 1; index < started.mounts->count; ++index) {
        auto const& entry = started.mounts->entries[index];
        auto mounted = entry.backend == vfs::BackendKind::Store ? vfs::mount_store(started, entry, storage_requests, storage_replies)
                                                               : vfs::mount_fat(started, entry, storage_requests, storage_replies);
        if (mounted.is_error()) {
            TRY(print_line(started.console, "vfsd: mounting partition {} at {} failed: {}", entry.partition.view(), entry.point,
                mounted.error().message()));
            return mounted.release_error();
        }
    }
    return vfs::serve(started);
}

}
