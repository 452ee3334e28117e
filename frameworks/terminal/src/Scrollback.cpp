/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <terminal/Scrollback.h>

namespace vectra::terminal {

Scrollback::Scrollback(std::span<u8> memory, u16 columns)
    : m_columns(columns)
{
    if (columns == 0)
        return;
    usize per_line = usize(columns) * sizeof(Cell) + sizeof(u16);
    m_capacity = memory.size() / per_line;
    m_cells = reinterpret_cast<Cell*>(memory.data());
    m_lengths = reinterpret_cast<u16*>(memory.data() + m_capacity * columns * sizeof(Cell));
}

void Scrollback::push(std::span<Cell const> cells)
{
    if (m_capacity == 0)
        return;
    usize slot;
    if (m_size == m_capacity) {
        slot = m_first;
        m_first = (m_first + 1) % m_capacity;
    } else {
        slot = slot_of(m_size);
        ++m_size;
    }
    usize length = cells.size() < m_columns ? cells.size() : m_columns;
    Cell* line = m_cells + slot * m_columns;
    for (usize column = 0; column < length; ++column)
        line[column] = cells[column];
    m_lengths[slot] = u16(length);
}

bool Scrollback::pop(std::span<Cell> into, Cell const& blank)
{
    if (m_size == 0)
        return false;
    auto newest = line(m_size - 1);
    for (usize column = 0; column < into.size(); ++column)
        into[column] = column < newest.size() ? newest[column] : blank;
    --m_size;
    return true;
}

std::span<Cell const> Scrollback::line(usize index) const
{
    usize slot = slot_of(index);
    return { m_cells + slot * m_columns, m_lengths[slot] };
}

}
