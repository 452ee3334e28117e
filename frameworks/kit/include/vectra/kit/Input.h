/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Input as VectraKit events, from either source a client has: compositord's routed events for
 * its surface (vectra.surface `input`, ADR 0047; coordinates already in the surface's pixels) or
 * inputd's events (vectra.input; coordinates less the surface's origin). Both carry Linux key
 * codes, the same modifier bits and the same button bits, so one translator serves both:
 *
 * - A key press or repeat of Tab, Enter, Space, Backspace, Delete, the arrows, Home, End, Page Up
 *   or Page Down becomes that Key (Shift kept); any other key becomes the characters it typed,
 *   one Text event each, control characters and non-scalar values dropped (a tree refuses them).
 *   Releases of keys mean nothing; an unknown code that typed nothing means nothing.
 * - A pointer report becomes a press or release when its left button changed (the translator
 *   remembers the buttons), at its position clamped to VectraKit's coordinate bounds (±2^20); a
 *   release without a press, motion and the other buttons mean nothing.
 * - Focus (surface events only): gained and lost become FocusIn and FocusOut. Keys reach the tree
 *   only while the surface holds the focus: a key that comes after the focus was lost is
 *   dropped (compositord routes keys to the focused surface alone; a late one is stale).
 *
 * vectra.input and vectra.surface carry no wheel: Scroll events come from no translation yet.
 */

#pragma once

#include <span>
#include <vectra/kit/Event.h>
#include <vectra/surface/Protocol.h>

namespace vectra::input {
struct InputEvent;
}

namespace vectra::kit {

class InputTranslator {
public:
    static constexpr usize maximum_events = 2;
    static constexpr i32 coordinate_bound = 1 << 20;

    /* For inputd's events: where the surface's top-left pixel lies in the pointer's coordinates.
     * inputd has no notion of a surface's focus, so keys always pass. */
    InputTranslator(i32 origin_x, i32 origin_y)
        : m_origin_x(origin_x)
        , m_origin_y(origin_y)
        , m_focused(true)
    {
    }

    /* For compositord's events: surface pixels, keys only while the surface holds the focus
     * (a focus event says so, or the client after its own `focus` request: set_focused). */
    [[nodiscard]] static InputTranslator for_surface() { return InputTranslator(); }

    /* Writes up to maximum_events events for `event` into `out`; answers how many (component kit_input). */
    [[nodiscard]] usize translate(input::InputEvent const& event, Event (&out)[maximum_events]);
    /* The same for one of compositord's routed events; the caller has checked it names its surface. */
    [[nodiscard]] usize translate(surface::SurfaceEvent const& event, Event (&out)[maximum_events]);

    void set_focused(bool focused) { m_focused = focused; }
    [[nodiscard]] bool focused() const { return m_focused; }

    /* The parts both sources share. */
    [[nodiscard]] usize key(
        u8 action, u16 code, u8 modifiers, std::span<u32 const> characters, Event (&out)[maximum_events]) const;
    [[nodiscard]] usize pointer(i64 x, i64 y, u8 buttons, Event (&out)[maximum_events]);

private:
    InputTranslator() = default;

    i32 m_origin_x { 0 };
    i32 m_origin_y { 0 };
    u8 m_buttons { 0 };
    bool m_focused { false };
};

}
