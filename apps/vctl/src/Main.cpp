/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vctl's Task entry: vsh with vctl's commands (Commands.h) — its footprint checked, its
 * capabilities taken, initd's control connection bound, then vsh::run with the commands added.
 */

#include <vctl/Commands.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/footprints/vctl.h>
#include <vectra/snapshot/KernelTaskList.h>
#include <vsh/Run.h>

VECTRA_TASK_ENTRY(vctl);

namespace vectra::task_entries {

ErrorOr<i32> vctl(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::vctl)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto connections = TRY(vsh::take_connections(bundle));
    auto tasks = TRY(tasks::KernelTaskList::create(TRY(bundle.take<DeviceCap>("snapshot")), memory));
    auto control = TRY(Client<control::Protocol>::bind(TRY(bundle.take<RingCap>("control_requests")),
        TRY(bundle.take<RingCap>("control_replies"))));
    vctl::Commands commands(control, &tasks);
    return vsh::run(&console, memory, std::move(connections), &tasks, &commands);
}

}
