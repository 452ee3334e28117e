/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <time.h>
#include <vectra/CivilTime.h>
#include <vectra/Rfc3339.h>
#include <vectra/WallClock.h>
#include <vectra/platform/Platform.h>

using namespace vectra;

namespace {

template<typename A, typename B>
concept Subtractable = requires(A a, B b)
{
    a - b;
};
template<typename A, typename B>
concept Addable = requires(A a, B b)
{
    a + b;
};
template<typename A, typename B>
concept Comparable = requires(A a, B b)
{
    a < b;
};
template<typename A, typename B>
concept EqualityComparable = requires(A a, B b)
{
    a == b;
};
template<typename A, typename B>
concept Assignable = requires(A a, B b)
{
    a = b;
};

}

TEST_CASE("Monotonic and wall-clock time cannot be mixed: each of these fails to compile")
{
    STATIC_REQUIRE_FALSE(Subtractable<MonotonicInstant, WallTime>);
    STATIC_REQUIRE_FALSE(Subtractable<WallTime, MonotonicInstant>);
    STATIC_REQUIRE_FALSE(Addable<MonotonicInstant, WallTime>);
    STATIC_REQUIRE_FALSE(Addable<WallTime, MonotonicInstant>);
    STATIC_REQUIRE_FALSE(Comparable<MonotonicInstant, WallTime>);
    STATIC_REQUIRE_FALSE(EqualityComparable<MonotonicInstant, WallTime>);
    STATIC_REQUIRE_FALSE(Assignable<MonotonicInstant&, WallTime>);
    STATIC_REQUIRE_FALSE(Assignable<WallTime&, MonotonicInstant>);
    STATIC_REQUIRE_FALSE(std::is_constructible_v<WallTime, MonotonicInstant>);
    STATIC_REQUIRE_FALSE(std::is_constructible_v<MonotonicInstant, WallTime>);
    STATIC_REQUIRE_FALSE(std::is_constructible_v<WallTime, WallReading>);
    /* Neither is a bare number, and a duration is not an instant. */
    STATIC_REQUIRE_FALSE(std::is_constructible_v<MonotonicInstant, u64>);
    STATIC_REQUIRE_FALSE(std::is_constructible_v<WallTime, i64>);
    STATIC_REQUIRE_FALSE(std::is_constructible_v<Duration, i64>);
    STATIC_REQUIRE_FALSE(std::is_constructible_v<MonotonicInstant, Duration>);
    STATIC_REQUIRE_FALSE(Addable<MonotonicInstant, MonotonicInstant>);
    STATIC_REQUIRE_FALSE(Addable<WallTime, WallTime>);
    /* A wall clock is set from a wall reading only. */
    STATIC_REQUIRE_FALSE(std::is_invocable_v<decltype(&WallClock::set), WallClock&, MonotonicInstant>);
    STATIC_REQUIRE_FALSE(
        std::is_invocable_v<decltype(&WallReading::try_create), MonotonicInstant, TimeConfidence, TimeSource>);
    /* What is allowed: the same kind of time, and durations. */
    STATIC_REQUIRE(Subtractable<MonotonicInstant, MonotonicInstant>);
    STATIC_REQUIRE(Subtractable<WallTime, WallTime>);
    STATIC_REQUIRE(Addable<MonotonicInstant, Duration>);
    STATIC_REQUIRE(Addable<WallTime, Duration>);
}

TEST_CASE("Durations convert units, truncate toward zero and saturate instead of wrapping")
{
    REQUIRE(Duration::from_seconds(2).nanoseconds() == 2'000'000'000);
    REQUIRE(Duration::from_milliseconds(1500).seconds() == 1);
    REQUIRE(Duration::from_microseconds(-1500).milliseconds() == -1);
    REQUIRE(Duration::from_nanoseconds(999).microseconds() == 0);
    REQUIRE((Duration::from_seconds(1) + Duration::from_milliseconds(250)).milliseconds() == 1250);
    REQUIRE((Duration::from_seconds(1) - Duration::from_seconds(3)).seconds() == -2);
    REQUIRE((Duration::from_milliseconds(3) * 4).milliseconds() == 12);
    REQUIRE((Duration::from_milliseconds(12) / 4).milliseconds() == 3);
    REQUIRE(Duration::from_seconds(1) > Duration::from_milliseconds(999));
    REQUIRE((-Duration::from_seconds(1)).is_negative());

    REQUIRE(Duration::from_seconds(std::numeric_limits<i64>::max()) == Duration::maximum());
    REQUIRE(Duration::from_seconds(std::numeric_limits<i64>::min()) == Duration::minimum());
    REQUIRE(Duration::maximum() + Duration::from_nanoseconds(1) == Duration::maximum());
    REQUIRE(Duration::minimum() - Duration::from_nanoseconds(1) == Duration::minimum());
    REQUIRE(-Duration::minimum() == Duration::maximum());
    REQUIRE(Duration::minimum() / -1 == Duration::maximum());
    REQUIRE(Duration::maximum() * 2 == Duration::maximum());
    REQUIRE(Duration::maximum() * -2 == Duration::minimum());
}

TEST_CASE("Monotonic instants measure intervals and clamp at their ends")
{
    auto boot = MonotonicInstant::from_nanoseconds_since_boot(0);
    auto later = boot + Duration::from_milliseconds(5);
    REQUIRE(later.nanoseconds_since_boot() == 5'000'000);
    REQUIRE((later - boot).milliseconds() == 5);
    REQUIRE((boot - later).milliseconds() == -5);
    REQUIRE(later > boot);
    REQUIRE((boot - Duration::from_seconds(1)) == boot);
    auto far = MonotonicInstant::from_nanoseconds_since_boot(std::numeric_limits<u64>::max());
    REQUIRE((far + Duration::from_seconds(1)) == far);
    REQUIRE((far - boot) == Duration::maximum());
    REQUIRE((boot - far) == Duration::minimum());
    REQUIRE((later + Duration::minimum()) == boot);
}

TEST_CASE("A monotonic clock never goes backwards, even when its source does")
{
    ManualClock source(1000);
    MonotonicClock clock = source.clock();
    REQUIRE(clock.now().nanoseconds_since_boot() == 1000);
    source.advance(Duration::from_nanoseconds(500));
    REQUIRE(clock.now().nanoseconds_since_boot() == 1500);
    source.set_nanoseconds(700);
    REQUIRE(clock.now().nanoseconds_since_boot() == 1500);
    source.set_nanoseconds(2000);
    REQUIRE(clock.now().nanoseconds_since_boot() == 2000);
}

TEST_CASE("A monotonic clock reads the platform's clock when given it")
{
    MonotonicClock clock(platform::monotonic_nanoseconds);
    auto first = clock.now();
    auto second = clock.now();
    REQUIRE(second >= first);
    REQUIRE(first.nanoseconds_since_boot() > 0);
}

TEST_CASE("Wall times cover the years 0000-9999 and refuse anything else")
{
    REQUIRE(WallTime::from_unix(0).value() == WallTime::unix_epoch());
    REQUIRE(WallTime::from_unix(WallTime::minimum_unix_seconds).value() == WallTime::earliest());
    REQUIRE(WallTime::from_unix(WallTime::minimum_unix_seconds - 1).is_error());
    REQUIRE(WallTime::from_unix(WallTime::maximum_unix_seconds, 999'999'999).value() == WallTime::latest());
    REQUIRE(WallTime::from_unix(WallTime::maximum_unix_seconds + 1).is_error());
    REQUIRE(WallTime::from_unix(0, 1'000'000'000).is_error());

    auto time = WallTime::from_unix(10, 900'000'000).value();
    auto moved = time + Duration::from_milliseconds(200);
    REQUIRE(moved.unix_seconds() == 11);
    REQUIRE(moved.nanoseconds() == 100'000'000);
    REQUIRE((moved - time).milliseconds() == 200);
    auto back = time - Duration::from_milliseconds(1000);
    REQUIRE(back.unix_seconds() == 9);
    REQUIRE(back.nanoseconds() == 900'000'000);
    REQUIRE((WallTime::latest() + Duration::from_seconds(1)) == WallTime::latest());
    REQUIRE((WallTime::earliest() - Duration::from_seconds(1)) == WallTime::earliest());
}

TEST_CASE("A wall reading cannot claim more confidence than its source can give")
{
    auto time = WallTime::unix_epoch();
    REQUIRE(WallReading::try_create(time, TimeConfidence::Authenticated, TimeSource::AuthenticatedNetwork)
                .value()
                .confidence()
        == TimeConfidence::Authenticated);
    REQUIRE(WallReading::try_create(time, TimeConfidence::Authenticated, TimeSource::Peer).value().source()
        == TimeSource::Peer);
    REQUIRE(WallReading::try_create(time, TimeConfidence::Unauthenticated, TimeSource::Network).value().time() == time);
    REQUIRE(WallReading::try_create(time, TimeConfidence::Unknown, TimeSource::Firmware).value().confidence()
        == TimeConfidence::Unknown);
    for (auto source : { TimeSource::Firmware, TimeSource::HostSystem, TimeSource::Network, TimeSource::Person })
        REQUIRE(WallReading::try_create(time, TimeConfidence::Authenticated, source).is_error());
    REQUIRE(WallReading::try_create(time, TimeConfidence::Unauthenticated, TimeSource::None).is_error());
    REQUIRE(WallReading::try_create(time, static_cast<TimeConfidence>(7), TimeSource::Peer).is_error());
    REQUIRE(WallReading::try_create(time, TimeConfidence::Unknown, static_cast<TimeSource>(42)).is_error());
    REQUIRE(std::string_view(time_confidence_name(TimeConfidence::Unauthenticated)) == "unauthenticated");
    REQUIRE(std::string_view(time_source_name(TimeSource::AuthenticatedNetwork)) == "authenticated-network");
}

TEST_CASE("A wall clock reports its confidence and never lets weaker time replace stronger")
{
    ManualClock source(5'000'000'000);
    MonotonicClock monotonic = source.clock();
    WallClock clock(monotonic);

    auto unset = clock.now();
    REQUIRE(unset.confidence() == TimeConfidence::Unknown);
    REQUIRE(unset.source() == TimeSource::None);
    REQUIRE(unset.time() == WallTime::from_unix(5).value());

    auto noon = WallTime::from_unix(1'700'000'000).value();
    REQUIRE(clock.set(WallReading::unknown(noon)).error().code() == ErrorCode::InvalidArgument);
    REQUIRE_FALSE(clock.set(MUST(WallReading::try_create(noon, TimeConfidence::Unauthenticated, TimeSource::Firmware)))
                      .is_error());
    source.advance(Duration::from_seconds(2));
    auto reading = clock.now();
    REQUIRE(reading.time() == noon + Duration::from_seconds(2));
    REQUIRE(reading.confidence() == TimeConfidence::Unauthenticated);
    REQUIRE(reading.source() == TimeSource::Firmware);

    auto authenticated = noon + Duration::from_seconds(60);
    REQUIRE_FALSE(clock
                      .set(MUST(WallReading::try_create(
                          authenticated, TimeConfidence::Authenticated, TimeSource::AuthenticatedNetwork)))
                      .is_error());
    REQUIRE(clock.confidence() == TimeConfidence::Authenticated);
    auto forged = clock.set(MUST(WallReading::try_create(noon, TimeConfidence::Unauthenticated, TimeSource::Network)));
    REQUIRE(forged.error().code() == ErrorCode::MissingRight);
    REQUIRE(clock.now().time() == authenticated);
    REQUIRE(clock.source() == TimeSource::AuthenticatedNetwork);

    clock.forget();
    REQUIRE(clock.confidence() == TimeConfidence::Unknown);
    REQUIRE(clock.now().time() == authenticated);
    REQUIRE_FALSE(clock.set(MUST(WallReading::try_create(noon, TimeConfidence::Unauthenticated, TimeSource::Network)))
                      .is_error());
}

TEST_CASE("RFC 3339 output is UTC with the fewest exact fraction digits, or as many as asked")
{
    auto time = WallTime::from_unix(951'782'400).value(); /* 2000-02-29 */
    REQUIRE(format_rfc3339(time) == "2000-02-29T00:00:00Z");
    REQUIRE(format_rfc3339(time + Duration::from_milliseconds(250)) == "2000-02-29T00:00:00.250Z");
    REQUIRE(format_rfc3339(time + Duration::from_microseconds(1)) == "2000-02-29T00:00:00.000001Z");
    REQUIRE(format_rfc3339(time + Duration::from_nanoseconds(7)) == "2000-02-29T00:00:00.000000007Z");
    REQUIRE(format_rfc3339(time + Duration::from_nanoseconds(123'456'789), FractionDigits::Three)
        == "2000-02-29T00:00:00.123Z");
    REQUIRE(format_rfc3339(time + Duration::from_milliseconds(5), FractionDigits::None) == "2000-02-29T00:00:00Z");
    REQUIRE(format_rfc3339(time, FractionDigits::Six) == "2000-02-29T00:00:00.000000Z");
    REQUIRE(format_rfc3339(WallTime::unix_epoch() - Duration::from_seconds(1)) == "1969-12-31T23:59:59Z");
    REQUIRE(format_rfc3339(WallTime::earliest()) == "0000-01-01T00:00:00Z");
    REQUIRE(format_rfc3339(WallTime::latest()) == "9999-12-31T23:59:59.999999999Z");
    REQUIRE(format_rfc3339(WallTime::latest()).length() == rfc3339_maximum_length);
}

TEST_CASE("RFC 3339 parsing applies the offset and keeps it")
{
    auto parsed = parse_rfc3339("1985-04-12T23:20:50.52Z").value();
    REQUIRE(parsed.time == WallTime::from_unix(482'196'050, 520'000'000).value());
    REQUIRE(parsed.offset_minutes == 0);
    auto offset = parse_rfc3339("1996-12-19T16:39:57-08:00").value();
    REQUIRE(offset.time == parse_rfc3339("1996-12-20T00:39:57Z").value().time);
    REQUIRE(offset.offset_minutes == -480);
    REQUIRE(parse_rfc3339("1996-12-20t00:39:57z").value().time == offset.time);
    REQUIRE(parse_rfc3339("1996-12-20 00:39:57+00:00").value().time == offset.time);
    REQUIRE(parse_rfc3339("1996-12-20T05:39:57-00:00").value().offset_minutes == 0);
    REQUIRE(parse_rfc3339("1937-01-01T12:00:27.87+00:20").value().offset_minutes == 20);
    REQUIRE(parse_rfc3339("2000-01-01T00:00:00.1234567890000Z").value().time.nanoseconds() == 123'456'789);
    REQUIRE(parse_rfc3339("0000-01-01T00:00:00Z").value().time == WallTime::earliest());
    REQUIRE(parse_rfc3339("9999-12-31T23:59:59.999999999Z").value().time == WallTime::latest());
}

TEST_CASE("RFC 3339 parsing refuses every malformed or impossible timestamp, saying why")
{
    struct Case {
        char const* text;
        char const* message;
    };
    Case const cases[] = {
        { "", "RFC 3339: date is not YYYY-MM-DD" },
        { "85-04-12T23:20:50Z", "RFC 3339: date is not YYYY-MM-DD" },
        { "1985/04/12T23:20:50Z", "RFC 3339: date is not YYYY-MM-DD" },
        { "1985-13-12T23:20:50Z", "RFC 3339: month is not 01-12" },
        { "1985-00-12T23:20:50Z", "RFC 3339: month is not 01-12" },
        { "1985-04-31T23:20:50Z", "RFC 3339: day does not exist in that month" },
        { "1900-02-29T00:00:00Z", "RFC 3339: day does not exist in that month" },
        { "2023-02-29T00:00:00Z", "RFC 3339: day does not exist in that month" },
        { "1985-04-00T00:00:00Z", "RFC 3339: day does not exist in that month" },
        { "1985-04-12X23:20:50Z", "RFC 3339: date and time are not separated by T" },
        { "1985-04-12", "RFC 3339: date and time are not separated by T" },
        { "1985-04-12T23:20Z", "RFC 3339: time is not HH:MM:SS" },
        { "1985-04-12T24:00:00Z", "RFC 3339: hour is not 00-23" },
        { "1985-04-12T23:60:00Z", "RFC 3339: minute is not 00-59" },
        { "1985-04-12T23:59:61Z", "RFC 3339: second is not 00-59" },
        { "1990-12-31T23:59:60Z", "RFC 3339: leap second 60 has no POSIX time" },
        { "1985-04-12T23:20:50.Z", "RFC 3339: no digits after the decimal point" },
        { "1985-04-12T23:20:50.1234567891Z", "RFC 3339: fraction is finer than nanoseconds" },
        { "1985-04-12T23:20:50", "RFC 3339: offset (Z or +HH:MM) is missing" },
        { "1985-04-12T23:20:50 UTC", "RFC 3339: offset (Z or +HH:MM) is missing" },
        { "1985-04-12T23:20:50+0100", "RFC 3339: offset is not +HH:MM or -HH:MM" },
        { "1985-04-12T23:20:50+24:00", "RFC 3339: offset is out of range" },
        { "1985-04-12T23:20:50+01:60", "RFC 3339: offset is out of range" },
        { "1985-04-12T23:20:50Zjunk", "RFC 3339: text follows the timestamp" },
        { "0000-01-01T00:00:00+01:00", "RFC 3339: the instant in UTC falls outside the years 0000-9999" },
        { "9999-12-31T23:59:59-00:01", "RFC 3339: the instant in UTC falls outside the years 0000-9999" },
        { "2000-01-01T00:00:00.00000000000000000000000000000000000000000000000Z",
            "RFC 3339: timestamp is longer than 64 bytes" },
    };
    for (auto const& each : cases) {
        INFO(each.text);
        auto result = parse_rfc3339(each.text);
        REQUIRE(result.is_error());
        REQUIRE(std::string_view(result.error().message()) == each.message);
    }
}

TEST_CASE("Civil dates agree with the C library's gmtime across the whole range")
{
    std::mt19937_64 random(3339);
    for (int round = 0; round < 100000; ++round) {
        i64 span = WallTime::maximum_unix_seconds - WallTime::minimum_unix_seconds;
        i64 seconds = WallTime::minimum_unix_seconds + static_cast<i64>(random() % static_cast<u64>(span + 1));
        time_t host_seconds = static_cast<time_t>(seconds);
        struct tm expected { };
        REQUIRE(gmtime_r(&host_seconds, &expected) != nullptr);
        CivilTime civil = civil_from_unix(seconds, 0);
        INFO(seconds);
        REQUIRE(civil.year == expected.tm_year + 1900);
        REQUIRE(civil.month == expected.tm_mon + 1);
        REQUIRE(civil.day == expected.tm_mday);
        REQUIRE(civil.hour == expected.tm_hour);
        REQUIRE(civil.minute == expected.tm_min);
        REQUIRE(civil.second == expected.tm_sec);
        REQUIRE(days_from_civil(civil.year, civil.month, civil.day) * 86400 + civil.hour * 3600 + civil.minute * 60
                + civil.second
            == seconds);
    }
}

TEST_CASE("RFC 3339 text round-trips every wall time exactly")
{
    std::mt19937_64 random(1985);
    for (int round = 0; round < 100000; ++round) {
        i64 span = WallTime::maximum_unix_seconds - WallTime::minimum_unix_seconds;
        i64 seconds = WallTime::minimum_unix_seconds + static_cast<i64>(random() % static_cast<u64>(span + 1));
        u32 nanoseconds = round % 4 == 0 ? 0 : static_cast<u32>(random() % 1'000'000'000);
        if (round % 4 == 1)
            nanoseconds -= nanoseconds % 1'000'000;
        auto time = WallTime::from_unix(seconds, nanoseconds).value();
        auto text = format_rfc3339(time);
        INFO(std::string(text.view()));
        auto parsed = parse_rfc3339(text.view());
        REQUIRE(parsed.value().time == time);
        REQUIRE(parse_rfc3339(format_rfc3339(time, FractionDigits::Nine).view()).value().time == time);
    }
}
