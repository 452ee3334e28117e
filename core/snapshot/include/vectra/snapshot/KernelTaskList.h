/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Tasks from the kernel: the debug snapshot copied through the snapshot DeviceCap (ADR 0045)
 * into a buffer of the Task's own memory, then parsed. A torn copy (the header's and trailer's
 * generations differ) is read again, at most three times.
 */

#pragma once

#include <span>
#include <vectra/Capability.h>
#include <vectra/snapshot/TaskList.h>

namespace vectra::tasks {

class KernelTaskList final : public TaskList {
public:
    /* `buffer` holds at least system::snapshot_size(snapshot) bytes. */
    KernelTaskList(DeviceCap snapshot, std::span<u8> buffer)
        : m_snapshot(std::move(snapshot))
        , m_buffer(buffer)
    {
    }
    /* The snapshot capability taken, and its buffer made from `memory`. */
    [[nodiscard]] static ErrorOr<KernelTaskList> create(DeviceCap snapshot, ReticleCap const& memory);

    [[nodiscard]] ErrorOr<TaskTable> read(std::span<TaskRow> rows) override;

private:
    DeviceCap m_snapshot;
    std::span<u8> m_buffer;
};

}
