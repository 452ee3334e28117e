/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's input routing: keys to the focused surface's session, the pointer to the surface
 * under it, click-to-focus, Alt+Tab, bounded queues (InputRouter.h).
 */

#include <compositord/InputRouter.h>
#include <vectra/input/Event.h>
#include <vectra/input/Keyboard.h>

namespace vectra::compositord {

void InputRouter::route(input::InputEvent const& event)
{
    if (event.kind == input::event_kind::key)
        route_key(event);
    else if (event.kind == input::event_kind::pointer)
        route_pointer(event);
    notice_focus();
}

void InputRouter::route_key(input::InputEvent const& event)
{
    bool tab = event.code == input::key::tab;
    if (tab && event.action == input::key_action::press && (event.modifiers & input::modifier::alt)) {
        m_chord_held = true;
        ++m_counters.chords;
        cycle_focus();
        return;
    }
    if (tab && m_chord_held) {
        /* The chord's repeats and its release are compositord's too. */
        if (event.action == input::key_action::release)
            m_chord_held = false;
        return;
    }
    auto owner = m_compositor.focused_session();
    if (!owner) {
        ++m_counters.unrouted;
        return;
    }
    surface::SurfaceEvent routed;
    routed.kind = surface::event_kind::key;
    routed.surface = m_compositor.focused();
    routed.action = event.action;
    routed.code = event.code;
    routed.modifiers = event.modifiers;
    routed.characters = event.characters;
    queue(*owner, routed);
}

void InputRouter::route_pointer(input::InputEvent const& event)
{
    i32 x = i32(event.x > u32(surface::maximum_position) ? surface::maximum_position : event.x);
    i32 y = i32(event.y > u32(surface::maximum_position) ? surface::maximum_position : event.y);
    (void)m_compositor.cursor(x, y, true);
    u8 pressed = u8(event.buttons & ~m_buttons);
    /* A report that presses or releases a button keeps its own place in the queue, and its position:
     * a client tells a press on its title bar from one in its contents by it. */
    bool buttons_changed = event.buttons != m_buttons;
    std::optional<usize> target;
    if (m_buttons != 0 && m_grab != 0)
        target = m_compositor.slot_of(m_grab);
    else
        target = m_compositor.surface_at(x, y);
    if (target && pressed != 0 && m_buttons == 0) {
        /* Click-to-focus: the surface pressed on is focused and raised (a transient one neither: ADR 0048 §4), and
           holds the pointer until every button is up. */
        if (!m_compositor.slot(*target).transient) {
            m_compositor.focus_slot(*target);
            m_compositor.raise_slot(*target);
        }
        m_grab = m_compositor.slot(*target).id;
        notice_focus(); /* told before the press's report */
    }
    m_buttons = event.buttons;
    if (m_buttons == 0)
        m_grab = 0;
    if (!target) {
        ++m_counters.unrouted;
        return;
    }
    auto const& over = m_compositor.slot(*target);
    surface::SurfaceEvent routed;
    routed.kind = surface::event_kind::pointer;
    routed.surface = over.id;
    routed.x = x - over.frame.left;
    routed.y = y - over.frame.top;
    routed.buttons = event.buttons;
    if (auto* last = last_queued(over.session); !buttons_changed && m_last_is_motion[over.session] && last
        && last->kind == surface::event_kind::pointer && last->surface == routed.surface
        && last->buttons == routed.buttons) {
        last->x = routed.x;
        last->y = routed.y;
        ++m_counters.coalesced;
        return;
    }
    queue(over.session, routed);
    m_last_is_motion[over.session] = !buttons_changed;
}

void InputRouter::cycle_focus()
{
    /* The bottom surface comes to the top with the focus: repeated, the chord visits every surface but the transient
       ones (never focused; they sit above the others, so the bottom one is never transient unless all are). */
    auto order = m_compositor.order();
    if (order.empty() || m_compositor.slot(order[0]).transient)
        return;
    usize bottom = order[0];
    m_compositor.raise_slot(bottom);
    m_compositor.focus_slot(bottom);
}

void InputRouter::notice_focus()
{
    u32 focused = m_compositor.focused();
    auto owner = m_compositor.focused_session();
    if (!owner)
        focused = 0;
    if (focused == m_noticed_focus)
        return;
    if (m_noticed_focus != 0) {
        surface::SurfaceEvent lost;
        lost.kind = surface::event_kind::focus;
        lost.surface = m_noticed_focus;
        lost.action = surface::focus_action::lost;
        queue(m_noticed_session, lost);
    }
    m_noticed_focus = focused;
    m_noticed_session = owner ? *owner : 0;
    if (focused != 0) {
        surface::SurfaceEvent gained;
        gained.kind = surface::event_kind::focus;
        gained.surface = focused;
        gained.action = surface::focus_action::gained;
        queue(*owner, gained);
    }
}

surface::SurfaceEvent* InputRouter::last_queued(usize session)
{
    auto& waiting = m_queues[session];
    if (waiting.count == 0)
        return nullptr;
    return &waiting.events[(waiting.first + waiting.count - 1) % surface::queued_input_events];
}

void InputRouter::queue(usize session, surface::SurfaceEvent const& event)
{
    auto& waiting = m_queues[session];
    if (waiting.count == surface::queued_input_events) {
        ++waiting.dropped;
        ++m_counters.dropped;
        return;
    }
    waiting.events[(waiting.first + waiting.count) % surface::queued_input_events] = event;
    ++waiting.count;
    m_last_is_motion[session] = false;
    ++m_counters.delivered;
}

surface::InputEvents InputRouter::drain(usize session)
{
    auto& waiting = m_queues[session];
    surface::InputEvents drained;
    while (waiting.count > 0 && drained.events.size() < surface::maximum_input_events) {
        (void)drained.events.try_append(waiting.events[waiting.first]);
        waiting.first = (waiting.first + 1) % surface::queued_input_events;
        --waiting.count;
    }
    drained.dropped = waiting.dropped;
    waiting.dropped = 0;
    return drained;
}

bool InputRouter::has_events(usize session) const
{
    return m_queues[session].count > 0 || m_queues[session].dropped > 0;
}

void InputRouter::close_session(usize session)
{
    m_queues[session] = Queue();
    if (m_noticed_focus != 0 && m_noticed_session == session && !m_compositor.focused_session())
        m_noticed_focus = 0;
}

}
