/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vterm's key-to-photon stamps (KeyStamps.h).
 */

#include <vterm/KeyStamps.h>

namespace vectra::vterm {

void KeyStamps::received(usize window, u64 now)
{
    ++m_keys;
    if (m_keys > m_limit || m_pending_count == maximum_pending)
        return;
    m_pending[m_pending_count++] = Stamp { m_keys, window, now, std::nullopt, 0 };
}

void KeyStamps::drawn(usize window, u64 now)
{
    for (usize index = 0; index < m_pending_count; ++index) {
        if (m_pending[index].window == window && !m_pending[index].drawn)
            m_pending[index].drawn = now;
    }
}

std::span<KeyStamps::Stamp const> KeyStamps::flushed(u64 now)
{
    usize done = 0;
    usize kept = 0;
    for (usize index = 0; index < m_pending_count; ++index) {
        auto stamp = m_pending[index];
        if (stamp.drawn) {
            stamp.flushed = now;
            m_done[done++] = stamp;
        } else {
            m_pending[kept++] = stamp;
        }
    }
    m_pending_count = kept;
    return { m_done, done };
}

}
