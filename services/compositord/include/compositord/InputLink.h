/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's end of inputd (docs/adr/0047-input-routing.md): a vectra.input session and the
 * vectra.input.focus connection, which the manifest grants compositord alone. compositord names
 * its own session as inputd's focused client once, so inputd routes every event to it, and keeps
 * one waiting `read` outstanding; the loop takes its reply without blocking whenever the reply
 * bit rings, routes the events and sends the next read.
 */

#pragma once

#include <optional>
#include <vectra/Connection.h>
#include <vectra/Session.h>
#include <vectra/input/Protocol.h>

namespace vectra::compositord {

/* Signal bits (0–2 and 8+ are the listener's, 3–5 the display session's, 7 the frame timer). */
inline constexpr ConnectionBits input_bits { SignalBit(16), SignalBit(17), SignalBit(18) };
inline constexpr ConnectionBits input_focus_bits { SignalBit(19), SignalBit(20), SignalBit(21) };
/* How long each read waits in inputd before it is answered empty and sent again. */
inline constexpr u32 input_read_wait_ms = 10'000;

class InputLink {
public:
    /* Opens the session (its memory from `pool`), binds the focus connection and makes the session inputd's focused client. */
    [[nodiscard]] static ErrorOr<InputLink> open(
        RingCap listen_requests, RingCap listen_replies, ReticleCap pool, RingCap focus_requests, RingCap focus_replies);

    /* Sends a waiting read when none is outstanding. */
    [[nodiscard]] ErrorOr<void> request();
    /* The outstanding read's events when its reply arrived, else nothing; never waits. */
    [[nodiscard]] ErrorOr<std::optional<input::ReadEvents>> take();
    /* After an error: a new session (inputd restarted), focused again. */
    [[nodiscard]] ErrorOr<void> reconnect();

    [[nodiscard]] u64 wait_mask() const { return input_bits.reply.mask(); }
    [[nodiscard]] u32 client_id() const { return m_client_id; }
    [[nodiscard]] Client<input::focus::Protocol>& focus() { return m_focus; }

    InputLink(InputLink&&) = default;

private:
    InputLink(session::SessionClient<input::Protocol> session, Client<input::focus::Protocol> focus)
        : m_session(std::move(session))
        , m_focus(std::move(focus))
    {
    }

    session::SessionClient<input::Protocol> m_session;
    Client<input::focus::Protocol> m_focus;
    u32 m_client_id { 0 };
    u32 m_next_call { 1 };
    u32 m_outstanding_call { 0 }; /* 0: no read outstanding */
};

}
