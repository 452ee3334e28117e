/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <stdlib.h>
#include <unistd.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform {

void power_off(ExitStatus status)
{
    _exit(static_cast<int>(status));
}

void reset()
{
    /* A process cannot reset its machine; the closest honest answer is to end with a distinct status. */
    _exit(static_cast<int>(ExitStatus::Failure));
}

}
