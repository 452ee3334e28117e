/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted platform's cycle counter (the executor's switch-path clock): it only moves forward,
 * it keeps pace with the monotonic clock over a sleep (both keep counting while the thread is
 * descheduled, so the check holds on a loaded machine), and the two conversions undo each other.
 * A counter read at the wrong rate (a frequency off by more than 5 %) or a conversion that
 * swaps multiply and divide fails here.
 */

#include <catch2/catch.hpp>
#include <time.h>
#include <vectra/platform/Platform.h>

using namespace vectra;

namespace {

void sleep_nanoseconds(u64 nanoseconds)
{
    timespec wanted { static_cast<time_t>(nanoseconds / 1'000'000'000), static_cast<long>(nanoseconds % 1'000'000'000) };
    while (nanosleep(&wanted, &wanted) != 0) {
    }
}

}

TEST_CASE("hosted cycle counter: never goes back", "[platform][hosted]")
{
    u64 previous = platform::cycle_counter();
    for (int round = 0; round < 100000; ++round) {
        u64 now = platform::cycle_counter();
        REQUIRE(now >= previous);
        previous = now;
    }
}

TEST_CASE("hosted cycle counter: keeps pace with the monotonic clock", "[platform][hosted]")
{
    /* The best of three: a round whose reads straddle a descheduling is off by a time slice. */
    double best_error = 1.0;
    for (int attempt = 0; attempt < 3; ++attempt) {
        u64 clock_start = platform::monotonic_nanoseconds();
        u64 cycles_start = platform::cycle_counter();
        sleep_nanoseconds(100'000'000);
        u64 cycles_end = platform::cycle_counter();
        u64 clock_end = platform::monotonic_nanoseconds();
        double clock = static_cast<double>(clock_end - clock_start);
        double counted = static_cast<double>(platform::cycles_to_nanoseconds(cycles_end - cycles_start));
        double error = clock > counted ? (clock - counted) / clock : (counted - clock) / clock;
        best_error = error < best_error ? error : best_error;
    }
    INFO("relative error " << best_error);
    CHECK(best_error < 0.05);
}

TEST_CASE("hosted cycle counter: the conversions undo each other", "[platform][hosted]")
{
    for (u64 nanoseconds : { u64(1'000'000), u64(200'000'000), u64(3'600) * 1'000'000'000 }) {
        u64 cycles = platform::nanoseconds_to_cycles(nanoseconds);
        CHECK(cycles > 0);
        u64 back = platform::cycles_to_nanoseconds(cycles);
        /* Rounding down twice loses at most one cycle's worth of nanoseconds, plus one. */
        CHECK(back <= nanoseconds);
        CHECK(nanoseconds - back <= platform::cycles_to_nanoseconds(1) + 1);
    }
}
