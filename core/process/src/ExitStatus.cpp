/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/ExitStatus.h>

namespace vectra {

char const* exit_status_name(ExitStatus status)
{
    switch (status) {
    case ExitStatus::Success:
        return "Success";
    case ExitStatus::Failure:
        return "Failure";
    case ExitStatus::Usage:
        return "Usage";
    case ExitStatus::Unavailable:
        return "Unavailable";
    case ExitStatus::Denied:
        return "Denied";
    case ExitStatus::BadInput:
        return "BadInput";
    }
    return "unknown";
}

ErrorOr<ExitStatus> exit_status_from(i32 status)
{
    if (status < 0 || status > last_exit_status)
        return Error(ErrorCode::InvalidArgument, "the number is no ExitStatus");
    return static_cast<ExitStatus>(status);
}

}
