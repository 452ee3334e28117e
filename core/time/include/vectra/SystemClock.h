/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/MonotonicClock.h>
#include <vectra/ClockAndEntropy.h>

namespace vectra {

/* Now, on the machine's monotonic clock (the kernel reads the platform's). */
[[nodiscard]] inline MonotonicInstant monotonic_now()
{
    return MonotonicInstant::from_nanoseconds_since_boot(system::monotonic_nanoseconds());
}

/* A MonotonicClock over the machine's clock, for code that takes a clock (tests hand it a ManualClock's). */
[[nodiscard]] inline MonotonicClock system_monotonic_clock() { return MonotonicClock(system::monotonic_nanoseconds); }

/* The instant `duration` from now, as the nanoseconds a wait's deadline takes. */
[[nodiscard]] inline u64 deadline_after(Duration duration) { return (monotonic_now() + duration).nanoseconds_since_boot(); }

}
