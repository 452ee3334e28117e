/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The lines that scrolled off a terminal's top, newest last, in memory its owner hands it: a ring
 * of `lines` slots of `columns` cells each. A line wider than a slot keeps its first `columns`
 * cells; once every slot is used the oldest line is forgotten for each new one, so the scrollback
 * never grows past the memory it was given.
 */

#pragma once

#include <span>
#include <terminal/Cell.h>

namespace vectra::terminal {

class Scrollback {
public:
    /* Bytes of memory for `lines` lines of `columns` cells. */
    static constexpr usize memory_for(usize lines, usize columns) { return lines * columns * sizeof(Cell) + lines * sizeof(u16); }

    Scrollback() = default;
    /* `memory` (aligned for Cell, its owner keeps it alive) holds as many lines of `columns` cells as fit. */
    Scrollback(std::span<u8> memory, u16 columns);

    void push(std::span<Cell const> cells);
    /* Takes the newest line back (a terminal that grows taller shows it again); false when empty. */
    bool pop(std::span<Cell> into, Cell const& blank);

    [[nodiscard]] usize size() const { return m_size; }
    [[nodiscard]] usize capacity() const { return m_capacity; }
    /* Line `index`, 0 the oldest kept. */
    [[nodiscard]] std::span<Cell const> line(usize index) const;

private:
    [[nodiscard]] usize slot_of(usize index) const { return (m_first + index) % m_capacity; }

    Cell* m_cells { nullptr };
    u16* m_lengths { nullptr };
    u16 m_columns { 0 };
    usize m_capacity { 0 };
    usize m_first { 0 };
    usize m_size { 0 };
};

}
