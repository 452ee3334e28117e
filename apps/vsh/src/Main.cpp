/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vsh's Task entries: its footprint checked, its capabilities taken, then vsh::run (Run.h); vsh_notifying
 * also holds a session of notifyd for `notify`.
 */

#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/footprints/vsh.h>
#include <vectra/footprints/vsh_notifying.h>
#include <vectra/snapshot/KernelTaskList.h>
#include <vsh/Run.h>

VECTRA_TASK_ENTRY(vsh);
VECTRA_TASK_ENTRY(vsh_notifying);

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

/* vsh with a session of notifyd for its notify command. */
ErrorOr<i32> vsh_notifying(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::vsh_notifying)); /* generated from notifying.footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto connections = TRY(vsh::take_connections_notifying(bundle));
    auto tasks = TRY(tasks::KernelTaskList::create(TRY(bundle.take<DeviceCap>("snapshot")), memory));
    return vsh::run(&console, memory, std::move(connections), &tasks);
}

}
