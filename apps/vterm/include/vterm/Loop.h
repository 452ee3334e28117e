/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vterm's service loop over vectra.tty (docs/adr/0044-vterm.md §5): sessions on the listener, one
 * window each (Server.h) at `window_size` until windows are drawn and sized by the person; every
 * request dispatched to the Server's handlers, a kept read answered by the loop at a key, a resize
 * or its deadline, with one signal wait. A session's request is taken only while its replies Ring
 * has room for the reply owed to its waiting read plus this one.
 */

#pragma once

#include <vectra/Ring.h>
#include <vectra/Session.h>
#include <vterm/Server.h>

namespace vectra::vterm {

/* Signal bits: the session table's 0–2 and 8 + n; the loop's timer 6. */
inline constexpr SignalBit timer_bit { 6 };
inline constexpr terminal::Size window_size { 80, 24 };

class Loop {
public:
    explicit Loop(std::span<u8> window_memory);
    Loop(Loop const&) = delete;
    Loop& operator=(Loop const&) = delete;

    /* Serves until the listener fails (PeerRestarted when its Rings go). */
    [[nodiscard]] ErrorOr<void> serve(RingCap listen_requests, RingCap listen_replies);

    [[nodiscard]] Server& server() { return m_server; }

    /* The session table's callbacks. */
    void opened(usize session);
    void closed(usize session);

private:
    [[nodiscard]] bool take_session_request(usize session);
    void answer_waiting(usize session, u64 now);

    Server m_server;
    session::Table m_table;
    u8 m_request[protocol::payload_capacity<tty::Protocol>];
    u8 m_reply[protocol::payload_capacity<tty::Protocol>];
};

/* vterm from its capabilities to its loop: the loop and its windows placed in `memory`, `ready`
 * raised (when given), then every session served until the listener fails. */
[[nodiscard]] ErrorOr<void> run(ReticleCap const& memory, RingCap requests, RingCap replies, SignalCap const* ready);

}
