/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <terminal/Utf8Filter.h>

namespace vectra::terminal {

bool Utf8Filter::start(u8 lead)
{
    m_low = 0x80;
    m_high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        m_needed = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        m_needed = 3;
        if (lead == 0xE0)
            m_low = 0xA0; /* no overlong forms */
        if (lead == 0xED)
            m_high = 0x9F; /* no surrogates */
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        m_needed = 4;
        if (lead == 0xF0)
            m_low = 0x90;
        if (lead == 0xF4)
            m_high = 0x8F; /* nothing past U+10FFFF */
    } else {
        return false;
    }
    return true;
}

}
