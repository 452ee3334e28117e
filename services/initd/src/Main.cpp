/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * initd: the first Task and the supervisor of every other (src/Supervisor.cpp). The kernel
 * spawns it under this name; group supervisors run the same Supervisor (entry initd_group).
 */

#include <initd/Manifest.h>
#include <initd/Supervisor.h>
#include <vectra/TaskEntry.h>

VECTRA_INITIAL_TASK_NAME("initd");

namespace vectra::kernel {

ErrorOr<i32> initial_task_entry(Bundle& bundle)
{
    return initd::supervise(bundle, initd::supervised_by_initd);
}

}
