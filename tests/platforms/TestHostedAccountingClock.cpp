/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted platform's accounting clock (the executor's switch-path clock, ADR 0026 §9): a word
 * a host thread publishes every millisecond. It only moves forward, it keeps pace with the
 * monotonic clock to within its tick, it is never stale by much more than its tick (a ticker
 * that stopped, or never started, fails here), and a forked child's clock ticks too (a child
 * without a ticker of its own would read a frozen clock: the host tests' children charge Task
 * time and report long runs with it).
 */

#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vectra/platform/Platform.h>

using namespace vectra;

namespace {

void sleep_nanoseconds(u64 nanoseconds)
{
    timespec wanted { static_cast<time_t>(nanoseconds / 1'000'000'000), static_cast<long>(nanoseconds % 1'000'000'000) };
    while (nanosleep(&wanted, &wanted) != 0) {
    }
}

/* How far the clock moved over `nanoseconds` of the monotonic clock (the best of three rounds:
   a round whose reads straddle a descheduling of the ticker is off by a host time slice). */
u64 worst_distance_over(u64 nanoseconds)
{
    u64 best = ~u64(0);
    for (int attempt = 0; attempt < 3; ++attempt) {
        u64 clock_start = platform::monotonic_nanoseconds();
        u64 counted_start = platform::accounting_clock();
        sleep_nanoseconds(nanoseconds);
        u64 counted = platform::accounting_clock_to_nanoseconds(platform::accounting_clock() - counted_start);
        u64 clock = platform::monotonic_nanoseconds() - clock_start;
        u64 distance = clock > counted ? clock - counted : counted - clock;
        best = distance < best ? distance : best;
    }
    return best;
}

}

TEST_CASE("hosted accounting clock: never goes back", "[platform][hosted]")
{
    u64 previous = platform::accounting_clock();
    u64 end = platform::monotonic_nanoseconds() + 20'000'000;
    while (platform::monotonic_nanoseconds() < end) {
        u64 now = platform::accounting_clock();
        REQUIRE(now >= previous);
        previous = now;
    }
}

TEST_CASE("hosted accounting clock: keeps pace with the monotonic clock to within its tick", "[platform][hosted]")
{
    u64 resolution = platform::accounting_clock_resolution_nanoseconds();
    REQUIRE(resolution == 1'000'000);
    u64 distance = worst_distance_over(100'000'000);
    INFO("off by " << distance << " ns over 100 ms");
    /* Two stale readings, each at most a tick behind, and a few ms for a ticker the loaded host
       ran late (a frozen clock or a wrong rate is off by tens of ms). */
    CHECK(distance <= 2 * resolution + 3'000'000);
}

TEST_CASE("hosted accounting clock: the conversions are nanoseconds both ways", "[platform][hosted]")
{
    for (u64 nanoseconds : { u64(1), u64(200'000'000), u64(3'600) * 1'000'000'000 }) {
        CHECK(platform::nanoseconds_to_accounting_clock(nanoseconds) == nanoseconds);
        CHECK(platform::accounting_clock_to_nanoseconds(nanoseconds) == nanoseconds);
    }
}

TEST_CASE("hosted accounting clock: a forked child's clock ticks on from the parent's", "[platform][hosted]")
{
    u64 parent_reading = platform::accounting_clock();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        u64 start = platform::accounting_clock();
        if (start < parent_reading)
            _exit(10);
        sleep_nanoseconds(50'000'000);
        u64 moved = platform::accounting_clock() - start;
        /* At least 40 of the 50 ms; a child whose ticker did not start reads 0. */
        _exit(moved >= 40'000'000 ? 0 : 11);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
