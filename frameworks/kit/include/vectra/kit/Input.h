/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * inputd's events (vectra.input, core/inputprotocol) as VectraKit events. A key press or repeat
 * of Tab, Enter, Space, Backspace, Delete, the arrows, Home, End, Page Up or Page Down becomes that
 * Key (Shift kept); any other key becomes the characters it typed, one Text event each. A pointer
 * report becomes a press or release when its left button changed (the translator remembers the
 * buttons), at the report's position less the surface's origin. Releases of keys mean nothing.
 */

#pragma once

#include <vectra/input/Protocol.h>
#include <vectra/kit/Event.h>

namespace vectra::kit {

class InputTranslator {
public:
    static constexpr usize maximum_events = 2;

    /* Where the surface's top-left pixel lies in the pointer's coordinates. */
    InputTranslator(i32 origin_x, i32 origin_y)
        : m_origin_x(origin_x)
        , m_origin_y(origin_y)
    {
    }

    /* Writes up to maximum_events events for `event` into `out`; answers how many. */
    [[nodiscard]] usize translate(input::InputEvent const& event, Event (&out)[maximum_events]);

private:
    i32 m_origin_x { 0 };
    i32 m_origin_y { 0 };
    u8 m_buttons { 0 };
};

}
