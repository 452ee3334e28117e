/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * @name@: an application, written in the process shape (core/process) — its Bundle in, its whole
 * authority, and a typed exit status out — and adapted to a Task entry by task_main.
 */

#include <vectra/Process.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>

VECTRA_TASK_ENTRY(@name@);

namespace vectra::task_entries {

namespace {

ErrorOr<ExitStatus> run(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    TRY(print_line(console, "@name@: hello from an app"));
    return ExitStatus::Success;
}

}

ErrorOr<i32> @name@(Bundle& bundle)
{
    return task_main<run>(bundle);
}

}
