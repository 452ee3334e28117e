/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <initd/RestartHistory.h>

namespace vectra::initd {

u32 RestartHistory::recent(RestartPolicy const& policy, u64 now) const
{
    u64 window = u64(policy.window_ms) * 1'000'000;
    u32 recent = 0;
    for (u32 index = 0; index < remembered && index < m_restarts; ++index)
        recent += now - m_times[index] <= window ? 1 : 0;
    return recent;
}

bool RestartHistory::allows_restart(RestartPolicy const& policy, u64 now) const
{
    u32 allowed = policy.max_restarts < remembered ? policy.max_restarts : remembered;
    return recent(policy, now) < allowed;
}

RestartHistory::Decision RestartHistory::service_ended(RestartPolicy const& policy, u64 now)
{
    u32 recent = this->recent(policy, now);
    if (!allows_restart(policy, now))
        return Decision { false, recent, 0 };
    m_times[m_restarts % remembered] = now;
    ++m_restarts;
    return Decision { true, recent, now + u64(policy.backoff_ms) * 1'000'000 };
}

}
