/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A disk the platform hands the kernel (vectra/platform/Disks.h; the hosted process's --disk=
 * files), named by a DeviceCap (ADR 0017). Its holder — a block driver Task — asks for the
 * geometry (RightRead), reads blocks into a MemCap it holds with RightWrite (device RightRead),
 * writes blocks from a MemCap it holds with RightRead (device RightWrite) and flushes (device
 * RightWrite). Every range is checked here: the blocks inside the disk, the bytes inside the
 * memory, neither wrapping around; a read-only disk refuses writes and flushes.
 */

#pragma once

#include <vectra/kernel/Console.h>
#include <vectra/kernel/MemoryObject.h>
#include <vectra/platform/Disks.h>

namespace vectra {

using BlockCap = DeviceCap;

class BlockDevice final : public Device {
public:
    BlockDevice(KernelObject* origin, usize index, platform::DiskGeometry const& geometry)
        : Device(Kind::Block, origin)
        , m_index(index)
        , m_geometry(geometry)
    {
    }

    [[nodiscard]] usize index() const { return m_index; }
    [[nodiscard]] platform::DiskGeometry const& geometry() const { return m_geometry; }

private:
    usize m_index;
    platform::DiskGeometry m_geometry;
};

/* One transfer: `count` blocks from block `first`, at byte `offset` of the memory. */
struct BlockTransfer {
    u64 first { 0 };
    u32 count { 0 };
    u64 offset { 0 };
};

[[nodiscard]] ErrorOr<platform::DiskGeometry> block_info(CapabilitySpace const&, BlockCap const&);
[[nodiscard]] ErrorOr<void> block_read(CapabilitySpace const&, BlockCap const&, MemCap const&, BlockTransfer const&);
[[nodiscard]] ErrorOr<void> block_write(CapabilitySpace const&, BlockCap const&, MemCap const&, BlockTransfer const&);
[[nodiscard]] ErrorOr<void> block_flush(CapabilitySpace const&, BlockCap const&);

}

namespace vectra::kernel {

/* The names initd finds the platform's disks under in its Bundle: "block0" … "block3". */
[[nodiscard]] char const* block_slot_name(usize index);

}
