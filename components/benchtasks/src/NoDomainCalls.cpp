/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * CONFIG_DOMAINS=n: no protection domains, so no kernel call is ever a trap.
 */

#include <benchtasks/DomainCalls.h>

namespace vectra::benchtasks {

ErrorOr<u64> domain_call_tenths(TaskCap const&, ReticleCap const&, CycleCounter const&, u64)
{
    return Error(ErrorCode::Unsupported, "protection domains are not configured (CONFIG_DOMAINS=n)");
}

ErrorOr<u64> domain_ring_round_trip_tenths(TaskCap const&, ReticleCap const&, CycleCounter const&, u64)
{
    return Error(ErrorCode::Unsupported, "protection domains are not configured (CONFIG_DOMAINS=n)");
}

}
