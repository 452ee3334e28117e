/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vctl's Task entry: vsh with vctl's commands (Commands.h) — its footprint checked, its
 * capabilities taken (Holdings.h), initd's control connection bound, then vsh::run with the
 * commands added.
 */

#include "Holdings.h"
#include <vctl/Commands.h>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/footprints/vctl.h>
#include <vectra/snapshot/KernelTaskList.h>

VECTRA_TASK_ENTRY(vctl);

namespace vectra::vctl {

ErrorOr<Holdings> take_holdings(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto connections = TRY(vsh::take_connections(bundle));
    auto snapshot = TRY(bundle.take<DeviceCap>("snapshot"));
    auto control_requests = TRY(bundle.take<RingCap>("control_requests"));
    auto control_replies = TRY(bundle.take<RingCap>("control_replies"));
    return Holdings { std::move(console), std::move(memory), std::move(connections), std::move(snapshot),
        std::move(control_requests), std::move(control_replies) };
}

ErrorOr<i32> run(Holdings holdings)
{
    auto tasks = TRY(tasks::KernelTaskList::create(std::move(holdings.snapshot), holdings.memory));
    auto control = TRY(Client<control::Protocol>::bind(std::move(holdings.control_requests), std::move(holdings.control_replies)));
    Commands commands(control, &tasks);
    return vsh::run(&holdings.console, holdings.memory, std::move(holdings.connections), &tasks, &commands);
}

}

namespace vectra::task_entries {

ErrorOr<i32> vctl(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::vctl)); /* generated from footprint.json */
    return vctl::run(TRY(vctl::take_holdings(bundle)));
}

}
