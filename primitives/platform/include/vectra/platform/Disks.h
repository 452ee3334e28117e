/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Disks the machine itself hands the kernel as block devices (ADR 0017): on hosted, the files
 * named by the process's --disk= arguments, in order; none on x86_64 and aarch64, whose disks are
 * PCI functions a driver Task reaches through its PciDeviceCap (virtio-blk). The kernel makes a
 * block DeviceCap per disk for initd ("block0", "block1", …). Transfers complete before the call
 * returns.
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra::platform {

inline constexpr usize maximum_disks = 4;

struct DiskGeometry {
    u32 block_size { 512 };
    u64 block_count { 0 };
    bool read_only { false };
};

/* How many disks the platform has (at most maximum_disks). */
[[nodiscard]] usize disk_count();
/* Disk `index` (< disk_count()). */
[[nodiscard]] DiskGeometry disk_geometry(usize index);
/* Reads or writes `bytes` at byte `offset` of disk `index`; the caller checked the range. */
[[nodiscard]] ErrorOr<void> disk_read(usize index, u64 offset, std::span<u8> bytes);
[[nodiscard]] ErrorOr<void> disk_write(usize index, u64 offset, std::span<u8 const> bytes);
/* Every write that returned before is durable (fdatasync on hosted). */
[[nodiscard]] ErrorOr<void> disk_flush(usize index);

}
