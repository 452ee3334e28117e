/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd_disks' store mounts: the crash-safe store (components/store, ADR 0023) on a storaged
 * partition session, formatted first when the mount says `"format": true` and the partition was never written.
 */

#include "BlockMounts.h"
#include <new>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vfsd/StoreBackend.h>

namespace vectra::vfs {

bool const store_mounts_built = true;

namespace {

/*
 * What a store mount keeps (components/store/README.md): its files' nodes, their extents, the
 * name index (a power of two, at least twice the nodes), two bitmaps of a bit per 4 KiB block
 * (sized for partitions up to store_maximum_blocks; a larger partition is refused at mount) and
 * the buffer that holds a block and the largest catalog: at least 64 KiB, else room for every
 * file with a name of catalog_name_bytes on average and every extent (a larger catalog is
 * refused at sync, never half-written). All from Kconfig (VFSD_STORE_FILES, VFSD_STORE_EXTENTS,
 * VFSD_STORE_MAXIMUM_MIB): the defaults are image files' 64 files and 512 extents in 128 MiB.
 */
constexpr usize power_of_two_at_least(usize value)
{
    usize power = 1;
    while (power < value)
        power *= 2;
    return power;
}
constexpr usize store_nodes = CONFIG_VFSD_STORE_FILES;
constexpr usize store_extents = CONFIG_VFSD_STORE_EXTENTS;
constexpr usize store_index = power_of_two_at_least(2 * store_nodes);
constexpr u64 store_maximum_mib = CONFIG_VFSD_STORE_MAXIMUM_MIB;
constexpr u64 store_maximum_blocks = store_maximum_mib * MiB / store::block_size;
constexpr usize catalog_name_bytes = 48;
constexpr usize store_catalog_bytes = store::catalog_header_bytes
    + store_nodes * (store::catalog_file_bytes + catalog_name_bytes) + store_extents * store::catalog_extent_bytes;
constexpr usize store_buffer_bytes = (store_catalog_bytes > 64 * KiB ? store_catalog_bytes : 64 * KiB) + store::block_size;
constexpr usize store_bitmap_words = store::Memory::bitmap_words(store_maximum_blocks);
/* The storaged session's transfer buffer: a request moves at most this much (1 MiB reads and writes want 1 MiB). */
constexpr u64 store_extra_transfer_kib = CONFIG_VFSD_STORE_EXTRA_TRANSFER_KIB;
constexpr usize store_transfer_bytes = BlockSessionDevice::buffer_bytes + store_extra_transfer_kib * KiB;
constexpr usize store_cache_blocks = CONFIG_VFSD_STORE_CACHE_BLOCKS;
static_assert(sizeof(store::CacheSlot) <= 4160, "a cache block outgrew what disks.footprint.json pays for it");
constexpr usize store_parts_bytes = store_nodes * sizeof(store::Node) + 64 + store_extents * sizeof(store::Extent) + 64
    + store_index * sizeof(u32) + 64 + store_bitmap_words * sizeof(u64) + 64 + store_buffer_bytes + 64
    + store_cache_blocks * sizeof(store::CacheSlot);

/* The same session, buffer and device as a fat mount, then the store's parts and the backend, a page of slack for each. */
constexpr usize store_mount_bytes = session::donation_size<block::Protocol>() + 3 * 4096 + store_transfer_bytes + 4096
    + sizeof(BlockSessionDevice) + 4096 + store_parts_bytes + 4096 + sizeof(StoreBackend) + 4096;
/*
 * What disks.footprint.json pays for a store mount: the 256 KiB of every block mount, and
 * bytes_per CONFIG_VFSD_STORE_FILES 400, CONFIG_VFSD_STORE_EXTENTS 48, CONFIG_VFSD_STORE_MAXIMUM_MIB
 * 64, CONFIG_VFSD_STORE_EXTRA_TRANSFER_KIB 1024 and CONFIG_VFSD_STORE_CACHE_BLOCKS 4160 (for one store mount of that size; a second
 * one is refused at start when the Task's memory runs out).
 */
constexpr usize store_mount_paid = 256 * KiB + 400 * store_nodes + 48 * store_extents + 64 * store_maximum_mib
    + store_extra_transfer_kib * KiB + 4160 * store_cache_blocks;
static_assert(store_mount_bytes <= store_mount_paid, "a store mount outgrew what disks.footprint.json pays for it");

/* `count` objects of T from `from`, 64-byte aligned (the memory object is page aligned). */
template<typename T>
std::span<T> carve_span(std::span<u8>& from, usize count)
{
    auto* start = reinterpret_cast<T*>(from.data());
    usize bytes = (count * sizeof(T) + 63) & ~usize(63);
    from = from.subspan(bytes);
    return { start, count };
}

}

ErrorOr<void> mount_store(Started& started, MountEntry const& entry, RingCap const& storage_requests,
    RingCap const& storage_replies)
{
    auto* device = TRY(open_device(started, entry, storage_requests, storage_replies, store_transfer_bytes));
    u64 blocks = device->sector_count() * device->sector_size() / store::block_size;
    if (blocks > store_maximum_blocks)
        return Error(ErrorCode::TooLarge, "the partition is larger than a store mount's bitmaps cover (VFSD_STORE_MAXIMUM_MIB)");
    auto parts = TRY(endpoint::memory(started.memory, store_parts_bytes));
    store::Memory memory {
        carve_span<store::Node>(parts, store_nodes),
        carve_span<store::Extent>(parts, store_extents),
        carve_span<u32>(parts, store_index),
        carve_span<u64>(parts, store::Memory::bitmap_words(blocks)),
        carve_span<u8>(parts, store_buffer_bytes),
        carve_span<store::CacheSlot>(parts, store_cache_blocks),
    };
    auto placement = TRY(endpoint::memory(started.memory, sizeof(StoreBackend)));
    auto* backend = TRY(StoreBackend::try_create(placement, *device, memory,
        entry.format_if_empty ? StoreBackend::Format::IfEmpty : StoreBackend::Format::Never));
    TRY(started.service.router->mount(entry.point, *backend));
    auto report = backend->report();
    TRY(print_line(started.console, "vfsd: store at {} on partition {}{}: {} blocks of {} bytes, {} free, generation {}",
        entry.point, entry.partition.view(), backend->formatted() ? " (formatted: it was empty)" : "", report.block_count,
        store::block_size, report.free_blocks, report.generation));
    return {};
}

}
