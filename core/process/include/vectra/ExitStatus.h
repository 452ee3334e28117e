/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * How a Task's work ended, as its supervisor reads it. Small on purpose, and the numbers are
 * stable: they are what Task::exit_status() holds and what a supervisor's restart policy keys
 * on. A Task that fails with an Error (its entry returns one) is reported separately
 * (ExitCause::Failed), so these say how work that ran to its end turned out.
 */
enum class ExitStatus : u8 {
    Success = 0, /* the work is done */
    Failure = 1, /* the work failed; nothing more specific applies */
    Usage = 2, /* the arguments or environment were wrong: restarting will not help */
    Unavailable = 3, /* something the Task needs is not there (a peer, a device): a restart may help */
    Denied = 4, /* the Bundle lacks the authority the work needs */
    BadInput = 5, /* the data the Task was given (not its arguments) is malformed */
};

inline constexpr u8 last_exit_status = static_cast<u8>(ExitStatus::BadInput);

[[nodiscard]] char const* exit_status_name(ExitStatus);

/* The ExitStatus a Task's i32 exit status holds; InvalidArgument for a number that is none. */
[[nodiscard]] ErrorOr<ExitStatus> exit_status_from(i32 status);

}
