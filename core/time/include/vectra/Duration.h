/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <compare>
#include <limits>
#include <vectra/Types.h>

namespace vectra {

/*
 * A signed span of time in nanoseconds (about ±292 years). Arithmetic saturates at the ends of
 * that range instead of wrapping, so an overflowing deadline becomes "never", not "long ago".
 */
class Duration {
public:
    constexpr Duration() = default;

    [[nodiscard]] static constexpr Duration from_nanoseconds(i64 nanoseconds) { return Duration(nanoseconds); }
    [[nodiscard]] static constexpr Duration from_microseconds(i64 microseconds) { return scaled(microseconds, 1'000); }
    [[nodiscard]] static constexpr Duration from_milliseconds(i64 milliseconds)
    {
        return scaled(milliseconds, 1'000'000);
    }
    [[nodiscard]] static constexpr Duration from_seconds(i64 seconds) { return scaled(seconds, 1'000'000'000); }
    [[nodiscard]] static constexpr Duration zero() { return Duration(0); }
    [[nodiscard]] static constexpr Duration maximum() { return Duration(std::numeric_limits<i64>::max()); }
    [[nodiscard]] static constexpr Duration minimum() { return Duration(std::numeric_limits<i64>::min()); }

    /* Whole units, truncated toward zero. */
    [[nodiscard]] constexpr i64 nanoseconds() const { return m_nanoseconds; }
    [[nodiscard]] constexpr i64 microseconds() const { return m_nanoseconds / 1'000; }
    [[nodiscard]] constexpr i64 milliseconds() const { return m_nanoseconds / 1'000'000; }
    [[nodiscard]] constexpr i64 seconds() const { return m_nanoseconds / 1'000'000'000; }
    [[nodiscard]] constexpr bool is_negative() const { return m_nanoseconds < 0; }

    [[nodiscard]] constexpr Duration operator+(Duration other) const
    {
        return Duration(saturating_add(m_nanoseconds, other.m_nanoseconds));
    }
    [[nodiscard]] constexpr Duration operator-(Duration other) const
    {
        return Duration(saturating_subtract(m_nanoseconds, other.m_nanoseconds));
    }
    [[nodiscard]] constexpr Duration operator-() const { return Duration(saturating_subtract(0, m_nanoseconds)); }
    [[nodiscard]] constexpr Duration operator*(i64 factor) const { return scaled(m_nanoseconds, factor); }
    /* Division by zero is a bug, not a value. */
    [[nodiscard]] constexpr Duration operator/(i64 divisor) const
    {
        if (divisor == -1)
            return -*this;
        return Duration(m_nanoseconds / divisor);
    }
    constexpr Duration& operator+=(Duration other) { return *this = *this + other; }
    constexpr Duration& operator-=(Duration other) { return *this = *this - other; }

    [[nodiscard]] constexpr auto operator<=>(Duration const&) const = default;

    [[nodiscard]] static constexpr i64 saturating_add(i64 left, i64 right)
    {
        i64 result = 0;
        if (__builtin_add_overflow(left, right, &result))
            return right > 0 ? std::numeric_limits<i64>::max() : std::numeric_limits<i64>::min();
        return result;
    }
    [[nodiscard]] static constexpr i64 saturating_subtract(i64 left, i64 right)
    {
        i64 result = 0;
        if (__builtin_sub_overflow(left, right, &result))
            return right < 0 ? std::numeric_limits<i64>::max() : std::numeric_limits<i64>::min();
        return result;
    }

private:
    explicit constexpr Duration(i64 nanoseconds)
        : m_nanoseconds(nanoseconds)
    {
    }

    [[nodiscard]] static constexpr Duration scaled(i64 value, i64 factor)
    {
        i64 result = 0;
        if (__builtin_mul_overflow(value, factor, &result))
            return (value < 0) != (factor < 0) ? minimum() : maximum();
        return Duration(result);
    }

    i64 m_nanoseconds { 0 };
};

}
