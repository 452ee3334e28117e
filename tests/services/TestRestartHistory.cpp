/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * initd's restart policy: at most max_restarts within any window, each after the back-off,
 * driven here by a clock the test moves.
 */

#include <catch2/catch.hpp>
#include <initd/RestartHistory.h>

using namespace vectra;
using initd::RestartHistory;
using initd::RestartPolicy;

namespace {

constexpr u64 milliseconds = 1'000'000;

}

TEST_CASE("restarts are granted up to the limit within the window, each after the back-off, then refused")
{
    RestartPolicy policy { 3, 1000, 50 };
    RestartHistory history;
    for (u32 restart = 0; restart < 3; ++restart) {
        u64 now = (100 + restart * 10) * milliseconds;
        auto decision = history.service_ended(policy, now);
        REQUIRE(decision.restart);
        REQUIRE(decision.recent == restart);
        REQUIRE(decision.restart_at == now + 50 * milliseconds);
    }
    auto refused = history.service_ended(policy, 200 * milliseconds);
    REQUIRE_FALSE(refused.restart);
    REQUIRE(refused.recent == 3);
    REQUIRE(history.restarts() == 3);
}

TEST_CASE("restarts older than the window no longer count")
{
    RestartPolicy policy { 2, 1000, 0 };
    RestartHistory history;
    REQUIRE(history.service_ended(policy, 0).restart); /* a restart at boot time counts too */
    REQUIRE(history.service_ended(policy, 500 * milliseconds).restart);
    REQUIRE_FALSE(history.service_ended(policy, 1000 * milliseconds).restart); /* both within 1000 ms */
    auto later = history.service_ended(policy, 1001 * milliseconds);          /* the first has left the window */
    REQUIRE(later.restart);
    REQUIRE(later.recent == 1);
    REQUIRE_FALSE(history.service_ended(policy, 1400 * milliseconds).restart);
    REQUIRE(history.service_ended(policy, 2100 * milliseconds).restart);
    REQUIRE(history.restarts() == 4);
}

TEST_CASE("a policy of no restarts refuses the first")
{
    RestartHistory history;
    auto decision = history.service_ended(RestartPolicy { 0, 1000, 10 }, 5 * milliseconds);
    REQUIRE_FALSE(decision.restart);
    REQUIRE(decision.recent == 0);
    REQUIRE(history.restarts() == 0);
}

TEST_CASE("the most restarts a policy may allow are all remembered, so the limit still holds")
{
    RestartPolicy policy { RestartHistory::remembered, 60'000, 1 };
    RestartHistory history;
    for (u32 restart = 0; restart < RestartHistory::remembered; ++restart)
        REQUIRE(history.service_ended(policy, (restart + 1) * milliseconds).restart);
    REQUIRE_FALSE(history.service_ended(policy, 100 * milliseconds).restart);
    /* A larger limit than initd remembers is held at what it remembers, never unbounded. */
    RestartPolicy larger { RestartHistory::remembered + 4, 60'000, 1 };
    REQUIRE_FALSE(history.service_ended(larger, 101 * milliseconds).restart);
}

TEST_CASE("the back-off is counted from the moment the service ended")
{
    RestartHistory history;
    auto decision = history.service_ended(RestartPolicy { 5, 10'000, 60'000 }, 7 * milliseconds);
    REQUIRE(decision.restart);
    REQUIRE(decision.restart_at == 7 * milliseconds + 60'000 * milliseconds);
}
