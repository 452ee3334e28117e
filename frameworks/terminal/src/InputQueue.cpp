/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <terminal/InputQueue.h>

namespace vectra::terminal {

usize InputQueue::push(std::span<u8 const> bytes)
{
    usize kept = 0;
    for (u8 byte : bytes) {
        if (m_size == capacity) {
            u32 rest = u32(bytes.size() - kept);
            m_dropped = m_dropped > ~u32(0) - rest ? ~u32(0) : m_dropped + rest;
            break;
        }
        m_bytes[(m_head + m_size) % capacity] = byte;
        ++m_size;
        ++kept;
    }
    return kept;
}

usize InputQueue::take(std::span<u8> into)
{
    usize count = into.size() < m_size ? into.size() : m_size;
    for (usize index = 0; index < count; ++index)
        into[index] = m_bytes[(m_head + index) % capacity];
    m_head = (m_head + count) % capacity;
    m_size -= count;
    return count;
}

u32 InputQueue::take_dropped()
{
    u32 dropped = m_dropped;
    m_dropped = 0;
    return dropped;
}

}
