/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/input/Event.h>
#include <vectra/input/KeyStamps.h>

namespace vectra::input::device {

void KeyStamps::event(RawEvent const& event, u64 now)
{
    if (event.type != event_type::key || event.value != i32(key_value::press) || event.code >= first_button_code)
        return;
    ++m_presses;
    m_batch_pressed = true;
    if (m_presses <= m_limit && m_held_count < maximum_held)
        m_held[m_held_count++] = Stamp { m_presses, now };
}

std::span<KeyStamps::Stamp const> KeyStamps::after_batch()
{
    bool pressed = m_batch_pressed;
    m_batch_pressed = false;
    if (pressed || m_held_count == 0)
        return {};
    usize count = m_held_count;
    for (usize index = 0; index < count; ++index)
        m_due[index] = m_held[index];
    m_held_count = 0;
    return { m_due, count };
}

}
