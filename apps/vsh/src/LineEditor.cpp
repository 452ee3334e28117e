/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vsh's line editor (LineEditor.h).
 */

#include <vsh/LineEditor.h>

namespace vectra::vsh {

namespace {

constexpr u8 control(char letter) { return u8(letter - 'a' + 1); }
constexpr u8 escape = 0x1b;
constexpr u8 backspace = 0x7f;
constexpr u8 bell = 0x07;

bool is_continuation(u8 byte) { return (byte & 0xc0) == 0x80; }
bool is_word(u8 byte) { return byte != ' ' && byte != '\t'; }

}

void LineEditor::set_columns(u16 columns) { m_columns = columns == 0 ? 1 : columns; }

void LineEditor::start(std::string_view prompt)
{
    m_prompt.clear();
    m_prompt.append(prompt);
    m_line.clear();
    m_cursor = 0;
    m_overflowed = false;
    m_browsing = 0;
    m_escape = Escape::None;
    m_cursor_row = 0;
    m_sink.text("\r");
    m_changed = true;
    refresh();
}

usize LineEditor::cells(usize from, usize to) const
{
    usize count = 0;
    auto text = m_line.view();
    for (usize index = from; index < to; ++index)
        count += is_continuation(u8(text[index])) ? 0 : 1;
    return count;
}

void LineEditor::draw()
{
    /* Back to the prompt's row, everything below erased, prompt and line written again. */
    if (m_cursor_row > 0)
        m_sink.format("\x1b[{}A", m_cursor_row);
    m_sink.text("\r\x1b[J");
    m_sink.text(m_prompt.view());
    m_sink.text(m_line.view());
    usize prompt_cells = m_prompt.length();
    usize end = prompt_cells + cells(0, m_line.length());
    /* A line ending exactly at the window's edge: the terminal waits to wrap, so move down now. */
    if (end > 0 && end % m_columns == 0)
        m_sink.text("\r\n");
    usize end_row = end / m_columns;
    usize at = prompt_cells + cells(0, m_cursor);
    usize row = at / m_columns;
    usize column = at % m_columns;
    if (end_row > row)
        m_sink.format("\x1b[{}A", end_row - row);
    m_sink.text("\r");
    if (column > 0)
        m_sink.format("\x1b[{}C", column);
    m_cursor_row = row;
}

void LineEditor::refresh()
{
    if (!m_changed)
        return;
    m_changed = false;
    draw();
}

void LineEditor::insert(u8 byte)
{
    if (m_line.length() >= maximum_line) {
        if (!m_overflowed)
            m_sink.write({ &bell, 1 });
        m_overflowed = true;
        return;
    }
    auto text = m_line.view();
    bool at_end = m_cursor == text.length();
    Line updated;
    updated.append(text.substr(0, m_cursor));
    char character = char(byte);
    updated.append({ &character, 1 });
    updated.append(text.substr(m_cursor));
    m_line = updated;
    ++m_cursor;
    /* A printable ASCII character typed at the end of a line already shown, not reaching the
       window's edge: it alone is echoed. Drawing the line again would erase everything below it
       and make the terminal redraw (and the compositor compose) the window's lower rows for one
       key — the most of a key's way to the screen (ADR 0047's amendment "Key to photon"). */
    usize end = m_prompt.length() + cells(0, m_line.length());
    if (!m_changed && at_end && byte >= 0x20 && byte < 0x7f && end % m_columns != 0) {
        m_sink.text({ &character, 1 });
        return;
    }
    m_changed = true;
}

void LineEditor::erase(usize from, usize to)
{
    if (from >= to)
        return;
    auto text = m_line.view();
    Line updated;
    updated.append(text.substr(0, from));
    updated.append(text.substr(to));
    m_line = updated;
    m_cursor = from;
    m_changed = true;
}

void LineEditor::move_left()
{
    auto text = m_line.view();
    while (m_cursor > 0) {
        --m_cursor;
        if (!is_continuation(u8(text[m_cursor])))
            break;
    }
    m_changed = true;
}

void LineEditor::move_right()
{
    auto text = m_line.view();
    if (m_cursor < text.size())
        ++m_cursor;
    while (m_cursor < text.size() && is_continuation(u8(text[m_cursor])))
        ++m_cursor;
    m_changed = true;
}

void LineEditor::delete_word_before()
{
    auto text = m_line.view();
    usize from = m_cursor;
    while (from > 0 && !is_word(u8(text[from - 1])))
        --from;
    while (from > 0 && is_word(u8(text[from - 1])))
        --from;
    erase(from, m_cursor);
}

std::string_view LineEditor::history(usize back) const
{
    if (back >= m_history_count)
        return {};
    return m_history[(m_history_first + m_history_count - 1 - back) % history_lines].view();
}

void LineEditor::history_older()
{
    if (m_browsing >= m_history_count)
        return;
    if (m_browsing == 0)
        m_draft = m_line;
    ++m_browsing;
    m_line.clear();
    m_line.append(history(m_browsing - 1));
    m_cursor = m_line.length();
    m_overflowed = false;
    m_changed = true;
}

void LineEditor::history_newer()
{
    if (m_browsing == 0)
        return;
    --m_browsing;
    m_line = m_browsing == 0 ? m_draft : Line();
    if (m_browsing > 0)
        m_line.append(history(m_browsing - 1));
    m_cursor = m_line.length();
    m_overflowed = false;
    m_changed = true;
}

void LineEditor::remember()
{
    auto text = m_line.view();
    if (text.empty() || (m_history_count > 0 && history(0) == text))
        return;
    if (m_history_count == history_lines) {
        m_history_first = (m_history_first + 1) % history_lines;
        --m_history_count;
    }
    m_history[(m_history_first + m_history_count) % history_lines] = m_line;
    ++m_history_count;
}

EditorEvent LineEditor::finish(EditorEvent event)
{
    /* The cursor goes to the line's end, so what the command prints starts below all of it. */
    m_cursor = m_line.length();
    m_changed = true;
    refresh();
    if (event == EditorEvent::Abandoned)
        m_sink.text("^C");
    m_sink.text("\r\n");
    m_cursor_row = 0;
    m_escape = Escape::None;
    if (event == EditorEvent::Line && m_overflowed)
        return EditorEvent::TooLong;
    if (event == EditorEvent::Line)
        remember();
    return event;
}

void LineEditor::key_of_csi(u8 final_byte)
{
    auto parameters = m_parameters.view();
    switch (final_byte) {
    case 'A':
        history_older();
        return;
    case 'B':
        history_newer();
        return;
    case 'C':
        move_right();
        return;
    case 'D':
        move_left();
        return;
    case 'H':
        m_cursor = 0;
        m_changed = true;
        return;
    case 'F':
        m_cursor = m_line.length();
        m_changed = true;
        return;
    case '~':
        if (parameters == "3") {
            usize at = m_cursor;
            move_right();
            erase(at, m_cursor);
        } else if (parameters == "1" || parameters == "7") {
            m_cursor = 0;
            m_changed = true;
        } else if (parameters == "4" || parameters == "8") {
            m_cursor = m_line.length();
            m_changed = true;
        }
        return;
    default:
        return; /* a key the editor has no use for */
    }
}

EditorEvent LineEditor::feed(u8 byte)
{
    switch (m_escape) {
    case Escape::Started:
        m_escape = byte == '[' ? Escape::Csi : byte == 'O' ? Escape::Ss3 : Escape::None;
        m_parameters.clear();
        return EditorEvent::None;
    case Escape::Ss3:
        m_escape = Escape::None;
        key_of_csi(byte);
        return EditorEvent::None;
    case Escape::Csi:
        if (byte >= 0x30 && byte <= 0x3f) {
            char character = char(byte);
            if (!m_parameters.append({ &character, 1 }))
                m_escape = Escape::None; /* parameters longer than any key's: not a key */
            return EditorEvent::None;
        }
        m_escape = Escape::None;
        if (byte >= 0x40 && byte <= 0x7e)
            key_of_csi(byte);
        return EditorEvent::None;
    case Escape::None:
        break;
    }

    if (byte == escape) {
        m_escape = Escape::Started;
        return EditorEvent::None;
    }
    if (byte == '\r' || byte == '\n')
        return finish(EditorEvent::Line);
    if (byte == control('c')) {
        m_overflowed = false;
        return finish(EditorEvent::Abandoned);
    }
    if (byte == control('d')) {
        if (m_line.length() == 0)
            return finish(EditorEvent::EndOfInput);
        usize at = m_cursor;
        move_right();
        erase(at, m_cursor);
        return EditorEvent::None;
    }
    if (byte == backspace || byte == control('h')) {
        usize end = m_cursor;
        move_left();
        erase(m_cursor, end);
        return EditorEvent::None;
    }
    if (byte == control('a')) {
        m_cursor = 0;
        m_changed = true;
    } else if (byte == control('e')) {
        m_cursor = m_line.length();
        m_changed = true;
    } else if (byte == control('b')) {
        move_left();
    } else if (byte == control('f')) {
        move_right();
    } else if (byte == control('k')) {
        erase(m_cursor, m_line.length());
    } else if (byte == control('u')) {
        erase(0, m_cursor);
    } else if (byte == control('w')) {
        delete_word_before();
    } else if (byte == control('p')) {
        history_older();
    } else if (byte == control('n')) {
        history_newer();
    } else if (byte == control('l')) {
        m_sink.text("\x1b[H\x1b[2J");
        m_cursor_row = 0;
        m_changed = true;
    } else if (byte == '\t') {
        insert(' ');
    } else if (byte >= 0x20) {
        insert(byte);
    }
    return EditorEvent::None;
}

}
