/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <benchtasks/CycleCounter.h>
#include <vectra/Capability.h>
#include <vectra/Error.h>

namespace vectra::benchtasks {

/*
 * Counter units per kernel call trapped from a protection domain: a worker Task in a domain of
 * its own makes `calls` calls (MonotonicNow, the cheapest); the same worker making none is
 * subtracted, so spawning, entering user mode and exiting do not count. Unsupported without
 * CONFIG_DOMAINS (src/NoDomainCalls.cpp). Result in tenths of a unit.
 */
[[nodiscard]] ErrorOr<u64> domain_call_tenths(TaskCap const& tasks, ReticleCap const& memory, CycleCounter const&,
    u64 calls);

/*
 * Counter units per Ring round trip between two Tasks in two protection domains, each making its
 * Ring calls by trap (a u64 there and back over two Rings, parked on doorbells), `round_trips`
 * times; the same pair making none is subtracted. Unsupported without CONFIG_DOMAINS. Tenths.
 */
[[nodiscard]] ErrorOr<u64> domain_ring_round_trip_tenths(TaskCap const& tasks, ReticleCap const& memory,
    CycleCounter const&, u64 round_trips);

}
