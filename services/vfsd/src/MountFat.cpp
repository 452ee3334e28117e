/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd_disks' fat mounts: a FAT32 volume (components/fat) on a storaged partition session.
 */

#include "BlockMounts.h"
#include <new>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vfsd/CachingDevice.h>
#include <vfsd/FatBackend.h>

namespace vectra::vfs {

bool const fat_mounts_built = true;

namespace {

/*
 * What one fat mount takes from vfsd_disks' memory, with a page of slack per memory object: its
 * session's pool (the donation and two pages), the transfer buffer, the device and the backend
 * with its cache. The footprint pays 256 KiB per CONFIG_VFSD_BLOCK_MOUNTS; this holds it to that.
 */
constexpr usize fat_mount_bytes = session::donation_size<block::Protocol>() + 3 * 4096 + BlockSessionDevice::buffer_bytes + 4096
    + sizeof(BlockSessionDevice) + 4096 + FatBackend::bytes_needed(CONFIG_FAT_CACHE_SECTORS) + 4096;
static_assert(fat_mount_bytes <= 256 * 1024, "a fat mount outgrew the 256 KiB disks.footprint.json pays per block mount");

/*
 * The first fat mount's read cache: CONFIG_VFSD_FAT_READ_CACHE_KIB of data in 4 KiB chunks (512-byte
 * sectors), its tags, the device in front of the session and a page of slack; the footprint pays
 * 1100 bytes per KiB of it.
 */
constexpr u32 read_cache_chunks = CONFIG_VFSD_FAT_READ_CACHE_KIB / 4;
constexpr usize read_cache_bytes = CachingDevice::bytes_needed(read_cache_chunks, 512) + sizeof(CachingDevice) + 2 * 4096;
static_assert(CONFIG_VFSD_FAT_READ_CACHE_KIB == 0 || read_cache_bytes <= usize(CONFIG_VFSD_FAT_READ_CACHE_KIB) * 1100,
    "a read cache this small does not fit what disks.footprint.json pays for it: make it at least 128 KiB");
bool s_read_cache_taken = false;

ErrorOr<block::Device*> cached(Started& started, BlockSessionDevice& device)
{
    if (read_cache_chunks == 0 || s_read_cache_taken || device.sector_size() != 512)
        return &device;
    s_read_cache_taken = true;
    auto memory = TRY(endpoint::memory(started.memory, CachingDevice::bytes_needed(read_cache_chunks, 512)));
    auto place = TRY(endpoint::memory(started.memory, sizeof(CachingDevice)));
    return new (place.data()) CachingDevice(device, memory);
}

}

ErrorOr<void> mount_fat(Started& started, MountEntry const& entry, RingCap const& storage_requests,
    RingCap const& storage_replies)
{
    auto* placed_device = TRY(open_device(started, entry, storage_requests, storage_replies));
    auto* device = TRY(cached(started, *placed_device));
    auto backend_memory = TRY(endpoint::memory(started.memory, FatBackend::bytes_needed(CONFIG_FAT_CACHE_SECTORS, placed_device->sector_size())));
    auto* backend = TRY(FatBackend::try_create(backend_memory, *device, CONFIG_FAT_CACHE_SECTORS));
    TRY(started.service.router->mount(entry.point, *backend));
    auto const& geometry = backend->volume().geometry();
    TRY(print_line(started.console, "vfsd: fat at {} on partition {}: {} clusters of {} bytes, {} free", entry.point,
        entry.partition.view(), geometry.cluster_count, geometry.bytes_per_sector * geometry.sectors_per_cluster,
        backend->volume().free_clusters()));
    return {};
}

}
