/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * An absolute pointer (virtio-tablet) assembled from its reports: ABS_X/ABS_Y and button keys
 * accumulate until SYN_REPORT, which yields one PointerEvent, the position scaled from the
 * device's axis ranges to a caller's surface size.
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/Types.h>
#include <vectra/input/Event.h>

namespace vectra::input {

namespace button {
constexpr u8 left = 1 << 0;
constexpr u8 right = 1 << 1;
constexpr u8 middle = 1 << 2;
}

struct AxisRange {
    i32 minimum { 0 };
    i32 maximum { 0x7fff };
};

struct PointerEvent {
    u32 x { 0 };
    u32 y { 0 };
    u8 buttons { 0 };
};

class Pointer {
public:
    /* Refused unless each range has maximum > minimum and the surface is at least 1 × 1. */
    [[nodiscard]] static ErrorOr<Pointer> create(AxisRange x, AxisRange y, u32 width, u32 height);

    /* One event; a SYN_REPORT yields the pointer's state, anything else NotFound (accumulated)
     * or an error for an event a pointer does not send (refused, nothing changes). */
    [[nodiscard]] ErrorOr<PointerEvent> handle(Event const& event);

private:
    Pointer(AxisRange x, AxisRange y, u32 width, u32 height)
        : m_x_range(x)
        , m_y_range(y)
        , m_width(width)
        , m_height(height)
    {
    }
    [[nodiscard]] static u32 scale(i32 value, AxisRange range, u32 size);

    AxisRange m_x_range;
    AxisRange m_y_range;
    u32 m_width;
    u32 m_height;
    PointerEvent m_state;
    i32 m_raw_x { 0 };
    i32 m_raw_y { 0 };
};

}
