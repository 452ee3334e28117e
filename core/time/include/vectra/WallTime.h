/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <compare>
#include <vectra/Duration.h>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * A point in civil time: UTC seconds and nanoseconds since the Unix epoch, leap seconds not
 * counted (POSIX time). Limited to the years 0000-9999, so every WallTime has an RFC 3339 form.
 * A different type from MonotonicInstant; nothing converts one into the other.
 */
class WallTime {
public:
    static constexpr i64 minimum_unix_seconds = -62'167'219'200; /* 0000-01-01T00:00:00Z */
    static constexpr i64 maximum_unix_seconds = 253'402'300'799; /* 9999-12-31T23:59:59Z */

    constexpr WallTime() = default;

    [[nodiscard]] static ErrorOr<WallTime> from_unix(i64 seconds, u32 nanoseconds = 0)
    {
        if (nanoseconds >= 1'000'000'000)
            return Error(ErrorCode::InvalidArgument, "nanoseconds must be below one second");
        if (seconds < minimum_unix_seconds || seconds > maximum_unix_seconds)
            return Error(ErrorCode::InvalidArgument, "wall time outside the years 0000-9999");
        return WallTime(seconds, nanoseconds);
    }
    [[nodiscard]] static constexpr WallTime unix_epoch() { return WallTime(0, 0); }
    [[nodiscard]] static constexpr WallTime earliest() { return WallTime(minimum_unix_seconds, 0); }
    [[nodiscard]] static constexpr WallTime latest() { return WallTime(maximum_unix_seconds, 999'999'999); }

    [[nodiscard]] constexpr i64 unix_seconds() const { return m_seconds; }
    [[nodiscard]] constexpr u32 nanoseconds() const { return m_nanoseconds; }

    /* The interval between two wall times, saturating at Duration's range. */
    [[nodiscard]] constexpr Duration operator-(WallTime earlier) const
    {
        return Duration::from_seconds(m_seconds - earlier.m_seconds)
            + Duration::from_nanoseconds(static_cast<i64>(m_nanoseconds) - static_cast<i64>(earlier.m_nanoseconds));
    }

    /* Moves by a duration, clamped to the years 0000-9999. */
    [[nodiscard]] constexpr WallTime operator+(Duration duration) const
    {
        i64 seconds = m_seconds + duration.nanoseconds() / 1'000'000'000;
        i64 nanoseconds = static_cast<i64>(m_nanoseconds) + duration.nanoseconds() % 1'000'000'000;
        if (nanoseconds < 0) {
            nanoseconds += 1'000'000'000;
            --seconds;
        } else if (nanoseconds >= 1'000'000'000) {
            nanoseconds -= 1'000'000'000;
            ++seconds;
        }
        if (seconds < minimum_unix_seconds)
            return earliest();
        if (seconds > maximum_unix_seconds)
            return latest();
        return WallTime(seconds, static_cast<u32>(nanoseconds));
    }
    [[nodiscard]] constexpr WallTime operator-(Duration duration) const { return *this + (-duration); }

    [[nodiscard]] constexpr auto operator<=>(WallTime const&) const = default;

private:
    constexpr WallTime(i64 seconds, u32 nanoseconds)
        : m_seconds(seconds)
        , m_nanoseconds(nanoseconds)
    {
    }

    i64 m_seconds { 0 };
    u32 m_nanoseconds { 0 };
};

/* How far a wall-clock reading can be trusted. Ordered: a higher value is more trustworthy. */
enum class TimeConfidence : u8 {
    Unknown = 0, /* nothing has set the clock: the time is a placeholder */
    Unauthenticated = 1, /* from a source anyone on the path could have forged */
    Authenticated = 2, /* from a source whose answer was verified cryptographically */
};

/* Where a wall-clock reading came from. */
enum class TimeSource : u8 {
    None = 0, /* never set */
    Firmware = 1, /* the machine's real-time clock */
    HostSystem = 2, /* the host OS clock (hosted platform) */
    Network = 3, /* plain NTP or similar, unauthenticated */
    AuthenticatedNetwork = 4, /* NTS, Roughtime: signed or authenticated answers */
    Person = 5, /* typed in by the user */
    Peer = 6, /* another of the user's machines, over an authenticated channel */
};

[[nodiscard]] char const* time_confidence_name(TimeConfidence);
[[nodiscard]] char const* time_source_name(TimeSource);

/* The most confidence a source can vouch for: only authenticated channels give Authenticated. */
[[nodiscard]] constexpr TimeConfidence highest_confidence_of(TimeSource source)
{
    switch (source) {
    case TimeSource::None:
        return TimeConfidence::Unknown;
    case TimeSource::AuthenticatedNetwork:
    case TimeSource::Peer:
        return TimeConfidence::Authenticated;
    case TimeSource::Firmware:
    case TimeSource::HostSystem:
    case TimeSource::Network:
    case TimeSource::Person:
        return TimeConfidence::Unauthenticated;
    }
    return TimeConfidence::Unknown;
}

/* One wall-clock reading: the time, how far to trust it, and where it came from. */
class WallReading {
public:
    /* Refuses a confidence the source cannot give (an RTC is never "authenticated"). */
    [[nodiscard]] static ErrorOr<WallReading> try_create(WallTime time, TimeConfidence confidence, TimeSource source)
    {
        if (static_cast<u8>(confidence) > static_cast<u8>(TimeConfidence::Authenticated))
            return Error(ErrorCode::InvalidArgument, "unknown time confidence");
        if (static_cast<u8>(source) > static_cast<u8>(TimeSource::Peer))
            return Error(ErrorCode::InvalidArgument, "unknown time source");
        if (static_cast<u8>(confidence) > static_cast<u8>(highest_confidence_of(source)))
            return Error(ErrorCode::InvalidArgument, "the time source cannot vouch for that confidence");
        return WallReading(time, confidence, source);
    }

    /* What a clock nothing has set reports. */
    [[nodiscard]] static constexpr WallReading unknown(WallTime placeholder)
    {
        return WallReading(placeholder, TimeConfidence::Unknown, TimeSource::None);
    }

    [[nodiscard]] constexpr WallTime time() const { return m_time; }
    [[nodiscard]] constexpr TimeConfidence confidence() const { return m_confidence; }
    [[nodiscard]] constexpr TimeSource source() const { return m_source; }

private:
    constexpr WallReading(WallTime time, TimeConfidence confidence, TimeSource source)
        : m_time(time)
        , m_confidence(confidence)
        , m_source(source)
    {
    }

    WallTime m_time;
    TimeConfidence m_confidence;
    TimeSource m_source;
};

}
