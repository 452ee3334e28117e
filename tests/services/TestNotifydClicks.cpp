/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notifyd's real loop as a Task (notifyd::run) with a Screen that stands for compositord's routed
 * input (the part of notifyd's Display the loop sees) and a client Task on a vectra.notify session
 * over real Rings: with a notification shown and nothing clicked the loop does not wake (a poll
 * looked for clicks every 30 ms), and a click, its input bit raised, is taken and withdraws the
 * notification within a few milliseconds, not at a poll's next turn — three times over.
 */

#include "../core/FsTestTasks.h"
#include <atomic>
#include <catch2/catch.hpp>
#include <notifyd/Loop.h>
#include <vectra/Session.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/kernel/Executor.h>

using namespace vectra;
using namespace vectra::test;

namespace {

/* The screen's input bit: clear of the session table's (0–2, 8 + n) and the loop's timer (6). */
constexpr SignalBit click_bit { 16 };
static_assert((session::table_bits(notifyd::maximum_sessions) & click_bit.mask()) == 0);

std::atomic<bool> s_click_pending { false };
std::atomic<u64> s_clicked_at { 0 };
std::atomic<usize> s_click_passes { 0 };

/* A person's click on the first notification shown, taken when the loop asks for clicks. */
class ClickScreen final : public notifyd::Screen {
public:
    ErrorOr<void> draw(usize, notify::Post const&) override { return {}; }
    ErrorOr<void> show(notifyd::Board const&) override { return {}; }
    u64 input_mask() const override { return click_bit.mask(); }
    bool has_input() const override { return false; }
    ErrorOr<usize> take_clicks(notifyd::Board& board) override
    {
        ++s_click_passes;
        if (!s_click_pending.exchange(false))
            return 0;
        for (usize slot = 0; slot < notify::notifications_shown; ++slot) {
            auto const& shown = board.slot(slot);
            if (shown.used && !board.withdraw(shown.session, shown.id).is_error()) {
                s_clicked_at = endpoint::now_nanoseconds();
                return 1;
            }
        }
        return 0;
    }
};

ErrorOr<i32> notifyd_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    ClickScreen screen;
    TRY(notifyd::run(memory, 1280, &screen, std::move(requests), std::move(replies), nullptr));
    return 0;
}

void grant_click(Task& server, Task& client, CapabilitySpace& parent)
{
    auto click = parent.mint<CapabilityClass::Signal>(&server.signals(), RightRaise | RightGrant, click_bit.index())
                     .release_value();
    VERIFY(!client.bundle().grant("click", parent, click, RightRaise).is_error());
}

/* Sleeps `milliseconds` on bits nobody else raises. */
void sleep_for(u64 milliseconds)
{
    (void)endpoint::wait_until(SignalBit(30).mask(), endpoint::now_nanoseconds() + milliseconds * 1'000'000, SignalBit(31));
}

ErrorOr<i32> clicks_a_shown_notification(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto click = TRY(bundle.take<SignalCap>("click"));
    auto client = TRY(open_session_client<notify::Protocol>(memory, requests, replies));
    for (u32 round = 0; round < 3; ++round) {
        notify::Post post;
        for (char byte : std::string_view("Click me"))
            TRY(post.title.try_append(u8(byte)));
        post.timeout_ms = 20'000;
        TRY(client.call(post));
        EXPECT_IN_TASK(TRY(client.call(notify::ReadState {})).shown == 1);
        sleep_for(30);
        usize passes_before = s_click_passes;
        sleep_for(200);
        EXPECT_IN_TASK(s_click_passes - passes_before <= 1); /* a 30 ms poll looked 6 times */

        s_clicked_at = 0;
        s_click_pending = true;
        u64 clicked_at = endpoint::now_nanoseconds();
        TRY(endpoint::raise(click));
        sleep_for(50); /* no request of ours wakes the loop meanwhile */
        EXPECT_IN_TASK(s_clicked_at.load() != 0);
        EXPECT_IN_TASK(s_clicked_at.load() - clicked_at < 5'000'000); /* well inside the 30 ms a poll took */
        EXPECT_IN_TASK(TRY(client.call(notify::ReadState {})).shown == 0);
    }
    return 0;
}

}

TEST_CASE("notifyd's loop waits on the screen's input bit: idle it sleeps, and a click withdraws at once", "[notifyd]")
{
    s_click_passes = 0;
    Error ended = run_server_and_client(notifyd_task, clicks_a_shown_notification,
        { 16 * MiB, 4 * MiB, 1 * MiB, 128 * KiB, 128 * KiB }, grant_click);
    CHECK(ended.code() == ErrorCode::PeerRestarted);
}
