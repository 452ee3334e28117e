/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd_disks: vfsd with block mounts (ADR 0022). Besides vfsd's slots it holds storaged's
 * listener (disks.footprint.json); for each `fat:PARTITION:/POINT` of CONFIG_VFSD_MOUNTS it opens
 * a session for that partition, mounts the FAT32 volume on it and adds it to the namespace. A
 * mount that fails ends the Task with the reason on the console (initd's policy decides the rest):
 * a namespace missing a mount the image declares is never served.
 */

#include "Start.h"
#include <new>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/vfsd_disks.h>
#include <vfsd/BlockSessionDevice.h>
#include <vfsd/FatBackend.h>

VECTRA_TASK_ENTRY(vfsd_disks);

namespace vectra::vfs {

namespace {

/* The block sessions' doorbells: clear of the session table's (0-2, and 8 on). Calls are one at a time, so mounts share them. */
constexpr ConnectionBits block_bits { SignalBit(3), SignalBit(4), SignalBit(5) };

/*
 * What one fat mount takes from vfsd_disks' memory, with a page of slack per memory object: its
 * session's pool (the donation and two pages), the transfer buffer, the device and the backend
 * with its cache. The footprint pays 256 KiB per CONFIG_VFSD_BLOCK_MOUNTS; this holds it to that.
 */
constexpr usize fat_mount_bytes = session::donation_size<block::Protocol>() + 3 * 4096 + BlockSessionDevice::buffer_bytes + 4096
    + sizeof(BlockSessionDevice) + 4096 + FatBackend::bytes_needed(CONFIG_FAT_CACHE_SECTORS) + 4096;
static_assert(fat_mount_bytes <= 256 * 1024, "a fat mount outgrew the 256 KiB disks.footprint.json pays per block mount");

ErrorOr<void> mount_fat(Started& started, MountEntry const& entry, RingCap const& storage_requests,
    RingCap const& storage_replies)
{
    auto device = TRY(BlockSessionDevice::open(storage_requests, storage_replies, started.memory, entry.partition.view(), block_bits));
    auto device_memory = TRY(endpoint::memory(started.memory, sizeof(BlockSessionDevice)));
    auto* placed_device = new (device_memory.data()) BlockSessionDevice(std::move(device));
    auto backend_memory = TRY(endpoint::memory(started.memory, FatBackend::bytes_needed(CONFIG_FAT_CACHE_SECTORS, placed_device->sector_size())));
    auto* backend = TRY(FatBackend::try_create(backend_memory, *placed_device, CONFIG_FAT_CACHE_SECTORS));
    TRY(started.service.router->mount(entry.point, *backend));
    auto const& geometry = backend->volume().geometry();
    TRY(print_line(started.console, "vfsd: fat at {} on partition {}: {} clusters of {} bytes, {} free", entry.point,
        entry.partition.view(), geometry.cluster_count, geometry.bytes_per_sector * geometry.sectors_per_cluster,
        backend->volume().free_clusters()));
    return {};
}

}

}

namespace vectra::task_entries {

ErrorOr<i32> vfsd_disks(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::vfsd_disks)); /* generated from disks.footprint.json */
    auto storage_requests = TRY(bundle.take<RingCap>("storage-requests"));
    auto storage_replies = TRY(bundle.take<RingCap>("storage-replies"));
    auto started = TRY(vfs::start(bundle, { .fat = true, .store = false }));
    if (started.mounts->count - 1 > CONFIG_VFSD_BLOCK_MOUNTS) {
        TRY(print_line(started.console, "vfsd: {} block mounts, but CONFIG_VFSD_BLOCK_MOUNTS pays for {}", started.mounts->count - 1,
            CONFIG_VFSD_BLOCK_MOUNTS));
        return Error(ErrorCode::OutOfMemory, "more block mounts than vfsd_disks' memory pays for");
    }
    for (usize index = 1; index < started.mounts->count; ++index) {
        auto const& entry = started.mounts->entries[index];
        if (entry.backend != vfs::BackendKind::Fat)
            return Error(ErrorCode::Unsupported, "vfsd_disks mounts fat partitions only");
        auto mounted = vfs::mount_fat(started, entry, storage_requests, storage_replies);
        if (mounted.is_error()) {
            TRY(print_line(started.console, "vfsd: mounting partition {} at {} failed: {}", entry.partition.view(), entry.point,
                mounted.error().message()));
            return mounted.release_error();
        }
    }
    return vfs::serve(started);
}

}
