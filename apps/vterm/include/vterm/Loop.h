/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vterm's service loop over vectra.tty (docs/adr/0044-vterm.md §5, §6): sessions on the listener,
 * each with a window (Server.h) at `window_size` — the oldest one waiting for a session, else one
 * waiting to be shown — and `windows_at_start` windows shown before any session comes; every
 * request dispatched to the Server's handlers, a kept read answered by the loop at a key, a resize
 * or its deadline, with one signal wait; a session whose window the person closed is ended. A
 * session's request is taken only while its replies Ring has room for the reply owed to its
 * waiting read plus this one. With a Screen the windows are shown: each pass presents what
 * changed, and the loop waits on the screen's input bits in the same mask as the sessions', so
 * the person's input is taken as soon as it is ready — nothing is polled, and an idle vterm sleeps
 * (a session the person closed is reclaimed when its client lets go, which rings its bit).
 */

#pragma once

#include <vectra/Ring.h>
#include <vectra/Session.h>
#include <vterm/Server.h>

namespace vectra::vterm {

/* Signal bits: the session table's 0–2 and 8 + n (session::table_bits); the loop's timer 6. A
 * Screen's own bits (its clients' ConnectionBits) are clear of both: Display.h checks its own. */
inline constexpr SignalBit timer_bit { 6 };
inline constexpr terminal::Size window_size { 80, 24 };
static_assert((session::table_bits(maximum_sessions) & timer_bit.mask()) == 0, "the timer bit is the session table's");

/* Where the windows are shown (Display.h in vterm's Task): asked after every pass to show the
 * windows the Server shows (and no others) with their changes, and to take the input that is ready. */
class Screen {
public:
    virtual ~Screen() = default;
    [[nodiscard]] virtual ErrorOr<void> present() = 0;
    /* The person's keys into the windows' models (Server::key) and the focus; never waits. */
    [[nodiscard]] virtual ErrorOr<void> take_input() = 0;
    /* The Signal bits that ring when input may be ready: the loop waits on them with its sessions'. */
    [[nodiscard]] virtual u64 input_mask() const = 0;
    /* Input that is ready although its bit may have been taken (a call met the reply on its way):
     * the loop takes it before it waits again. */
    [[nodiscard]] virtual bool has_input() const = 0;
};

class Loop {
public:
    /* `windows_at_start` (at most maximum_windows) windows are shown empty, waiting for the first sessions. */
    explicit Loop(std::span<u8> window_memory, Screen* screen = nullptr, usize windows_at_start = 0);
    Loop(Loop const&) = delete;
    Loop& operator=(Loop const&) = delete;

    /* Serves until the listener fails (PeerRestarted when its Rings go). */
    [[nodiscard]] ErrorOr<void> serve(RingCap listen_requests, RingCap listen_replies);

    [[nodiscard]] Server& server() { return m_server; }
    /* Shows the windows on `screen` from now on (before serve). */
    void show_on(Screen* screen) { m_screen = screen; }

    /* The session table's callbacks. */
    void opened(usize session);
    void closed(usize session);

private:
    [[nodiscard]] bool take_session_request(usize session);
    void answer_waiting(usize session, u64 now);

    void end_closed_sessions();

    Server m_server;
    Screen* m_screen { nullptr };
    usize m_windows_at_start { 0 };
    session::Table m_table;
    u8 m_request[protocol::payload_capacity<tty::Protocol>];
    u8 m_reply[protocol::payload_capacity<tty::Protocol>];
};

/* The loop and its windows placed in `memory` (the windows' terminals 16-byte aligned), showing on `screen` if given.
 */
[[nodiscard]] ErrorOr<Loop*> place_loop(ReticleCap const& memory, Screen* screen = nullptr, usize windows_at_start = 0);

/* vterm from its capabilities to its loop: the loop and its windows placed in `memory`, `ready`
 * raised (when given), then every session served until the listener fails (or the screen does). */
[[nodiscard]] ErrorOr<void> run(ReticleCap const& memory, RingCap requests, RingCap replies, SignalCap const* ready,
    Screen* screen = nullptr, usize windows_at_start = 0);

}
