/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Types.h>

/*
 * What the running system gives every layer: the monotonic clock and true entropy. Declared
 * here, at the bottom, and defined by the kernel-call layer (primitives/system, one CallFrame
 * each, so they work the same from a protection domain), as panic() is: code above the kernel reads the clock
 * through core/time (SystemClock.h) and entropy through core/random (PlatformEntropy), and
 * never names the platform interface, which only the kernel and the platforms see.
 */
namespace vectra::system {

/* Nanoseconds since an arbitrary point at boot; never goes backwards. */
[[nodiscard]] u64 monotonic_nanoseconds();

/* Fills up to `size` bytes with true entropy from the platform; returns how many, possibly 0. */
[[nodiscard]] usize entropy(u8* buffer, usize size);

}
