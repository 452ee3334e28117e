/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Bundle.h>
#include <vectra/Error.h>
#include <vectra/ExitStatus.h>
#include <vectra/TaskTypes.h>

namespace vectra {

/*
 * The entry shape every Task's code is written in: its Bundle in — the Task's whole authority,
 * arguments and environment included (see Arguments.h) — and a typed exit status, or an
 * error, out.
 */
using ProcessMain = ErrorOr<ExitStatus> (*)(Bundle&);

/*
 * Adapts a ProcessMain to the primitives' TaskEntry, so it can be spawned:
 *
 *     ErrorOr<ExitStatus> main(Bundle&);
 *     executor.spawn(reticle, { "tool", task_main<main> });
 *
 * The status becomes its stable number; an error passes through unchanged (ExitCause::Failed).
 */
template<ProcessMain Main>
[[nodiscard]] ErrorOr<i32> task_main(Bundle& bundle)
{
    auto status = Main(bundle);
    if (status.is_error())
        return status.release_error();
    return static_cast<i32>(status.value());
}

}
