/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libvterm's screen seen as the model Terminal.h describes.
 */

#include <terminal/Terminal.h>
#include <vectra/Panic.h>
#include <vectra/Try.h>
#include <vectra/Utf8.h>
#include <vterm.h>

namespace vectra::terminal {

namespace {

Terminal& terminal_of(void* user) { return *static_cast<Terminal*>(user); }

void* allocate(size_t size, void* user)
{
    auto& heap = *static_cast<libc::Heap*>(user);
    void* block = heap.allocate(size);
    /* libvterm writes through what it gets without checking: memory_for() makes this unreachable. */
    if (!block)
        PANIC("terminal: libvterm's memory is used up (memory_for() was not enough)");
    __builtin_memset(block, 0, size); /* libvterm relies on zeroed memory */
    return block;
}

void release(void* block, void* user)
{
    if (block)
        static_cast<libc::Heap*>(user)->release(block);
}

VTermAllocatorFunctions allocator { allocate, release };

/* The cell a wide character covers holds this where its first code point would be. */
constexpr u32 wide_continuation = 0xFFFFFFFF;
constexpr u32 replacement_character = 0xFFFD;

Cell cell_from(VTermScreen* screen, VTermScreenCell const& source)
{
    Cell cell;
    if (source.chars[0] == wide_continuation) {
        cell.width = 0;
    } else {
        /* libvterm's decoder can leave values that are no Unicode scalar value: show U+FFFD. */
        for (usize index = 0; index < code_points_per_cell && source.chars[index]; ++index)
            cell.code_points[index] = is_scalar_value(source.chars[index]) ? source.chars[index] : replacement_character;
        cell.width = u8(source.width == 2 ? 2 : 1);
    }
    if (source.attrs.bold)
        cell.attributes |= attribute::bold;
    if (source.attrs.underline)
        cell.attributes |= attribute::underline;
    if (source.attrs.reverse)
        cell.attributes |= attribute::reverse;
    if (source.attrs.italic)
        cell.attributes |= attribute::italic;
    if (source.attrs.strike)
        cell.attributes |= attribute::strike;
    VTermColor foreground = source.fg;
    VTermColor background = source.bg;
    vterm_screen_convert_color_to_rgb(screen, &foreground);
    vterm_screen_convert_color_to_rgb(screen, &background);
    cell.foreground = { foreground.rgb.red, foreground.rgb.green, foreground.rgb.blue };
    cell.background = { background.rgb.red, background.rgb.green, background.rgb.blue };
    return cell;
}

VTermScreenCell vterm_cell_from(Cell const& source)
{
    VTermScreenCell cell {};
    if (source.width == 0) {
        cell.chars[0] = wide_continuation;
        cell.width = 1;
    } else {
        for (usize index = 0; index < code_points_per_cell; ++index)
            cell.chars[index] = source.code_points[index];
        cell.width = char(source.width);
    }
    cell.attrs.bold = source.has(attribute::bold);
    cell.attrs.underline = source.has(attribute::underline) ? VTERM_UNDERLINE_SINGLE : VTERM_UNDERLINE_OFF;
    cell.attrs.reverse = source.has(attribute::reverse);
    cell.attrs.italic = source.has(attribute::italic);
    cell.attrs.strike = source.has(attribute::strike);
    vterm_color_rgb(&cell.fg, source.foreground.red, source.foreground.green, source.foreground.blue);
    vterm_color_rgb(&cell.bg, source.background.red, source.background.green, source.background.blue);
    return cell;
}

int on_damage(VTermRect rect, void* user)
{
    terminal_of(user).on_damage(rect.start_row, rect.end_row, rect.start_col, rect.end_col);
    return 1;
}

int on_move_cursor(VTermPos position, VTermPos, int visible, void* user)
{
    terminal_of(user).on_cursor(position.row, position.col, visible != 0);
    return 1;
}

int on_property(VTermProp property, VTermValue* value, void* user)
{
    if (property == VTERM_PROP_TITLE)
        terminal_of(user).on_title(value->string);
    else if (property == VTERM_PROP_CURSORVISIBLE)
        terminal_of(user).on_cursor_visible(value->boolean != 0);
    return 1;
}

int on_bell(void* user)
{
    terminal_of(user).on_bell();
    return 1;
}

int on_push_line(int columns, VTermScreenCell const* cells, void* user);
int on_pop_line(int columns, VTermScreenCell* cells, void* user);

VTermScreenCallbacks screen_callbacks {
    .damage = on_damage,
    .moverect = nullptr, /* libvterm damages what moved instead */
    .movecursor = on_move_cursor,
    .settermprop = on_property,
    .bell = on_bell,
    .resize = nullptr,
    .sb_pushline = on_push_line,
    .sb_popline = on_pop_line,
};

void on_output(char const* bytes, size_t length, void* user)
{
    terminal_of(user).on_output({ reinterpret_cast<u8 const*>(bytes), length });
}

/* Bytes of libvterm's heap for a screen of `cells`: the primary and alternate buffers (36 bytes a
 * cell), both twice while a resize copies them, its line buffers, and a margin for its fixed parts
 * and the heap's headers. Checked by tests/frameworks/TestTerminal.cpp at the largest limits. */
constexpr usize engine_bytes_for(usize cells, usize columns, usize rows)
{
    return 4 * cells * 40 + 4 * columns * 48 + 4 * rows * 16 + 16 * 1024;
}

}

usize Terminal::memory_for(Limits limits)
{
    usize columns = limits.largest.columns;
    usize rows = limits.largest.rows;
    return Scrollback::memory_for(limits.scrollback_lines, columns) + 16 + engine_bytes_for(columns * rows, columns, rows);
}

static std::span<u8> scrollback_part(std::span<u8> memory, Limits limits)
{
    usize bytes = Scrollback::memory_for(limits.scrollback_lines, limits.largest.columns);
    return memory.first(bytes < memory.size() ? bytes : memory.size());
}

static std::span<u8> engine_part(std::span<u8> memory, Limits limits)
{
    usize used = scrollback_part(memory, limits).size();
    usize aligned = (used + 15) & ~usize(15);
    return aligned < memory.size() ? memory.subspan(aligned) : std::span<u8> {};
}

Terminal::Terminal(std::span<u8> memory, Limits limits)
    : m_memory(memory)
    , m_limits(limits)
    , m_scrollback(scrollback_part(memory, limits), limits.largest.columns)
    , m_heap(engine_part(memory, limits))
{
}

Terminal::~Terminal()
{
    if (m_vterm)
        vterm_free(m_vterm);
}

bool Terminal::is_within_limits(Size size) const
{
    return size.columns >= minimum_columns && size.rows > 0 && size.columns <= m_limits.largest.columns && size.rows <= m_limits.largest.rows;
}

ErrorOr<void> Terminal::start(Size size)
{
    if (m_vterm)
        return Error(ErrorCode::AlreadyExists, "terminal: already started");
    if (m_limits.largest.columns > maximum_columns || m_limits.largest.rows > maximum_rows || !is_within_limits(size))
        return Error(ErrorCode::InvalidArgument, "terminal: size beyond the limits");
    if (m_memory.size() < memory_for(m_limits))
        return Error(ErrorCode::OutOfMemory, "terminal: less memory than memory_for(limits)");
    m_size = size;
    m_vterm = vterm_new_with_allocator(size.rows, size.columns, &allocator, &m_heap);
    vterm_set_utf8(m_vterm, 1);
    vterm_output_set_callback(m_vterm, terminal::on_output, this);
    m_screen = vterm_obtain_screen(m_vterm);
    vterm_screen_enable_altscreen(m_screen, 1);
    vterm_screen_set_callbacks(m_screen, &screen_callbacks, this);
    vterm_screen_reset(m_screen, 1);
    /* Bold with one of the eight colours shows its bright form, as an xterm does. */
    vterm_state_set_bold_highbright(vterm_obtain_state(m_vterm), 1);
    damage_all();
    return {};
}

usize Terminal::write(std::span<u8 const> bytes)
{
    m_filter.feed(bytes, [this](std::span<u8> piece) {
        m_guard.rewrite(piece);
        vterm_input_write(m_vterm, reinterpret_cast<char const*>(piece.data()), piece.size());
    });
    return bytes.size();
}

ErrorOr<void> Terminal::resize(Size size)
{
    if (!is_within_limits(size))
        return Error(ErrorCode::InvalidArgument, "terminal: size beyond the limits");
    if (size == m_size)
        return {};
    m_size = size;
    vterm_set_size(m_vterm, size.rows, size.columns);
    reset_margins();
    if (m_view_offset > m_scrollback.size())
        m_view_offset = m_scrollback.size();
    if (m_cursor.row >= size.rows)
        m_cursor.row = u16(size.rows - 1);
    if (m_cursor.column >= size.columns)
        m_cursor.column = u16(size.columns - 1);
    damage_all();
    return {};
}

/*
 * A resize resets the scroll region and the left and right margins to the whole screen, as xterm
 * does, and keeps the cursor where it was. libvterm 0.1.4 bounds only a region's bottom and right
 * edges when the screen shrinks, so a region whose top lay below the new last row would scroll
 * with a negative length. The margins are reset through left/right margin mode, which stays off.
 * The cursor is placed again where libvterm left it, on the screen.
 */
void Terminal::reset_margins()
{
    VTermPos cursor;
    vterm_state_get_cursorpos(vterm_obtain_state(m_vterm), &cursor);
    char sequence[48] = "\x1b[r\x1b[?69h\x1b[s\x1b[?69l\x1b[";
    usize length = __builtin_strlen(sequence);
    auto append_number = [&](u32 number) {
        char digits[10];
        usize count = 0;
        do {
            digits[count++] = char('0' + number % 10);
            number /= 10;
        } while (number);
        while (count)
            sequence[length++] = digits[--count];
    };
    /* libvterm 0.1.4 can leave the cursor above the screen (a negative row) when a shrinking
     * screen scrolls lines away above it: the cursor goes to the top row instead. */
    append_number(u32(cursor.row < 0 ? 1 : cursor.row + 1));
    sequence[length++] = ';';
    append_number(u32(cursor.col < 0 ? 1 : cursor.col + 1));
    sequence[length++] = 'H';
    vterm_input_write(m_vterm, sequence, length);
}

void Terminal::paste(std::span<u8 const> text)
{
    vterm_keyboard_start_paste(m_vterm);
    for (u8 byte : text) {
        u8 sent = byte == '\n' ? u8('\r') : byte;
        m_input.push({ &sent, 1 });
    }
    vterm_keyboard_end_paste(m_vterm);
}

Cell Terminal::blank() const
{
    VTermScreenCell cell {};
    VTermColor foreground;
    VTermColor background;
    vterm_state_get_default_colors(vterm_obtain_state(m_vterm), &foreground, &background);
    cell.fg = foreground;
    cell.bg = background;
    cell.width = 1;
    return cell_from(m_screen, cell);
}

Cell Terminal::cell(u16 row, u16 column) const
{
    if (row >= m_size.rows || column >= m_size.columns)
        return blank();
    VTermScreenCell cell {};
    vterm_screen_get_cell(m_screen, VTermPos { row, column }, &cell);
    return cell_from(m_screen, cell);
}

Cell Terminal::cell_at(Position position) const
{
    if (position.line >= m_screen_line) {
        u64 row = position.line - m_screen_line;
        if (row >= m_size.rows)
            return blank();
        return cell(u16(row), position.column);
    }
    if (position.line < first_line())
        return blank();
    auto line = m_scrollback.line(usize(position.line - first_line()));
    return position.column < line.size() ? line[position.column] : blank();
}

void Terminal::scroll_view(i32 lines)
{
    i64 offset = i64(m_view_offset) + lines;
    if (offset < 0)
        offset = 0;
    if (offset > i64(m_scrollback.size()))
        offset = i64(m_scrollback.size());
    if (usize(offset) == m_view_offset)
        return;
    m_view_offset = usize(offset);
    damage_all();
}

bool Terminal::has_damage() const
{
    for (u16 row = 0; row < m_size.rows; ++row) {
        if (!m_damage[row].is_empty())
            return true;
    }
    return false;
}

void Terminal::clear_damage()
{
    for (auto& row : m_damage)
        row = {};
}

void Terminal::damage_view_rows(u16 first, u16 last)
{
    for (u16 row = first; row <= last && row < m_size.rows; ++row)
        m_damage[row] = { 0, m_size.columns };
}

void Terminal::damage_all()
{
    if (m_size.rows)
        damage_view_rows(0, u16(m_size.rows - 1));
}

void Terminal::on_damage(i32 start_row, i32 end_row, i32 start_column, i32 end_column)
{
    for (i32 screen_row = start_row; screen_row < end_row; ++screen_row) {
        i64 row = i64(screen_row) + i64(m_view_offset);
        if (row < 0 || row >= m_size.rows)
            continue;
        auto& damage = m_damage[row];
        /* libvterm can report rectangles reaching past the screen, or empty and reversed ones. */
        i32 clamped_begin = start_column < 0 ? 0 : start_column;
        i32 clamped_end = end_column > i32(m_size.columns) ? i32(m_size.columns) : end_column;
        if (clamped_begin >= clamped_end)
            continue;
        u16 begin = u16(clamped_begin);
        u16 end = u16(clamped_end);
        if (damage.is_empty()) {
            damage = { begin, end };
        } else {
            damage.begin = begin < damage.begin ? begin : damage.begin;
            damage.end = end > damage.end ? end : damage.end;
        }
    }
}

void Terminal::on_cursor(i32 row, i32 column, bool visible)
{
    auto mark = [this](Cursor const& cursor) {
        on_damage(cursor.row, cursor.row + 1, cursor.column, cursor.column + 1);
    };
    mark(m_cursor);
    m_cursor.row = u16(row < 0 ? 0 : row);
    m_cursor.column = u16(column < 0 ? 0 : column);
    m_cursor.visible = visible;
    mark(m_cursor);
}

void Terminal::on_cursor_visible(bool visible)
{
    m_cursor.visible = visible;
    on_damage(m_cursor.row, m_cursor.row + 1, m_cursor.column, m_cursor.column + 1);
}

void Terminal::on_title(char const* text)
{
    usize length = 0;
    while (text && text[length] && length < maximum_title)
        ++length;
    /* Keep whole, well-formed UTF-8 without control characters; cut where that stops. */
    std::string_view view(text ? text : "", length);
    auto check = check_utf8(view);
    if (!check.valid)
        length = check.offset;
    usize kept = 0;
    while (kept < length && u8(text[kept]) >= 0x20 && u8(text[kept]) != 0x7f)
        ++kept;
    __builtin_memcpy(m_title, text, kept);
    m_title_length = kept;
}

void Terminal::on_push_line(std::span<Cell const> cells)
{
    m_scrollback.push(cells);
    ++m_screen_line;
    if (m_view_offset > 0) {
        /* A person looking back keeps seeing the same lines while output scrolls on. */
        if (m_view_offset < m_scrollback.size())
            ++m_view_offset;
        damage_all();
    }
}

bool Terminal::on_pop_line(std::span<Cell> into)
{
    if (!m_scrollback.pop(into, blank()))
        return false;
    --m_screen_line;
    if (m_view_offset > m_scrollback.size())
        m_view_offset = m_scrollback.size();
    return true;
}

void Terminal::on_output(std::span<u8 const> bytes) { m_input.push(bytes); }

namespace {

int on_push_line(int columns, VTermScreenCell const* cells, void* user)
{
    auto& terminal = terminal_of(user);
    auto line = terminal.scratch_line();
    usize count = usize(columns) < line.size() ? usize(columns) : line.size();
    for (usize column = 0; column < count; ++column)
        line[column] = cell_from(terminal.screen_handle(), cells[column]);
    terminal.on_push_line(line.first(count));
    return 1;
}

int on_pop_line(int columns, VTermScreenCell* cells, void* user)
{
    auto& terminal = terminal_of(user);
    auto line = terminal.scratch_line();
    usize count = usize(columns) < line.size() ? usize(columns) : line.size();
    if (!terminal.on_pop_line(line.first(count)))
        return 0;
    for (usize column = 0; column < usize(columns); ++column)
        cells[column] = vterm_cell_from(column < count ? line[column] : line[count - 1]);
    /* A wide character cut by a narrower screen: libvterm 0.1.4 would write its second half
     * through a null cell past the row's end. Its first half stays, as a blank. */
    if (columns > 0 && cells[columns - 1].width == 2) {
        cells[columns - 1].width = 1;
        cells[columns - 1].chars[0] = 0;
    }
    return 1;
}

}

}
