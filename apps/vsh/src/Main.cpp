/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vsh's Task entry: its footprint checked, its capabilities taken, then vsh::run (Run.h).
 */

#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/footprints/vsh.h>
#include <vectra/snapshot/KernelTaskList.h>
#include <vsh/Run.h>

VECTRA_TASK_ENTRY(vsh);

namespace vectra::task_entries {

ErrorOr<i32> vsh(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::vsh)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto connections = TRY(vsh::take_connections(bundle));
    auto tasks = TRY(tasks::KernelTaskList::create(TRY(bundle.take<DeviceCap>("snapshot")), memory));
    return vsh::run(&console, memory, std::move(connections), &tasks);
}

}
