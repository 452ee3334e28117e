/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <initd/Manifest.h>

namespace vectra::initd {

/*
 * One service's restart policy at work: at most `max_restarts` restarts within any `window_ms`,
 * each after `backoff_ms`. Only arithmetic on the times it is given, so host tests drive it with
 * any clock; initd feeds it the monotonic clock.
 */
class RestartHistory {
public:
    /* Restarts remembered: the most a policy may allow (the manifest compiler refuses more). */
    static constexpr u32 remembered = 16;

    struct Decision {
        bool restart { false };
        u32 recent { 0 };     /* restarts already inside the window when the service ended */
        u64 restart_at { 0 }; /* when to start it again (nanoseconds), if restart */
    };

    /* The service ended at `now` (nanoseconds since boot): restart it, when, or give up. */
    [[nodiscard]] Decision service_ended(RestartPolicy const&, u64 now);

    /* Restarts inside the policy's window at `now`, and whether one more is allowed (nothing changes). */
    [[nodiscard]] u32 recent(RestartPolicy const&, u64 now) const;
    [[nodiscard]] bool allows_restart(RestartPolicy const&, u64 now) const;

    /* Forgets every restart: a service started afresh by request (vectra.control `start`). */
    void clear() { *this = RestartHistory(); }

    /* Restarts so far, over the service's whole life. */
    [[nodiscard]] u32 restarts() const { return m_restarts; }

private:
    u64 m_times[remembered] {};
    u32 m_restarts { 0 };
};

}
