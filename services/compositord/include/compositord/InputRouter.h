/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's input routing (docs/adr/0047-input-routing.md): inputd's events, read by
 * compositord as inputd's one client, turned into events for the sessions owning surfaces. No
 * Rings here: the loop feeds events in and drains each session's queue into its `input` reads.
 *
 *   - Keys go to the session owning the focused surface (nobody focused: counted unrouted).
 *     Alt+Tab is compositord's: it focuses and raises the bottom surface, and the Tab key's
 *     press, repeats and release are never delivered.
 *   - The pointer moves the cursor. Its reports go to the surface under it, in that surface's
 *     own pixels; while a button is held they keep going to the surface the press began over
 *     (the implicit grab). A press over a surface focuses and raises it.
 *   - Transient surfaces (ADR 0048 §4) are never focused nor raised by a click or the chord; the
 *     pointer's reports over them still go to them (a click dismisses a notification).
 *   - Focus changes (click, chord, a `focus` request, the focused surface gone) are queued as
 *     `focus` events to the session that lost it and the one that gained it.
 *   - Each session's queue holds `queued_input_events`; a pointer report whose queue ends in a
 *     report for the same surface with the same buttons replaces it (a flood of motion takes one
 *     place); otherwise a full queue drops the event and counts it.
 */

#pragma once

#include <compositord/Compositor.h>
#include <vectra/input/Protocol.h>

namespace vectra::compositord {

/* Sessions of the clients' listener, then of the privileged one (notifyd's, ADR 0048 §4): indexes client_sessions and up. */
inline constexpr usize client_sessions = 8;
inline constexpr usize privileged_sessions = 2;
inline constexpr usize maximum_sessions = client_sessions + privileged_sessions;

struct RoutingCounters {
    u64 delivered { 0 };  /* events queued for a session */
    u64 coalesced { 0 };  /* pointer reports folded into the one queued before */
    u64 dropped { 0 };    /* events dropped: the session's queue was full */
    u64 unrouted { 0 };   /* keys with nothing focused, pointer reports over no surface */
    u64 chords { 0 };     /* Alt+Tab presses compositord took */
};

class InputRouter {
public:
    explicit InputRouter(Compositor& compositor)
        : m_compositor(compositor)
    {
    }

    /* One event from inputd (screen coordinates), routed. */
    void route(input::InputEvent const&);
    /* Queues focus events when the focused surface changed since the last call. */
    void notice_focus();
    /* Up to `maximum_input_events` of the session's queue, with its dropped count (reset). */
    [[nodiscard]] surface::InputEvents drain(usize session);
    [[nodiscard]] bool has_events(usize session) const;
    [[nodiscard]] usize queued(usize session) const { return m_queues[session].count; }
    void close_session(usize session);

    [[nodiscard]] RoutingCounters const& counters() const { return m_counters; }
    [[nodiscard]] u8 buttons() const { return m_buttons; }

private:
    struct Queue {
        surface::SurfaceEvent events[surface::queued_input_events];
        usize first { 0 };
        usize count { 0 };
        u32 dropped { 0 };
    };

    void route_key(input::InputEvent const&);
    void route_pointer(input::InputEvent const&);
    void cycle_focus();
    void queue(usize session, surface::SurfaceEvent const&);
    [[nodiscard]] surface::SurfaceEvent* last_queued(usize session);

    Compositor& m_compositor;
    Queue m_queues[maximum_sessions];
    bool m_last_is_motion[maximum_sessions] {}; /* the session's newest queued event is a motion a later one may fold into */
    RoutingCounters m_counters;
    u8 m_buttons { 0 };
    u32 m_grab { 0 };           /* the surface a held button was pressed over */
    bool m_chord_held { false }; /* Tab went down with Alt: its repeats and release are compositord's */
    u32 m_noticed_focus { 0 };
    usize m_noticed_session { 0 };
};

}
