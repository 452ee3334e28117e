/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/WallClock.h>

namespace vectra {

char const* time_confidence_name(TimeConfidence confidence)
{
    switch (confidence) {
    case TimeConfidence::Unknown:
        return "unknown";
    case TimeConfidence::Unauthenticated:
        return "unauthenticated";
    case TimeConfidence::Authenticated:
        return "authenticated";
    }
    return "invalid";
}

char const* time_source_name(TimeSource source)
{
    switch (source) {
    case TimeSource::None:
        return "none";
    case TimeSource::Firmware:
        return "firmware";
    case TimeSource::HostSystem:
        return "host-system";
    case TimeSource::Network:
        return "network";
    case TimeSource::AuthenticatedNetwork:
        return "authenticated-network";
    case TimeSource::Person:
        return "person";
    case TimeSource::Peer:
        return "peer";
    }
    return "invalid";
}

WallClock::WallClock(MonotonicClock& monotonic)
    : m_monotonic(monotonic)
    , m_anchor(WallReading::unknown(WallTime::unix_epoch()))
    , m_anchored_at(MonotonicInstant::from_nanoseconds_since_boot(0))
{
}

WallReading WallClock::now()
{
    Duration elapsed = m_monotonic.now() - m_anchored_at;
    return MUST(WallReading::try_create(m_anchor.time() + elapsed, m_anchor.confidence(), m_anchor.source()));
}

ErrorOr<void> WallClock::set(WallReading reading)
{
    if (reading.confidence() == TimeConfidence::Unknown)
        return Error(ErrorCode::InvalidArgument, "a reading of unknown confidence cannot set the clock");
    if (static_cast<u8>(reading.confidence()) < static_cast<u8>(m_anchor.confidence()))
        return Error(ErrorCode::MissingRight, "a less trusted reading cannot replace the time in force");
    m_anchor = reading;
    m_anchored_at = m_monotonic.now();
    return {};
}

void WallClock::forget()
{
    WallTime current = now().time();
    m_anchor = WallReading::unknown(current);
    m_anchored_at = m_monotonic.now();
}

}
