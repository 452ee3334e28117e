/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <terminal/Clipboard.h>

namespace vectra::terminal {

usize Clipboard::copy_from(Terminal const& terminal)
{
    if (!terminal.has_selection())
        return m_size;
    m_size = terminal.selected_text(m_text);
    return m_size;
}

bool Clipboard::paste_into(Terminal& terminal) const
{
    if (m_size == 0)
        return false;
    terminal.paste(text());
    return true;
}

}
