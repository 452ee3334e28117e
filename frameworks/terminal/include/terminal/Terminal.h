/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A terminal model (docs/adr/0044-vterm.md §2): libvterm's state machine and screen over memory
 * its owner hands it, seen as a grid of Cells with damage per row, a bounded scrollback, a view
 * that can look back into it, a selection over the whole history (cells → UTF-8 text) and the
 * keyboard (inputd's key codes, modifiers and characters → the bytes an xterm sends, queued for the
 * program). It draws nothing and owns no session: apps/vterm draws it and serves vectra.tty with it.
 *
 * Memory. libvterm allocates its screen buffers (and frees them on resize) through a core/libc Heap
 * over part of the memory given; memory_for(limits) is enough for the largest size the limits allow
 * (resize refuses anything larger), so libvterm, which does not check its allocations, never meets
 * an exhausted heap — if it did, the terminal panics instead of writing through null.
 */

#pragma once

#include <span>
#include <terminal/Cell.h>
#include <terminal/InputQueue.h>
#include <terminal/Scrollback.h>
#include <terminal/SequenceGuard.h>
#include <terminal/Utf8Filter.h>
#include <vectra/Error.h>
#include <vectra/libc/Heap.h>

struct VTerm;
struct VTermScreen;

namespace vectra::terminal {

struct Size {
    u16 columns { 0 };
    u16 rows { 0 };
    constexpr bool operator==(Size const&) const = default;
};

inline constexpr u16 maximum_rows = 128;
/* libvterm 0.1.4 writes through a null cell when a wide character meets a one-column screen. */
inline constexpr u16 minimum_columns = 2;
inline constexpr u16 maximum_columns = 256;

struct Limits {
    Size largest { 132, 50 };
    usize scrollback_lines { 500 };
};

/* A key as inputd reports it (vectra.input's InputEvent, core/input's KeyEvent): an evdev code,
 * core/input's modifier bits and the characters the keymap made of it. */
struct KeyPress {
    u16 code { 0 };
    u8 modifiers { 0 };
    std::span<u32 const> characters;
};

/* The columns [begin, end) of one row changed since damage was last taken; begin == end: none. */
struct RowDamage {
    u16 begin { 0 };
    u16 end { 0 };
    [[nodiscard]] constexpr bool is_empty() const { return begin >= end; }
};

struct Cursor {
    u16 row { 0 };
    u16 column { 0 };
    bool visible { true };
};

class Terminal {
public:
    static constexpr usize maximum_title = 64;

    [[nodiscard]] static usize memory_for(Limits);

    /* `memory` (at least memory_for(limits), 16-byte aligned; its owner keeps it alive and unused). */
    Terminal(std::span<u8> memory, Limits);
    ~Terminal();
    Terminal(Terminal const&) = delete;
    Terminal& operator=(Terminal const&) = delete;

    /* Makes the VTerm at `size`. InvalidArgument: fewer than minimum_columns or no row, or beyond the limits; OutOfMemory:
     * less memory than memory_for(limits). */
    [[nodiscard]] ErrorOr<void> start(Size);

    /* Interprets the program's output (any bytes: ill-formed UTF-8 shows as U+FFFD, Utf8Filter.h;
     * REP is ignored, SequenceGuard.h);
     * answers how many were taken (all of them). */
    usize write(std::span<u8 const> bytes);
    /* InvalidArgument: fewer than minimum_columns or no row, or beyond the limits. Lines the screen
     * loses go to the scrollback; the scroll region and margins are reset, as xterm does. */
    [[nodiscard]] ErrorOr<void> resize(Size);

    /* Queues the bytes an xterm sends for the key; false when the key sends nothing (a modifier alone). */
    bool key(KeyPress const&);
    /* Queues text as typed (bracketed when the program asked for bracketed paste), "\n" sent as "\r". */
    void paste(std::span<u8 const> text);
    [[nodiscard]] InputQueue& input() { return m_input; }

    [[nodiscard]] Size size() const { return m_size; }
    [[nodiscard]] Cursor cursor() const { return m_cursor; }
    [[nodiscard]] std::span<u8 const> title() const { return { m_title, m_title_length }; }
    [[nodiscard]] u32 bells() const { return m_bells; }

    /* The screen's cell (row, column) < size(); what the window shows is view_cell. */
    [[nodiscard]] Cell cell(u16 row, u16 column) const;
    /* The cell at a history position: a scrollback line or a screen row; blank past a line's end
     * or outside the history. */
    [[nodiscard]] Cell cell_at(Position) const;

    /* History. */
    [[nodiscard]] Scrollback const& scrollback() const { return m_scrollback; }
    [[nodiscard]] u64 first_line() const { return m_screen_line - m_scrollback.size(); }
    [[nodiscard]] u64 screen_line() const { return m_screen_line; }

    /* The view: the screen, or `offset` lines further back into the scrollback. */
    void scroll_view(i32 lines);
    [[nodiscard]] usize view_offset() const { return m_view_offset; }
    [[nodiscard]] Position view_position(u16 row, u16 column) const
    {
        return { m_screen_line - m_view_offset + row, column };
    }
    [[nodiscard]] Cell view_cell(u16 row, u16 column) const { return cell_at(view_position(row, column)); }

    /* Damage, in view rows: what changed on the view since the last take. */
    [[nodiscard]] std::span<RowDamage const> damage() const { return { m_damage, m_size.rows }; }
    [[nodiscard]] bool has_damage() const;
    void clear_damage();

    /* Selection: the cells from `anchor` to `end` (either order, both included) of the history. */
    void select(Position anchor, Position end);
    void clear_selection();
    [[nodiscard]] bool has_selection() const { return m_selecting; }
    [[nodiscard]] bool is_selected(Position) const;
    /* The selection as UTF-8: rows joined by "\n", blanks at each row's end left out, the cell a
     * wide character covers skipped. Writes what fits whole into `into`; answers the bytes written. */
    usize selected_text(std::span<u8> into) const;

    [[nodiscard]] libc::Heap const& heap() const { return m_heap; }

    /* libvterm's callbacks (Terminal.cpp): public so the C callbacks can reach them. */
    void on_damage(i32 start_row, i32 end_row, i32 start_column, i32 end_column);
    void on_cursor(i32 row, i32 column, bool visible);
    void on_title(char const* text);
    void on_cursor_visible(bool visible);
    void on_bell() { ++m_bells; }
    void on_push_line(std::span<Cell const>);
    bool on_pop_line(std::span<Cell>);
    void on_output(std::span<u8 const>);
    [[nodiscard]] VTermScreen* screen_handle() const { return m_screen; }
    [[nodiscard]] std::span<Cell> scratch_line() { return m_line; }

private:
    [[nodiscard]] Cell blank() const;
    void damage_view_rows(u16 first, u16 last);
    void damage_all();
    [[nodiscard]] bool is_within_limits(Size) const;
    void damage_selection();
    void reset_margins();

    std::span<u8> m_memory;
    Limits m_limits;
    Scrollback m_scrollback;
    libc::Heap m_heap;
    VTerm* m_vterm { nullptr };
    VTermScreen* m_screen { nullptr };
    Utf8Filter m_filter;
    SequenceGuard m_guard;
    Size m_size;
    Cursor m_cursor;
    InputQueue m_input;
    u8 m_title[maximum_title] {};
    usize m_title_length { 0 };
    u32 m_bells { 0 };
    u64 m_screen_line { 0 };
    usize m_view_offset { 0 };
    RowDamage m_damage[maximum_rows] {};
    bool m_selecting { false };
    Position m_selection_start;
    Position m_selection_end;
    /* Scratch for a line libvterm pushes to or pops from the scrollback. */
    Cell m_line[maximum_columns] {};
};

}
