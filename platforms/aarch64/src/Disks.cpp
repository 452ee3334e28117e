/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * No disks from the machine itself (vectra/platform/Disks.h): on aarch64 a disk is a PCI function
 * (virtio-blk-pci) that a driver Task reaches through its PciDeviceCap, not a kernel device.
 */

#include <vectra/platform/Disks.h>

namespace vectra::platform {

usize disk_count() { return 0; }

DiskGeometry disk_geometry(usize) { return {}; }

ErrorOr<void> disk_read(usize, u64, std::span<u8>) { return Error(ErrorCode::Unsupported, "no platform disks"); }

ErrorOr<void> disk_write(usize, u64, std::span<u8 const>) { return Error(ErrorCode::Unsupported, "no platform disks"); }

ErrorOr<void> disk_flush(usize) { return Error(ErrorCode::Unsupported, "no platform disks"); }

}
