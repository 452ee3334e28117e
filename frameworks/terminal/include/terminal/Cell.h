/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * One character cell of a terminal, as the model hands it to whoever draws it: the code points it
 * shows (a base character and at most one combining mark; more marks are dropped), its width (2 for
 * the first cell of a wide character, 0 for the cell a wide character covers, else 1), its
 * colours resolved to RGB and the attributes a renderer needs.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::terminal {

struct Color {
    u8 red { 0 };
    u8 green { 0 };
    u8 blue { 0 };
    constexpr bool operator==(Color const&) const = default;
};

namespace attribute {
constexpr u8 bold = 1 << 0;
constexpr u8 underline = 1 << 1;
constexpr u8 reverse = 1 << 2;
constexpr u8 italic = 1 << 3;
constexpr u8 strike = 1 << 4;
}

inline constexpr usize code_points_per_cell = 2;

struct Cell {
    u32 code_points[code_points_per_cell] { 0, 0 }; /* 0 ends the list; none at all: a blank cell */
    u8 width { 1 };
    u8 attributes { 0 };
    Color foreground;
    Color background;

    [[nodiscard]] constexpr bool is_blank() const { return code_points[0] == 0; }
    [[nodiscard]] constexpr bool has(u8 flag) const { return (attributes & flag) != 0; }
    constexpr bool operator==(Cell const&) const = default;
};

/* A place in the terminal's history: `line` counts every line the terminal has shown since it
 * started (scrollback lines first, the screen's top row after them), so a position keeps naming
 * the same text while new output scrolls the screen. */
struct Position {
    u64 line { 0 };
    u16 column { 0 };
    constexpr bool operator==(Position const&) const = default;
    constexpr bool operator<(Position const& other) const
    {
        return line < other.line || (line == other.line && column < other.column);
    }
};

}
