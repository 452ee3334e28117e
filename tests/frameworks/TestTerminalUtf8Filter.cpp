/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * frameworks/terminal's Utf8Filter: well-formed UTF-8 passes unchanged however it is split; every
 * ill-formed piece becomes U+FFFD per maximal subpart; and through a Terminal, the shape that made
 * libvterm 0.1.4 write past its buffer (a sequence cut by a control byte, then text) shows U+FFFD.
 */

#include "TerminalSupport.h"
#include <catch2/catch.hpp>
#include <terminal/SequenceGuard.h>
#include <terminal/Utf8Filter.h>

using namespace vectra;
using namespace vectra::terminal;
using vectra::terminal::testing::OwnedTerminal;

namespace {

std::string filtered(Utf8Filter& filter, std::string const& bytes)
{
    std::string out;
    filter.feed({ reinterpret_cast<u8 const*>(bytes.data()), bytes.size() },
        [&](std::span<u8> piece) { out.append(reinterpret_cast<char const*>(piece.data()), piece.size()); });
    return out;
}

std::string filtered(std::string const& bytes)
{
    Utf8Filter filter;
    return filtered(filter, bytes);
}

std::string const fffd = "\xef\xbf\xbd";

}

TEST_CASE("Well-formed UTF-8 passes unchanged, split anywhere", "[terminal]")
{
    std::string text = "a\xc3\xa4\xe4\xb8\xad\xf0\x9f\x98\x80z\x1b[31m";
    CHECK(filtered(text) == text);
    for (usize split = 0; split <= text.size(); ++split) {
        Utf8Filter filter;
        std::string out = filtered(filter, text.substr(0, split));
        out += filtered(filter, text.substr(split));
        CHECK(out == text);
        CHECK(filter.pending() == 0);
    }
}

TEST_CASE("A character cut by a write's end waits for the rest", "[terminal]")
{
    Utf8Filter filter;
    CHECK(filtered(filter, "x\xe4\xb8").empty() == false);
    CHECK(filter.pending() == 2);
    CHECK(filtered(filter, "\xad") == "\xe4\xb8\xad");
}

TEST_CASE("Every ill-formed piece becomes one U+FFFD per maximal subpart", "[terminal]")
{
    CHECK(filtered("\x80") == fffd);                         /* stray continuation */
    CHECK(filtered("\xc0\xaf") == fffd + fffd);              /* overlong lead, then a stray */
    CHECK(filtered("\xe0\x80\x80") == fffd + fffd + fffd);   /* overlong three-byte form */
    CHECK(filtered("\xed\xa0\x80") == fffd + fffd + fffd);   /* a surrogate */
    CHECK(filtered("\xf4\x90\x80\x80") == fffd + fffd + fffd + fffd); /* past U+10FFFF */
    CHECK(filtered("\xf8\x88\x80\x80\x80") == fffd + fffd + fffd + fffd + fffd); /* a 5-byte form */
    CHECK(filtered("\xe4\xb8" "A") == fffd + "A");            /* cut short by ASCII */
    CHECK(filtered("\xe4\n" "A") == fffd + "\nA");            /* cut short by a control byte */
    CHECK(filtered("\xff\xfe") == fffd + fffd);
}

TEST_CASE("A sequence cut by a control byte and then text shows U+FFFD and the text", "[terminal]")
{
    OwnedTerminal owned({ 20, 3 });
    owned.write("\xe4\r");
    owned.write("ABCDEFGH");
    CHECK(owned.row_text(0) == "ABCDEFGH");
    owned.write("\r\n\xf8\x88\x80\x80\x80!");
    CHECK(owned.row_text(1) == fffd + fffd + fffd + fffd + fffd + "!");
}

TEST_CASE("REP is dropped however it is written, and nothing else is", "[terminal]")
{
    OwnedTerminal owned({ 20, 4 });
    /* Before any character libvterm 0.1.4 would loop forever here. */
    owned.write("\x1b[5b");
    owned.write("x\x1b[3bY\x1b[?5b\x1b[2 bZ");
    CHECK(owned.row_text(0) == "xYZ");
    /* Inside a string the parser is not in a control sequence: the bytes are the title's. */
    owned.write("\x1b]2;a[5b\x07");
    CHECK(std::string(owned.terminal.title().begin(), owned.terminal.title().end()) == "a[5b");
    /* An escape inside a string starts a control sequence, as libvterm's parser does. */
    owned.write("\r\n\x1b]2;t\x1b[2b\x07W");
    CHECK(owned.row_text(1) == "W");
    /* A sequence split across writes is still seen whole. */
    owned.write("\r\nq\x1b[");
    owned.write("4");
    owned.write("b!");
    CHECK(owned.row_text(2) == "q!");
    /* Other sequences with the same arguments still work. */
    owned.write("\x1b[4;1H\x1b[3C+");
    CHECK(owned.row_text(3) == "   +");
}

TEST_CASE("SequenceGuard counts each REP it drops and rewrites nothing else", "[terminal]")
{
    SequenceGuard guard;
    std::string bytes = "ab\x1b[12b\x1b[1;2H\x1b]0;x[b\x07\x1b[b";
    std::string before = bytes;
    guard.rewrite({ reinterpret_cast<u8*>(bytes.data()), bytes.size() });
    CHECK(guard.dropped() == 2);
    usize changed = 0;
    for (usize index = 0; index < bytes.size(); ++index) {
        if (bytes[index] != before[index]) {
            CHECK(before[index] == 'b');
            CHECK(bytes[index] == '\x18');
            ++changed;
        }
    }
    CHECK(changed == 2);
}

TEST_CASE("A control sequence with more than 16 arguments is cancelled, one with 16 works", "[terminal]")
{
    OwnedTerminal owned({ 20, 4 });
    /* 16 arguments: SGR with fifteen resets and then red. */
    owned.write("\x1b[0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;31mR");
    CHECK(owned.terminal.cell(0, 0).foreground == Color { 0xe0, 0x00, 0x00 });
    /* 17: cancelled at the 16th separator; what follows is text. */
    owned.write("\r\n\x1b[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1H");
    CHECK(owned.row_text(1) == "1H");
    std::string colons = "\r\n\x1b[" + std::string(40, ':') + "L";
    owned.write(colons);
    CHECK(owned.row_text(2) == std::string(20, ':'));
    CHECK(owned.row_text(3) == "::::L");
}
