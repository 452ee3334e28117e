/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The debug snapshot as a capability (ADR 0045): a DeviceCap of kind Snapshot, minted for initd
 * with RightRead (and grant, revoke) only — no right the kernel would honour for writing exists —
 * and granted by the boot manifest to the Tasks that name it ("device": "snapshot"). Its holder
 * asks the table's size and copies the whole table, rewritten for the read from the calling CPU's
 * executor, into its own memory; a Task without it has nothing that names the table.
 */

#pragma once

#include <span>
#include <vectra/kernel/Console.h>

namespace vectra {

class SnapshotDevice final : public Device {
public:
    explicit SnapshotDevice(KernelObject* origin = nullptr)
        : Device(Kind::Snapshot, origin)
    {
    }
};

/* The table's bytes: needs a DeviceCap of kind Snapshot with RightRead; Unsupported without CONFIG_DEBUG_SNAPSHOT. */
[[nodiscard]] ErrorOr<usize> snapshot_size(CapabilitySpace const&, DeviceCap const&);
/* Rewrites the table from the caller's executor, then copies it whole into `buffer` (TooLarge when it is smaller); returns the bytes copied. */
[[nodiscard]] ErrorOr<usize> snapshot_copy(CapabilitySpace const&, DeviceCap const&, std::span<u8> buffer);

}
