/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted platform's CPUs (vectra/platform/Platform.h, ADR 0020): how many threads
 * start_processors() runs, set before boot from the process's --cpus=N argument (Main.cpp) or by
 * a host test; CONFIG_HOSTED_CPUS otherwise. CONFIG_CPUS_MAX bounds it.
 */

#pragma once

#include <signal.h>
#include <vectra/Types.h>

namespace vectra::platform::hosted {

void request_processors(u32 count);

/* The signal that wakes the boot CPU's thread out of its idle ppoll (wake_processor(0)). */
inline constexpr int boot_wakeup_signal = SIGUSR2;
/* idle_processor() for a CPU other than the boot CPU, returning by `deadline` (monotonic ns;
   0: none) at the latest: the executor's idle on that CPU (wait_for_interrupt). */
void idle_processor_until(u64 deadline);

}
