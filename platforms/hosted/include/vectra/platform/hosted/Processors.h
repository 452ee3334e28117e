/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted platform's CPUs (vectra/platform/Platform.h, ADR 0020): how many threads
 * start_processors() runs, set before boot from the process's --cpus=N argument (Main.cpp) or by
 * a host test; CONFIG_HOSTED_CPUS otherwise. CONFIG_CPUS_MAX bounds it.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::platform::hosted {

void request_processors(u32 count);

}
