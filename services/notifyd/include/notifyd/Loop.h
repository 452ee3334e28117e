/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notifyd's service loop over vectra.notify (docs/adr/0048-notifyd.md §5): sessions on the
 * listener, each request one call of the Board, checked whole before anything changes; a post is
 * drawn and shown before it is answered. Each turn expires what passed its deadline, takes the
 * person's clicks (each withdraws its notification) and makes the screen match; one wait on the
 * listener, every session's doorbell, the screen's input bits and the earliest deadline. A
 * session that ends withdraws its own notifications, and only those.
 */

#pragma once

#include <notifyd/Board.h>
#include <notifyd/Screen.h>
#include <vectra/Session.h>

namespace vectra::notifyd {

/* Signal bits: the session table's 0–2 and 8 + n; the loop's timer 6. */
inline constexpr SignalBit timer_bit { 6 };
inline constexpr usize maximum_sessions = 8;

class Loop {
public:
    Loop(u32 screen_width, Screen* screen);
    Loop(Loop const&) = delete;
    Loop& operator=(Loop const&) = delete;

    /* Serves until the listener fails (PeerRestarted when its Rings go) or the screen does. */
    [[nodiscard]] ErrorOr<void> serve(RingCap listen_requests, RingCap listen_replies);

    [[nodiscard]] Board& board() { return m_board; }

    /* vectra.notify's requests of session `index` at `now` (the dispatch calls these through a handler). */
    [[nodiscard]] ErrorOr<notify::Posted> post(usize index, notify::Post const&, u64 now);
    [[nodiscard]] ErrorOr<protocol::Done> withdraw(usize index, notify::Withdraw const&);
    [[nodiscard]] notify::State state(usize index) const;
    /* The table's callbacks. */
    void opened(usize index);
    void closed(usize index);
    /* Expiry at `now` and the person's clicks; the screen made to match when anything changed. */
    [[nodiscard]] ErrorOr<void> tend(u64 now);

private:
    [[nodiscard]] bool take_session_request(usize index);

    Board m_board;
    Screen* m_screen { nullptr };
    bool m_screen_stale { false };
    u64 m_posted[maximum_sessions] {};
    session::Table m_table;
    u8 m_request[protocol::payload_capacity<notify::Protocol>];
    u8 m_reply[protocol::payload_capacity<notify::Protocol>];
};

/* notifyd from its capabilities to its loop: placed in `memory`, `ready` raised (when given), every session served. */
[[nodiscard]] ErrorOr<void> run(ReticleCap const& memory, u32 screen_width, Screen* screen, RingCap requests,
    RingCap replies, SignalCap const* ready);

}
