/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The block calls (vectra/kernel/BlockDevice.h): look the DeviceCap up with the right each needs,
 * check it names a disk, check the ranges, then let the platform move the bytes.
 */

#include <vectra/Try.h>
#include <vectra/kernel/BlockDevice.h>

namespace vectra {

namespace {

ErrorOr<BlockDevice*> disk_of(CapabilitySpace const& space, BlockCap const& capability, Rights needed)
{
    if (TRY(space.lookup(capability, 0))->kind() != Device::Kind::Block)
        return Error(ErrorCode::WrongClass, "the DeviceCap names a device that is not a disk");
    return static_cast<BlockDevice*>(TRY(space.lookup(capability, needed)));
}

/* The byte range on the disk and in the memory, both checked without wrapping. */
ErrorOr<u64> checked_range(BlockDevice const& disk, BlockTransfer const& transfer, usize memory_size)
{
    auto const& geometry = disk.geometry();
    if (transfer.count == 0)
        return Error(ErrorCode::InvalidArgument, "a transfer of no blocks");
    if (transfer.first >= geometry.block_count || transfer.count > geometry.block_count - transfer.first)
        return Error(ErrorCode::InvalidArgument, "the blocks reach past the disk");
    u64 bytes = u64(transfer.count) * geometry.block_size;
    if (transfer.offset > memory_size || bytes > memory_size - transfer.offset)
        return Error(ErrorCode::InvalidArgument, "the bytes reach past the memory");
    return bytes;
}

}

ErrorOr<platform::DiskGeometry> block_info(CapabilitySpace const& space, BlockCap const& disk)
{
    return TRY(disk_of(space, disk, RightRead))->geometry();
}

ErrorOr<void> block_read(CapabilitySpace const& space, BlockCap const& disk, MemCap const& memory, BlockTransfer const& transfer)
{
    BlockDevice* device = TRY(disk_of(space, disk, RightRead));
    auto bytes = TRY(writable_view(space, memory));
    u64 length = TRY(checked_range(*device, transfer, bytes.size()));
    return platform::disk_read(device->index(), transfer.first * device->geometry().block_size,
        bytes.subspan(transfer.offset, length));
}

ErrorOr<void> block_write(CapabilitySpace const& space, BlockCap const& disk, MemCap const& memory, BlockTransfer const& transfer)
{
    BlockDevice* device = TRY(disk_of(space, disk, RightWrite));
    if (device->geometry().read_only)
        return Error(ErrorCode::MissingRight, "the disk is read-only");
    auto bytes = TRY(readable_view(space, memory));
    u64 length = TRY(checked_range(*device, transfer, bytes.size()));
    return platform::disk_write(device->index(), transfer.first * device->geometry().block_size,
        bytes.subspan(transfer.offset, length));
}

ErrorOr<void> block_flush(CapabilitySpace const& space, BlockCap const& disk)
{
    BlockDevice* device = TRY(disk_of(space, disk, RightWrite));
    if (device->geometry().read_only)
        return Error(ErrorCode::MissingRight, "the disk is read-only");
    return platform::disk_flush(device->index());
}

}

namespace vectra::kernel {

char const* block_slot_name(usize index)
{
    static char const* const names[platform::maximum_disks] = { "block0", "block1", "block2", "block3" };
    return index < platform::maximum_disks ? names[index] : nullptr;
}

}
