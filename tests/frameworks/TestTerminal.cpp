/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * frameworks/terminal's screen over the real libvterm: text and escape sequences into cells, SGR
 * colours and attributes, wrap, scroll into the bounded scrollback, the view looking back, damage
 * per row, selection across lines and wide characters, resize, and the memory bound.
 */

#include "TerminalSupport.h"
#include <catch2/catch.hpp>

using namespace vectra;
using namespace vectra::terminal;
using vectra::terminal::testing::OwnedTerminal;

TEST_CASE("Text lands in cells and the cursor follows it", "[terminal]")
{
    OwnedTerminal owned({ 20, 5 });
    REQUIRE(owned.write("hello\r\nworld") == 12);
    CHECK(owned.row_text(0) == "hello");
    CHECK(owned.row_text(1) == "world");
    CHECK(owned.terminal.cursor().row == 1);
    CHECK(owned.terminal.cursor().column == 5);
}

TEST_CASE("Cursor movement and erase sequences change the right cells", "[terminal]")
{
    OwnedTerminal owned({ 20, 5 });
    owned.write("abcdefgh\x1b[1;3HXY");
    CHECK(owned.row_text(0) == "abXYefgh");
    owned.write("\x1b[K");
    CHECK(owned.row_text(0) == "abXY");
    owned.write("\x1b[3;5Hz\x1b[2J");
    CHECK(owned.row_text(0).empty());
    CHECK(owned.row_text(2).empty());
    CHECK(owned.terminal.cursor().row == 2);
    CHECK(owned.terminal.cursor().column == 5);
}

TEST_CASE("SGR colours and attributes become RGB and flags", "[terminal]")
{
    OwnedTerminal owned({ 20, 5 });
    owned.write("\x1b[1;4;31mA\x1b[0m\x1b[42mB\x1b[7mC\x1b[0m\x1b[38;2;10;20;30mD\x1b[38;5;196mE\x1b[0mF");
    Cell a = owned.terminal.cell(0, 0);
    CHECK(a.code_points[0] == 'A');
    CHECK(a.has(attribute::bold));
    CHECK(a.has(attribute::underline));
    CHECK_FALSE(a.has(attribute::reverse));
    /* Bold red is the bright red of libvterm's palette. */
    CHECK(a.foreground == Color { 0xff, 0x40, 0x40 });
    Cell b = owned.terminal.cell(0, 1);
    CHECK(b.background == Color { 0x00, 0xe0, 0x00 });
    CHECK_FALSE(b.has(attribute::bold));
    CHECK(owned.terminal.cell(0, 2).has(attribute::reverse));
    CHECK(owned.terminal.cell(0, 3).foreground == Color { 10, 20, 30 });
    CHECK(owned.terminal.cell(0, 4).foreground == Color { 0xff, 0x00, 0x00 });
    Cell f = owned.terminal.cell(0, 5);
    CHECK(f.foreground == owned.terminal.cell(1, 0).foreground);
    CHECK(f.attributes == 0);
}

TEST_CASE("A long line wraps onto the next row", "[terminal]")
{
    OwnedTerminal owned({ 10, 4 });
    owned.write("0123456789abc");
    CHECK(owned.row_text(0) == "0123456789");
    CHECK(owned.row_text(1) == "abc");
}

TEST_CASE("Output past the last row scrolls into the scrollback", "[terminal]")
{
    OwnedTerminal owned({ 10, 3 });
    owned.write("one\r\ntwo\r\nthree\r\nfour\r\nfive");
    CHECK(owned.row_text(0) == "three");
    CHECK(owned.row_text(2) == "five");
    REQUIRE(owned.terminal.scrollback().size() == 2);
    CHECK(owned.terminal.first_line() == 0);
    CHECK(owned.terminal.screen_line() == 2);
    CHECK(owned.line_text(0) == "one");
    CHECK(owned.line_text(1) == "two");
}

TEST_CASE("The scrollback keeps its bound and forgets the oldest lines", "[terminal]")
{
    Limits limits { { 20, 5 }, 8 };
    OwnedTerminal owned({ 20, 5 }, limits);
    for (int line = 0; line < 100; ++line)
        owned.write("line " + std::to_string(line) + "\r\n");
    CHECK(owned.terminal.scrollback().size() == 8);
    CHECK(owned.terminal.scrollback().capacity() == 8);
    /* 100 lines and the empty one after: rows 0..4 show 96..99 and the cursor's. */
    CHECK(owned.row_text(0) == "line 96");
    CHECK(owned.line_text(owned.terminal.first_line()) == "line 88");
    CHECK(owned.line_text(owned.terminal.first_line() + 7) == "line 95");
    /* Forgotten lines are blank, never another line's memory. */
    CHECK(owned.line_text(owned.terminal.first_line() - 1).empty());
}

TEST_CASE("The view looks back into the scrollback and stays put while output scrolls", "[terminal]")
{
    OwnedTerminal owned({ 10, 3 });
    for (int line = 0; line < 10; ++line)
        owned.write(std::to_string(line) + "\r\n");
    owned.terminal.scroll_view(2);
    CHECK(owned.terminal.view_offset() == 2);
    auto text_at = [&](u16 row) { return owned.line_text(owned.terminal.view_position(row, 0).line); };
    CHECK(text_at(0) == "6");
    owned.write("x\r\n");
    CHECK(text_at(0) == "6");
    owned.terminal.scroll_view(-100);
    CHECK(owned.terminal.view_offset() == 0);
    owned.terminal.scroll_view(1000);
    CHECK(owned.terminal.view_offset() == owned.terminal.scrollback().size());
}

TEST_CASE("Damage names the changed cells per row, and is cleared once taken", "[terminal]")
{
    OwnedTerminal owned({ 20, 5 });
    owned.terminal.clear_damage();
    CHECK_FALSE(owned.terminal.has_damage());
    owned.write("\x1b[3;4Hab");
    auto damage = owned.terminal.damage();
    /* Row 0: only the cell the cursor left. */
    CHECK(damage[0].begin == 0);
    CHECK(damage[0].end == 1);
    CHECK(damage[1].is_empty());
    REQUIRE_FALSE(damage[2].is_empty());
    CHECK(damage[2].begin <= 3);
    CHECK(damage[2].end >= 5);
    CHECK(damage[2].end <= 7);
    CHECK(damage[3].is_empty());
    owned.terminal.clear_damage();
    CHECK_FALSE(owned.terminal.has_damage());
}

TEST_CASE("A wide character takes two cells and the second is covered", "[terminal]")
{
    OwnedTerminal owned({ 10, 3 });
    owned.write("a\xe4\xb8\xad" "b"); /* a 中 b */
    CHECK(owned.terminal.cell(0, 1).code_points[0] == 0x4E2D);
    CHECK(owned.terminal.cell(0, 1).width == 2);
    CHECK(owned.terminal.cell(0, 2).width == 0);
    CHECK(owned.terminal.cell(0, 3).code_points[0] == 'b');
    CHECK(owned.row_text(0) == "a\xe4\xb8\xad" "b");
}

TEST_CASE("A combining mark stays with its base character", "[terminal]")
{
    OwnedTerminal owned({ 10, 3 });
    owned.write("e\xcc\x81x"); /* e + U+0301 */
    Cell cell = owned.terminal.cell(0, 0);
    CHECK(cell.code_points[0] == 'e');
    CHECK(cell.code_points[1] == 0x0301);
    CHECK(owned.terminal.cell(0, 1).code_points[0] == 'x');
}

static std::string selected(Terminal const& terminal, usize room = 4096)
{
    std::string text(room, '\0');
    text.resize(terminal.selected_text({ reinterpret_cast<u8*>(text.data()), text.size() }));
    return text;
}

TEST_CASE("A selection across lines is their text joined by newlines without trailing blanks", "[terminal]")
{
    OwnedTerminal owned({ 20, 4 });
    owned.write("first line\r\nsecond\r\nthird one");
    u64 top = owned.terminal.screen_line();
    owned.terminal.select({ top + 2, 4 }, { top, 6 }); /* either order */
    CHECK(selected(owned.terminal) == "line\nsecond\nthird");
    CHECK(owned.terminal.is_selected({ top + 1, 19 }));
    CHECK_FALSE(owned.terminal.is_selected({ top, 5 }));
    owned.terminal.clear_selection();
    CHECK(selected(owned.terminal).empty());
}

TEST_CASE("A selection over wide characters takes each whole, once", "[terminal]")
{
    OwnedTerminal owned({ 10, 3 });
    owned.write("\xe4\xb8\xad\xe6\x96\x87!"); /* 中文! */
    u64 top = owned.terminal.screen_line();
    /* Starting on the covered half of 中 selects 中. */
    owned.terminal.select({ top, 1 }, { top, 3 });
    CHECK(selected(owned.terminal) == "\xe4\xb8\xad\xe6\x96\x87");
    owned.terminal.select({ top, 2 }, { top, 4 });
    CHECK(selected(owned.terminal) == "\xe6\x96\x87!");
}

TEST_CASE("A selection reaching into the scrollback keeps naming the same text as output scrolls", "[terminal]")
{
    OwnedTerminal owned({ 10, 2 });
    owned.write("alpha\r\nbeta\r\ngamma");
    u64 first = owned.terminal.first_line();
    owned.terminal.select({ first, 0 }, { first + 2, 2 });
    CHECK(selected(owned.terminal) == "alpha\nbeta\ngam");
    owned.write("\r\ndelta\r\nepsilon");
    CHECK(selected(owned.terminal) == "alpha\nbeta\ngam");
}

TEST_CASE("Selected text is cut at a character, never inside one", "[terminal]")
{
    OwnedTerminal owned({ 10, 2 });
    owned.write("a\xe4\xb8\xad");
    u64 top = owned.terminal.screen_line();
    owned.terminal.select({ top, 0 }, { top, 2 });
    CHECK(selected(owned.terminal, 3) == "a");
    CHECK(selected(owned.terminal, 4) == "a\xe4\xb8\xad");
}

TEST_CASE("Resize keeps the text, sends lost rows to the scrollback and brings them back", "[terminal]")
{
    OwnedTerminal owned({ 20, 4 });
    owned.write("one\r\ntwo\r\nthree\r\nfour");
    REQUIRE_FALSE(owned.terminal.resize({ 30, 2 }).is_error());
    CHECK(owned.terminal.size() == Size { 30, 2 });
    CHECK(owned.row_text(0) == "three");
    CHECK(owned.row_text(1) == "four");
    CHECK(owned.terminal.scrollback().size() == 2);
    REQUIRE_FALSE(owned.terminal.resize({ 30, 4 }).is_error());
    CHECK(owned.row_text(0) == "one");
    CHECK(owned.row_text(3) == "four");
    CHECK(owned.terminal.scrollback().size() == 0);
}

TEST_CASE("Resize refuses one column or none, no row, and beyond the limits", "[terminal]")
{
    Limits limits { { 40, 10 }, 10 };
    OwnedTerminal owned({ 20, 5 }, limits);
    CHECK(owned.terminal.resize({ 0, 5 }).error().code() == ErrorCode::InvalidArgument);
    /* One column: libvterm 0.1.4 would write a wide character's second half through null. */
    CHECK(owned.terminal.resize({ 1, 5 }).error().code() == ErrorCode::InvalidArgument);
    CHECK(owned.terminal.resize({ 20, 0 }).error().code() == ErrorCode::InvalidArgument);
    CHECK(owned.terminal.resize({ 41, 5 }).error().code() == ErrorCode::InvalidArgument);
    CHECK(owned.terminal.resize({ 20, 11 }).error().code() == ErrorCode::InvalidArgument);
    CHECK(owned.terminal.size() == Size { 20, 5 });
}

TEST_CASE("Start refuses too little memory, sizes beyond the limits and a second start", "[terminal]")
{
    Limits limits { { 40, 10 }, 10 };
    usize needed = Terminal::memory_for(limits);
    std::unique_ptr<u8[]> memory(new u8[needed + 16]);
    u8* aligned = reinterpret_cast<u8*>((reinterpret_cast<uptr>(memory.get()) + 15) & ~uptr(15));
    {
        Terminal terminal({ aligned, needed - 1 }, limits);
        CHECK(terminal.start({ 20, 5 }).error().code() == ErrorCode::OutOfMemory);
    }
    Terminal terminal({ aligned, needed }, limits);
    CHECK(terminal.start({ 41, 5 }).error().code() == ErrorCode::InvalidArgument);
    CHECK(terminal.start({ 0, 0 }).error().code() == ErrorCode::InvalidArgument);
    REQUIRE_FALSE(terminal.start({ 40, 10 }).is_error());
    CHECK(terminal.start({ 40, 10 }).error().code() == ErrorCode::AlreadyExists);
    Limits huge { { maximum_columns + 1, 10 }, 1 };
    std::unique_ptr<u8[]> more(new u8[Terminal::memory_for(huge) + 16]);
    u8* more_aligned = reinterpret_cast<u8*>((reinterpret_cast<uptr>(more.get()) + 15) & ~uptr(15));
    Terminal too_wide({ more_aligned, Terminal::memory_for(huge) }, huge);
    CHECK(too_wide.start({ 10, 10 }).error().code() == ErrorCode::InvalidArgument);
}

TEST_CASE("memory_for is enough for every resize between the smallest and the largest size", "[terminal]")
{
    Limits limits { { maximum_columns, maximum_rows }, 50 };
    OwnedTerminal owned({ 2, 1 }, limits);
    Size sizes[] = { { maximum_columns, maximum_rows }, { 2, 1 }, { maximum_columns, 1 }, { 2, maximum_rows },
        { maximum_columns, maximum_rows }, { 80, 25 }, { maximum_columns, maximum_rows } };
    for (int round = 0; round < 3; ++round) {
        for (Size size : sizes) {
            REQUIRE_FALSE(owned.terminal.resize(size).is_error());
            owned.write("\x1b[?1049hfull\x1b[?1049lmore text\r\n");
        }
    }
    CHECK(owned.terminal.heap().refusals() == 0);
    CHECK(owned.terminal.heap().peak_in_use() <= owned.terminal.heap().capacity());
}

TEST_CASE("The title comes from OSC 0/2, cut to 64 bytes, ill-formed UTF-8 shown as U+FFFD", "[terminal]")
{
    OwnedTerminal owned({ 20, 5 });
    owned.write("\x1b]2;my shell\x07");
    CHECK(std::string(owned.terminal.title().begin(), owned.terminal.title().end()) == "my shell");
    owned.write("\x1b]2;bad\xff" "title\x07");
    CHECK(std::string(owned.terminal.title().begin(), owned.terminal.title().end()) == "bad\xef\xbf\xbdtitle");
    owned.write("\x1b]0;" + std::string(100, 'x') + "\x07");
    CHECK(owned.terminal.title().size() <= Terminal::maximum_title);
}

TEST_CASE("The alternate screen hides the primary one and gives it back", "[terminal]")
{
    OwnedTerminal owned({ 20, 3 });
    owned.write("primary");
    owned.write("\x1b[?1049h\x1b[Halternate");
    CHECK(owned.row_text(0) == "alternate");
    owned.write("\x1b[?1049l");
    CHECK(owned.row_text(0) == "primary");
}

TEST_CASE("A query's answer goes to the program's input", "[terminal]")
{
    OwnedTerminal owned({ 20, 3 });
    owned.write("ab\x1b[6n"); /* cursor position report */
    CHECK(owned.pending_input() == "\x1b[1;3R");
}

TEST_CASE("A wide character on a two-column screen wraps whole", "[terminal]")
{
    OwnedTerminal owned({ 2, 3 });
    owned.write("a\xe4\xb8\xad\xe4\xb8\xad");
    CHECK(owned.row_text(0) == "a");
    CHECK(owned.row_text(1) == "\xe4\xb8\xad");
    CHECK(owned.row_text(2) == "\xe4\xb8\xad");
}

TEST_CASE("Resize resets a scroll region the smaller screen would leave empty, and keeps the cursor", "[terminal]")
{
    OwnedTerminal owned({ 20, 12 });
    owned.write("\x1b[10;12r\x1b[3;4H");
    REQUIRE_FALSE(owned.terminal.resize({ 20, 5 }).is_error());
    CHECK(owned.terminal.cursor().row == 2);
    CHECK(owned.terminal.cursor().column == 3);
    /* Text that scrolls the (whole) screen now, where libvterm 0.1.4 scrolled by a negative length. */
    owned.write("\x1b[5;1Hlast\r\nnext");
    CHECK(owned.row_text(3) == "last");
    CHECK(owned.row_text(4) == "next");
}

TEST_CASE("A wide character a narrower screen cuts comes back from the scrollback as a blank", "[terminal]")
{
    OwnedTerminal owned({ 10, 2 });
    owned.write("abcd\xe4\xb8\xad\r\nx\r\ny");
    REQUIRE(owned.terminal.scrollback().size() == 1);
    /* "abcd中" scrolled off whole; a screen of 5 columns gets it back without 中's second half. */
    REQUIRE_FALSE(owned.terminal.resize({ 5, 2 }).is_error());
    REQUIRE_FALSE(owned.terminal.resize({ 5, 3 }).is_error());
    CHECK(owned.terminal.scrollback().size() == 0);
    CHECK(owned.row_text(0) == "abcd");
    CHECK(owned.terminal.cell(0, 4).width == 1);
}

TEST_CASE("A screen shrinking under text below the cursor keeps the cursor on the screen", "[terminal]")
{
    OwnedTerminal owned({ 20, 6 });
    owned.write("\x1b[6;1Hbottom\x1b[1;1H");
    REQUIRE(owned.terminal.cursor().row == 0);
    REQUIRE_FALSE(owned.terminal.resize({ 20, 2 }).is_error());
    CHECK(owned.terminal.cursor().row < 2);
    /* Line attributes at the cursor's row, which libvterm 0.1.4 reached at row -4. */
    owned.write("\x1b#6x");
    CHECK(owned.terminal.heap().refusals() == 0);
}
