/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The debug snapshot read through its DeviceCap (vectra/kernel/SnapshotDevice.h, ADR 0045).
 */

#include <vectra/Try.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Snapshot.h>
#include <vectra/kernel/SnapshotDevice.h>

namespace vectra {

namespace {

ErrorOr<void> check(CapabilitySpace const& space, DeviceCap const& handle)
{
    if (TRY(space.lookup(handle, 0))->kind() != Device::Kind::Snapshot)
        return Error(ErrorCode::WrongClass, "the DeviceCap names a device that is not the snapshot");
    TRY(space.lookup(handle, RightRead));
    if (snapshot::table_bytes() == 0)
        return Error(ErrorCode::Unsupported, "this kernel keeps no debug snapshot (CONFIG_DEBUG_SNAPSHOT)");
    return {};
}

}

ErrorOr<usize> snapshot_size(CapabilitySpace const& space, DeviceCap const& handle)
{
    TRY(check(space, handle));
    return snapshot::table_bytes();
}

ErrorOr<usize> snapshot_copy(CapabilitySpace const& space, DeviceCap const& handle, std::span<u8> buffer)
{
    TRY(check(space, handle));
    usize bytes = snapshot::table_bytes();
    if (buffer.size() < bytes)
        return Error(ErrorCode::TooLarge, "the buffer is smaller than the snapshot's table");
    /*
     * Rewritten first from the caller's executor (the table is otherwise up to an interval old, or
     * as old as the last idle), then copied front to back, as an outside reader copies it. Another
     * CPU's executor may rewrite the table meanwhile: the reader checks the generations (the
     * table's contract) and reads again.
     */
    snapshot::write(Executor::current(), platform::monotonic_nanoseconds());
    __builtin_memcpy(buffer.data(), snapshot::table(), bytes);
    return bytes;
}

}
