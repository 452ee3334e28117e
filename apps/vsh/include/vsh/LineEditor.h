/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vsh's line editor: typed bytes as an xterm encodes keys in, one edited line and the screen
 * updates that show it out. Insert and delete anywhere (Left/Right, Backspace, Delete), Home/End
 * (also Ctrl+A/E), Ctrl+K/U kill to the end/start, Ctrl+W deletes the word before the cursor,
 * Up/Down walk a bounded history, Ctrl+C abandons the line, Ctrl+L clears the screen, Ctrl+D on an
 * empty line ends the input. The line is at most maximum_line bytes: typing past that rings the
 * bell and the line, when entered, is refused as too long. Long lines wrap at the window's width
 * (one cell per code point); each change is drawn by refresh(), once per batch of typed bytes.
 */

#pragma once

#include <string_view>
#include <vectra/FixedString.h>
#include <vsh/Sink.h>

namespace vectra::vsh {

inline constexpr usize maximum_line = 1024;
inline constexpr usize history_lines = 32;

enum class EditorEvent : u8 {
    None,
    Line,       /* Enter: line() holds the entered line */
    Abandoned,  /* Ctrl+C */
    EndOfInput, /* Ctrl+D on an empty line */
    TooLong,    /* Enter after typing past maximum_line: the line is dropped */
};

class LineEditor {
public:
    using Line = FixedString<maximum_line>;

    explicit LineEditor(Sink& sink)
        : m_sink(sink)
    {
    }

    /* A new, empty line after `prompt` (at most 64 bytes), drawn at once. */
    void start(std::string_view prompt);
    /* One typed byte; a returned event other than None ends the line (start() begins the next). */
    [[nodiscard]] EditorEvent feed(u8 byte);
    /* Draws the line again if it changed since the last refresh. */
    void refresh();
    /* The window's width in cells (at least 1), from each read's reply. */
    void set_columns(u16 columns);

    [[nodiscard]] std::string_view line() const { return m_line.view(); }
    [[nodiscard]] usize cursor() const { return m_cursor; }
    [[nodiscard]] usize history_count() const { return m_history_count; }
    [[nodiscard]] std::string_view history(usize back) const; /* 0: the newest entry */

private:
    enum class Escape : u8 {
        None,
        Started,  /* ESC */
        Csi,      /* ESC [ and parameter bytes */
        Ss3,      /* ESC O */
    };

    void insert(u8);
    void erase(usize from, usize to);
    void move_left();
    void move_right();
    void delete_word_before();
    void history_older();
    void history_newer();
    void remember();
    void key_of_csi(u8 final_byte);
    [[nodiscard]] EditorEvent finish(EditorEvent);
    [[nodiscard]] usize cells(usize from, usize to) const;
    void draw();

    Sink& m_sink;
    Line m_line;
    FixedString<64> m_prompt;
    usize m_cursor { 0 };
    bool m_overflowed { false };
    bool m_changed { false };
    usize m_cursor_row { 0 }; /* the row the cursor was drawn on, counted from the prompt's */
    u16 m_columns { 80 };
    Escape m_escape { Escape::None };
    FixedString<8> m_parameters;

    Line m_history[history_lines];
    usize m_history_first { 0 };
    usize m_history_count { 0 };
    usize m_browsing { 0 }; /* 0: the line being typed; n: the n-th newest entry */
    Line m_draft;
};

}
