/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The selection over a Terminal's history, and its text.
 */

#include <terminal/Terminal.h>
#include <vectra/Utf8.h>

namespace vectra::terminal {

namespace {

bool is_blank_text(Cell const& cell)
{
    return cell.width != 0 && (cell.is_blank() || (cell.code_points[0] == ' ' && cell.code_points[1] == 0));
}

/* Appends whole pieces while they fit. */
class TextWriter {
public:
    explicit TextWriter(std::span<u8> into)
        : m_into(into)
    {
    }
    bool append(u8 const* bytes, usize length)
    {
        if (m_full || m_into.size() - m_size < length) {
            m_full = true;
            return false;
        }
        __builtin_memcpy(m_into.data() + m_size, bytes, length);
        m_size += length;
        return true;
    }
    [[nodiscard]] usize size() const { return m_size; }
    [[nodiscard]] bool is_full() const { return m_full; }

private:
    std::span<u8> m_into;
    usize m_size { 0 };
    bool m_full { false };
};

}

void Terminal::damage_selection()
{
    if (!m_selecting)
        return;
    u64 top = m_screen_line - m_view_offset;
    for (u64 line = m_selection_start.line; line <= m_selection_end.line; ++line) {
        if (line < top)
            continue;
        if (line - top >= m_size.rows)
            break;
        damage_view_rows(u16(line - top), u16(line - top));
    }
}

void Terminal::select(Position anchor, Position end)
{
    damage_selection();
    if (end < anchor) {
        Position swap = anchor;
        anchor = end;
        end = swap;
    }
    /* A selection starting on the cell a wide character covers starts with that character. */
    if (anchor.column > 0 && cell_at(anchor).width == 0)
        --anchor.column;
    m_selection_start = anchor;
    m_selection_end = end;
    m_selecting = true;
    damage_selection();
}

void Terminal::clear_selection()
{
    damage_selection();
    m_selecting = false;
}

bool Terminal::is_selected(Position position) const
{
    return m_selecting && !(position < m_selection_start) && !(m_selection_end < position);
}

usize Terminal::selected_text(std::span<u8> into) const
{
    if (!m_selecting)
        return 0;
    TextWriter writer(into);
    for (u64 line = m_selection_start.line; line <= m_selection_end.line && !writer.is_full(); ++line) {
        if (line != m_selection_start.line) {
            u8 newline = '\n';
            writer.append(&newline, 1);
        }
        u32 first = line == m_selection_start.line ? m_selection_start.column : 0;
        u32 end = line == m_selection_end.line ? u32(m_selection_end.column) + 1 : m_size.columns;
        if (end > m_size.columns)
            end = m_size.columns;
        /* Blanks at the row's end are not text. */
        while (end > first && is_blank_text(cell_at({ line, u16(end - 1) })))
            --end;
        for (u32 column = first; column < end; ++column) {
            Cell cell = cell_at({ line, u16(column) });
            if (cell.width == 0)
                continue;
            u8 bytes[code_points_per_cell * 4];
            usize length = 0;
            if (cell.is_blank()) {
                bytes[length++] = ' ';
            } else {
                for (usize index = 0; index < code_points_per_cell && cell.code_points[index]; ++index) {
                    char encoded[4];
                    auto encoded_length = encode_utf8(cell.code_points[index], encoded);
                    if (encoded_length.is_error())
                        continue;
                    __builtin_memcpy(bytes + length, encoded, encoded_length.value());
                    length += encoded_length.value();
                }
            }
            if (!writer.append(bytes, length))
                break;
        }
    }
    return writer.size();
}

}
