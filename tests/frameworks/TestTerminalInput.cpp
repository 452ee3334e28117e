/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * frameworks/terminal's input side: inputd's keys into the bytes vectra.tty promises (xterm's
 * encoding through libvterm), the pending-input bound with its dropped count, paste (bracketed
 * when asked), and the clipboard carrying a selection from one terminal into another.
 */

#include "TerminalSupport.h"
#include <catch2/catch.hpp>
#include <terminal/Clipboard.h>
#include <vectra/input/Event.h>
#include <vectra/input/Keyboard.h>

using namespace vectra;
using namespace vectra::terminal;
using vectra::terminal::testing::OwnedTerminal;

namespace {

std::string typed(OwnedTerminal& owned, u16 code, u8 modifiers = 0, std::initializer_list<u32> characters = {})
{
    std::vector<u32> list(characters);
    owned.terminal.key({ code, modifiers, { list.data(), list.size() } });
    return owned.pending_input();
}

}

TEST_CASE("Keys send what vectra.tty promises", "[terminal]")
{
    OwnedTerminal owned({ 20, 5 });
    CHECK(typed(owned, input::key::a, 0, { 'a' }) == "a");
    CHECK(typed(owned, input::key::a, input::modifier::shift, { 'A' }) == "A");
    CHECK(typed(owned, input::key::enter, 0, { '\r' }) == "\r");
    CHECK(typed(owned, input::key::backspace, 0, { 8 }) == "\x7f");
    CHECK(typed(owned, input::key::tab, 0, { '\t' }) == "\t");
    CHECK(typed(owned, input::key::escape) == "\x1b");
    CHECK(typed(owned, input::key::up) == "\x1b[A");
    CHECK(typed(owned, input::key::down) == "\x1b[B");
    CHECK(typed(owned, input::key::right) == "\x1b[C");
    CHECK(typed(owned, input::key::left) == "\x1b[D");
    CHECK(typed(owned, 111) == "\x1b[3~"); /* Delete */
    CHECK(typed(owned, 102) == "\x1b[H");  /* Home */
    CHECK(typed(owned, 104) == "\x1b[5~"); /* Page Up */
    CHECK(typed(owned, input::key::f1) == "\x1bOP");
    CHECK(typed(owned, 88) == "\x1b[24~"); /* F12 */
    /* The keymap makes Ctrl+C its control character; it is sent as it is. */
    CHECK(typed(owned, input::key::c, input::modifier::control, { 0x03 }) == "\x03");
    CHECK(typed(owned, input::key::z, input::modifier::control, { 0x1a }) == "\x1a");
    CHECK(typed(owned, input::key::x, input::modifier::alt, { 'x' }) == "\x1bx");
    CHECK(typed(owned, input::key::up, input::modifier::control) == "\x1b[1;5A");
    /* UTF-8, and both characters of a dead key that did not compose. */
    CHECK(typed(owned, input::key::a, 0, { 0xE4 }) == "\xc3\xa4");
    CHECK(typed(owned, input::key::e, 0, { '^', 'x' }) == "^x");
}

TEST_CASE("A modifier alone, or a character that is no scalar value, sends nothing", "[terminal]")
{
    OwnedTerminal owned({ 20, 5 });
    CHECK_FALSE(owned.terminal.key({ input::key::left_shift, input::modifier::shift, {} }));
    u32 surrogate[] = { 0xD800 };
    CHECK_FALSE(owned.terminal.key({ input::key::a, 0, surrogate }));
    u32 beyond[] = { 0x110000 };
    CHECK_FALSE(owned.terminal.key({ input::key::a, 0, beyond }));
    CHECK(owned.terminal.input().is_empty());
}

TEST_CASE("Application cursor mode changes the arrows as an xterm's", "[terminal]")
{
    OwnedTerminal owned({ 20, 5 });
    owned.write("\x1b[?1h");
    CHECK(typed(owned, input::key::up) == "\x1bOA");
}

TEST_CASE("A key brings the view back to the screen", "[terminal]")
{
    OwnedTerminal owned({ 10, 2 });
    owned.write("1\r\n2\r\n3\r\n4");
    owned.terminal.scroll_view(2);
    REQUIRE(owned.terminal.view_offset() == 2);
    typed(owned, input::key::a, 0, { 'a' });
    CHECK(owned.terminal.view_offset() == 0);
}

TEST_CASE("Typed bytes wait up to 1024; the newest beyond are dropped and counted once", "[terminal]")
{
    OwnedTerminal owned({ 20, 5 });
    auto& queue = owned.terminal.input();
    std::vector<u32> b { 'b' };
    for (int key = 0; key < 1100; ++key)
        owned.terminal.key({ input::key::b, 0, { b.data(), b.size() } });
    CHECK(queue.size() == InputQueue::capacity);
    CHECK(queue.dropped() == 1100 - InputQueue::capacity);
    u8 bytes[300];
    CHECK(queue.take(bytes) == 300);
    CHECK(queue.take_dropped() == 1100 - InputQueue::capacity);
    CHECK(queue.take_dropped() == 0);
    /* Room again: the oldest were kept, the next ones fit behind them. */
    std::vector<u32> c { 'c' };
    owned.terminal.key({ input::key::c, 0, { c.data(), c.size() } });
    CHECK(queue.size() == InputQueue::capacity - 300 + 1);
    u8 rest[InputQueue::capacity];
    usize count = queue.take(rest);
    CHECK(rest[count - 1] == 'c');
    CHECK(rest[count - 2] == 'b');
}

TEST_CASE("A multi-byte key that does not fit is cut, and the cut counted", "[terminal]")
{
    OwnedTerminal owned({ 20, 5 });
    std::vector<u32> x { 'x' };
    for (usize key = 0; key < InputQueue::capacity - 1; ++key)
        owned.terminal.key({ input::key::x, 0, { x.data(), x.size() } });
    owned.terminal.key({ input::key::up, 0, {} });
    CHECK(owned.terminal.input().size() == InputQueue::capacity);
    CHECK(owned.terminal.input().dropped() == 2);
}

TEST_CASE("Paste sends newlines as carriage returns, bracketed when the program asked", "[terminal]")
{
    OwnedTerminal owned({ 20, 5 });
    std::string text = "ls /\nexit";
    owned.terminal.paste({ reinterpret_cast<u8 const*>(text.data()), text.size() });
    CHECK(owned.pending_input() == "ls /\rexit");
    owned.write("\x1b[?2004h");
    owned.terminal.paste({ reinterpret_cast<u8 const*>(text.data()), text.size() });
    CHECK(owned.pending_input() == "\x1b[200~ls /\rexit\x1b[201~");
}

TEST_CASE("The clipboard carries a selection from one terminal into another", "[terminal]")
{
    OwnedTerminal first({ 20, 5 });
    OwnedTerminal second({ 30, 5 });
    Clipboard clipboard;
    CHECK_FALSE(clipboard.paste_into(second.terminal));
    first.write("echo \xe4\xb8\xad\r\nls /");
    u64 top = first.terminal.screen_line();
    first.terminal.select({ top, 0 }, { top + 1, 3 });
    CHECK(clipboard.copy_from(first.terminal) == 13);
    REQUIRE(clipboard.paste_into(second.terminal));
    CHECK(second.pending_input() == "echo \xe4\xb8\xad\rls /");
    /* Without a selection, copying keeps what the clipboard held. */
    first.terminal.clear_selection();
    CHECK(clipboard.copy_from(first.terminal) == 13);
}

TEST_CASE("The clipboard keeps at most its capacity, cut at a character", "[terminal]")
{
    Limits limits { { 256, 40 }, 10 };
    OwnedTerminal owned({ 256, 40 }, limits);
    std::string wide;
    for (int index = 0; index < 128 * 40; ++index)
        wide += "\xe4\xb8\xad";
    owned.write(wide);
    u64 top = owned.terminal.screen_line();
    owned.terminal.select({ top, 0 }, { top + 39, 255 });
    Clipboard clipboard;
    usize kept = clipboard.copy_from(owned.terminal);
    CHECK(kept <= Clipboard::capacity);
    CHECK(kept > Clipboard::capacity - 4);
    CHECK(check_utf8({ reinterpret_cast<char const*>(clipboard.text().data()), kept }).valid);
}
