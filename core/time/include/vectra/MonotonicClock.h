/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <compare>
#include <limits>
#include <vectra/Duration.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * A point on the monotonic clock: nanoseconds since an arbitrary point at boot. It only
 * orders events and measures intervals on this machine. It is a different type from WallTime
 * and no operator, constructor or conversion joins the two: mixing them does not compile.
 */
class MonotonicInstant {
public:
    constexpr MonotonicInstant() = default;

    [[nodiscard]] static constexpr MonotonicInstant from_nanoseconds_since_boot(u64 nanoseconds)
    {
        return MonotonicInstant(nanoseconds);
    }
    [[nodiscard]] constexpr u64 nanoseconds_since_boot() const { return m_nanoseconds; }

    /* The interval between two instants, saturating at Duration's range. */
    [[nodiscard]] constexpr Duration operator-(MonotonicInstant earlier) const
    {
        if (m_nanoseconds >= earlier.m_nanoseconds) {
            u64 difference = m_nanoseconds - earlier.m_nanoseconds;
            return difference > static_cast<u64>(std::numeric_limits<i64>::max())
                ? Duration::maximum()
                : Duration::from_nanoseconds(static_cast<i64>(difference));
        }
        u64 difference = earlier.m_nanoseconds - m_nanoseconds;
        return difference > static_cast<u64>(std::numeric_limits<i64>::max())
            ? Duration::minimum()
            : -Duration::from_nanoseconds(static_cast<i64>(difference));
    }

    /* Moves by a duration; clamps at boot (0) and at the far end rather than wrapping. */
    [[nodiscard]] constexpr MonotonicInstant operator+(Duration duration) const
    {
        i64 nanoseconds = duration.nanoseconds();
        if (nanoseconds >= 0) {
            u64 room = std::numeric_limits<u64>::max() - m_nanoseconds;
            u64 step = static_cast<u64>(nanoseconds);
            return MonotonicInstant(step > room ? std::numeric_limits<u64>::max() : m_nanoseconds + step);
        }
        u64 step = nanoseconds == std::numeric_limits<i64>::min()
            ? static_cast<u64>(std::numeric_limits<i64>::max()) + 1
            : static_cast<u64>(-nanoseconds);
        return MonotonicInstant(step > m_nanoseconds ? 0 : m_nanoseconds - step);
    }
    [[nodiscard]] constexpr MonotonicInstant operator-(Duration duration) const { return *this + (-duration); }

    [[nodiscard]] constexpr auto operator<=>(MonotonicInstant const&) const = default;

private:
    explicit constexpr MonotonicInstant(u64 nanoseconds)
        : m_nanoseconds(nanoseconds)
    {
    }

    u64 m_nanoseconds { 0 };
};

/*
 * A monotonic clock the caller holds: a reading function (the platform's, or a test's) and its
 * context. There is no ambient clock. Readings never go backwards, even if the source does:
 * a reading below the last one returns the last one.
 */
class MonotonicClock {
public:
    using ReadFunction = u64 (*)(void* context);

    MonotonicClock(ReadFunction read, void* context)
        : m_read(read)
        , m_context(context)
    {
    }

    /* For a context-free source such as `platform::monotonic_nanoseconds`. */
    explicit MonotonicClock(u64 (*read)())
        : m_read(call_plain)
        , m_context(reinterpret_cast<void*>(read))
    {
    }

    [[nodiscard]] MonotonicInstant now()
    {
        u64 reading = m_read(m_context);
        if (reading > m_last)
            m_last = reading;
        return MonotonicInstant::from_nanoseconds_since_boot(m_last);
    }

private:
    static u64 call_plain(void* context) { return reinterpret_cast<u64 (*)()>(context)(); }

    ReadFunction m_read;
    void* m_context;
    u64 m_last { 0 };
};

/* A clock that moves only when told to: for tests and simulations. */
class ManualClock {
public:
    explicit ManualClock(u64 start_nanoseconds = 0)
        : m_nanoseconds(start_nanoseconds)
    {
    }

    void advance(Duration duration)
    {
        m_nanoseconds
            = (MonotonicInstant::from_nanoseconds_since_boot(m_nanoseconds) + duration).nanoseconds_since_boot();
    }
    void set_nanoseconds(u64 nanoseconds) { m_nanoseconds = nanoseconds; }
    [[nodiscard]] MonotonicClock clock() { return MonotonicClock(read, this); }

private:
    static u64 read(void* context) { return static_cast<ManualClock*>(context)->m_nanoseconds; }

    u64 m_nanoseconds;
};

}
