/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a program's output into a terminal (libvterm's parser, state and
 * screen, the scrollback, the model's cells). The first byte picks a size and where the input is
 * split; a control byte 0xfe in the stream resizes between pieces, 0xfd selects. Every write is taken
 * whole, every cell keeps its invariants (width 0, 1 or 2, code points that are scalar values), the
 * cursor stays on the screen, the scrollback within its bound, the heap is never refused, and
 * selected text is valid UTF-8 that fits.
 */

#include <new>
#include <terminal/Terminal.h>
#include <vectra/Panic.h>
#include <vectra/Utf8.h>

using namespace vectra;
using namespace vectra::terminal;

namespace {

constexpr Limits limits { { 64, 24 }, 16 };

alignas(16) u8 s_memory[1 << 20];

void check(Terminal const& terminal)
{
    Size size = terminal.size();
    VERIFY(terminal.cursor().row < size.rows);
    VERIFY(terminal.cursor().column < size.columns);
    VERIFY(terminal.scrollback().size() <= limits.scrollback_lines);
    VERIFY(terminal.heap().refusals() == 0);
    VERIFY(terminal.title().size() <= Terminal::maximum_title);
    VERIFY(check_utf8({ reinterpret_cast<char const*>(terminal.title().data()), terminal.title().size() }).valid);
    for (u16 row = 0; row < size.rows; ++row) {
        for (u16 column = 0; column < size.columns; ++column) {
            Cell cell = terminal.view_cell(row, column);
            VERIFY(cell.width <= 2);
            for (u32 code_point : cell.code_points)
                VERIFY(code_point == 0 || is_scalar_value(code_point));
        }
        auto damage = terminal.damage()[row];
        VERIFY(damage.is_empty() || damage.end <= size.columns);
    }
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    static_assert(sizeof(s_memory) >= 16);
    VERIFY(Terminal::memory_for(limits) <= sizeof(s_memory));
    if (size == 0)
        return 0;
    Terminal terminal({ s_memory, Terminal::memory_for(limits) }, limits);
    Size start { u16(minimum_columns + data[0] % (limits.largest.columns - 1)), u16(1 + (data[0] / 7) % limits.largest.rows) };
    MUST(terminal.start(start));
    usize piece_start = 1;
    for (usize index = 1; index <= size; ++index) {
        if (index < size && data[index] != 0xfe && data[index] != 0xfd)
            continue;
        std::span<u8 const> piece(data + piece_start, index - piece_start);
        VERIFY(terminal.write(piece) == piece.size());
        check(terminal);
        if (index + 2 < size && data[index] == 0xfe) {
            Size next { u16(minimum_columns + data[index + 1] % (limits.largest.columns - 1)), u16(1 + data[index + 2] % limits.largest.rows) };
            MUST(terminal.resize(next));
            check(terminal);
            index += 2;
        } else if (index + 4 < size && data[index] == 0xfd) {
            u64 first = terminal.first_line();
            u64 span = terminal.screen_line() + terminal.size().rows - first;
            Position anchor { first + data[index + 1] % span, u16(data[index + 2] % terminal.size().columns) };
            Position end { first + data[index + 3] % span, u16(data[index + 4] % terminal.size().columns) };
            terminal.select(anchor, end);
            u8 text[512];
            usize length = terminal.selected_text(text);
            VERIFY(length <= sizeof(text));
            VERIFY(check_utf8({ reinterpret_cast<char const*>(text), length }).valid);
            index += 4;
        }
        piece_start = index + 1;
    }
    terminal.scroll_view(3);
    check(terminal);
    u8 input[InputQueue::capacity];
    terminal.input().take(input);
    return 0;
}
