/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Tasks from the kernel's debug snapshot (KernelTaskList.h).
 */

#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/snapshot/KernelTaskList.h>

namespace vectra::tasks {

ErrorOr<KernelTaskList> KernelTaskList::create(DeviceCap snapshot, ReticleCap const& memory)
{
    usize size = TRY(system::snapshot_size(snapshot));
    auto buffer = TRY(endpoint::memory(memory, (size + 4095) / 4096 * 4096));
    return KernelTaskList(std::move(snapshot), buffer);
}

ErrorOr<TaskTable> KernelTaskList::read(std::span<TaskRow> rows)
{
    for (usize attempt = 0;; ++attempt) {
        usize copied = TRY(system::snapshot_read(m_snapshot, m_buffer));
        auto table = parse_snapshot(m_buffer.subspan(0, copied), rows);
        if (!table.is_error() || !table.error().is(ErrorCode::Busy) || attempt == 2)
            return table;
    }
}

}
