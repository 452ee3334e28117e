/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/input/Pointer.h>

namespace vectra::input {

ErrorOr<Pointer> Pointer::create(AxisRange x, AxisRange y, u32 width, u32 height)
{
    if (x.maximum <= x.minimum || y.maximum <= y.minimum)
        return Error(ErrorCode::InvalidArgument, "an axis whose maximum is not above its minimum");
    if (width == 0 || height == 0)
        return Error(ErrorCode::InvalidArgument, "a surface of no pixels");
    return Pointer(x, y, width, height);
}

u32 Pointer::scale(i32 value, AxisRange range, u32 size)
{
    /* Clamped to the range, then mapped onto 0 … size - 1 (64-bit: no overflow for any i32 range). */
    i64 clamped = value < range.minimum ? range.minimum : value > range.maximum ? range.maximum : value;
    i64 span = i64 { range.maximum } - range.minimum;
    return static_cast<u32>((clamped - range.minimum) * (i64 { size } - 1) / span);
}

ErrorOr<PointerEvent> Pointer::handle(Event const& event)
{
    switch (event.type) {
    case event_type::synchronise:
        if (event.code != synchronise_report)
            return Error(ErrorCode::NotFound, "a synchronisation other than SYN_REPORT");
        m_state.x = scale(m_raw_x, m_x_range, m_width);
        m_state.y = scale(m_raw_y, m_y_range, m_height);
        return m_state;
    case event_type::absolute:
        if (event.code == absolute_x)
            m_raw_x = static_cast<i32>(event.value);
        else if (event.code == absolute_y)
            m_raw_y = static_cast<i32>(event.value);
        else
            return Error(ErrorCode::Unsupported, "an absolute axis other than X and Y");
        return Error(ErrorCode::NotFound, "accumulated until SYN_REPORT");
    case event_type::key: {
        u8 bit = event.code == key::button_left ? button::left
            : event.code == key::button_right  ? button::right
            : event.code == key::button_middle ? button::middle
                                               : 0;
        if (bit == 0 || event.value > key_value::autorepeat)
            return Error(ErrorCode::Unsupported, "a key a pointer does not have");
        m_state.buttons = event.value == key_value::release ? m_state.buttons & ~bit : m_state.buttons | bit;
        return Error(ErrorCode::NotFound, "accumulated until SYN_REPORT");
    }
    default:
        return Error(ErrorCode::Unsupported, "an event type a pointer does not send");
    }
}

}
