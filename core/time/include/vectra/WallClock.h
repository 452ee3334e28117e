/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/MonotonicClock.h>
#include <vectra/WallTime.h>

namespace vectra {

/*
 * A wall clock the caller holds: the last reading it was set from, carried forward by a
 * monotonic clock. Every reading says how far to trust it and where it came from. Until it is
 * set, readings have Unknown confidence and count up from the Unix epoch.
 */
class WallClock {
public:
    explicit WallClock(MonotonicClock& monotonic);

    [[nodiscard]] WallReading now();

    /*
     * Sets the clock from a reading. Refuses readings of Unknown confidence, and readings less
     * trustworthy than the one in force: unauthenticated time never replaces authenticated time.
     */
    [[nodiscard]] ErrorOr<void> set(WallReading reading);

    /* Drops back to Unknown confidence (for example when authenticated time is too old to trust). */
    void forget();

    [[nodiscard]] TimeConfidence confidence() const { return m_anchor.confidence(); }
    [[nodiscard]] TimeSource source() const { return m_anchor.source(); }

private:
    MonotonicClock& m_monotonic;
    WallReading m_anchor;
    MonotonicInstant m_anchored_at;
};

}
