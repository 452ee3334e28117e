/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * apps/vterm's windows and sessions meeting in either order (docs/adr/0044-vterm.md, second
 * amendment) over real terminal models: a session with no window waits (its output interpreted,
 * its title kept, its reads answered at their deadline) until Ctrl+Shift+Enter shows it; a window
 * opened with no session waits and keeps what is typed for the program that comes; an ended
 * session's window keeps its lines until closed; Ctrl+Shift+W ends the session of its window. The
 * attacks: a session flood, a window opened and closed with nobody connecting, closing a window
 * whose program waits, keys for windows nobody sees. And the selection (Shift+arrows) copied with
 * Ctrl+Shift+C in one window and pasted with Ctrl+Shift+V into the other, bracketed when asked.
 */

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vectra/input/Event.h>
#include <vectra/input/Keyboard.h>
#include "VtermServerFixture.h"
#include <vterm/Server.h>

using namespace vectra;
using namespace vectra::vterm;

namespace {

constexpr u64 millisecond = 1'000'000;
constexpr u8 chord = input::modifier::control | input::modifier::shift;

struct Fixture : testing::ServerFixture {
    std::string read_now(usize session) { return text_of(MUST(server.read(session, { 0 }, 0, 1))); }
};

}

TEST_CASE("vterm: a session with no window waiting gets one that waits to be shown, and is served meanwhile", "[vterm]")
{
    Fixture fixture;
    REQUIRE(fixture.open_with_session(0) == 0);
    REQUIRE_FALSE(fixture.server.opened(1, { 80, 24 }).is_error());
    CHECK(fixture.server.window_of(0) == 0u);
    REQUIRE(fixture.server.window_of(1) == 1u);
    CHECK_FALSE(fixture.server.is_shown(1));

    /* Its output is interpreted, its title kept and its size is the window's to be. */
    CHECK(fixture.write(1, "vsh:/$ ").accepted == 7);
    CHECK(fixture.server.terminal(1).cell(0, 0).code_points[0] == 'v');
    tty::SetTitle title;
    (void)title.title.try_append(u8('b'));
    REQUIRE_FALSE(fixture.server.set_title(1, title).is_error());
    auto size = MUST(fixture.server.size(1));
    CHECK((size.columns == 80 && size.rows == 24));

    /* Nobody can type there: a key for a window not shown does nothing, and its read waits for its deadline. */
    CHECK(fixture.type(1, 'x') == KeyOutcome::Nothing);
    REQUIRE(fixture.server.read(1, { 100 }, 0, 7).is_error());
    CHECK(fixture.server.kept());
    CHECK_FALSE(fixture.server.answer_waiting(1, 99 * millisecond).has_value());
    auto answer = fixture.server.answer_waiting(1, 100 * millisecond);
    REQUIRE(answer.has_value());
    CHECK((answer->call_id == 7 && answer->input.bytes.size() == 0));

    /* Ctrl+Shift+Enter in the first window shows it, with what it had, and gives it the focus. */
    CHECK(fixture.press(0, input::key::enter, chord) == KeyOutcome::OpenedWindow);
    CHECK(fixture.server.is_shown(1));
    CHECK(fixture.server.take_window_to_focus() == 1u);
    CHECK_FALSE(fixture.server.take_window_to_focus().has_value());
    CHECK(fixture.server.terminal(1).cell(0, 0).code_points[0] == 'v');
    CHECK(std::string(fixture.server.title(1).begin(), fixture.server.title(1).end()) == "b");
    REQUIRE(fixture.server.read(1, { 5000 }, 0, 8).is_error());
    CHECK(fixture.type(1, 'x') == KeyOutcome::Typed);
    auto typed = fixture.server.answer_waiting(1, 0);
    REQUIRE(typed.has_value());
    CHECK(Fixture::text_of(typed->input) == "x");

    /* Both windows taken: the chord opens nothing. */
    CHECK(fixture.press(1, input::key::enter, chord) == KeyOutcome::Nothing);
}

TEST_CASE("vterm: the oldest waiting session is shown first; the oldest waiting window is taken first", "[vterm]")
{
    Fixture fixture;
    REQUIRE_FALSE(fixture.server.opened(1, { 80, 24 }).is_error());
    REQUIRE_FALSE(fixture.server.opened(0, { 80, 24 }).is_error());
    REQUIRE(fixture.server.window_of(1) == 0u);
    auto shown = MUST(fixture.server.open_window({ 80, 24 }));
    CHECK(shown == 0u);
    CHECK(fixture.server.session_of(shown) == 1u);
    CHECK(MUST(fixture.server.open_window({ 80, 24 })) == 1u);
    CHECK(fixture.server.open_window({ 80, 24 }).error().code() == ErrorCode::Full);

    Fixture windows;
    REQUIRE(MUST(windows.server.open_window({ 80, 24 })) == 0);
    REQUIRE(MUST(windows.server.open_window({ 80, 24 })) == 1);
    windows.server.close_window(0);
    REQUIRE(MUST(windows.server.open_window({ 80, 24 })) == 0);
    /* Window 1 has waited longer than the window 0 opened again. */
    REQUIRE_FALSE(windows.server.opened(0, { 80, 24 }).is_error());
    CHECK(windows.server.window_of(0) == 1u);
}

TEST_CASE("vterm: a window opened with nobody connecting keeps what is typed for the program that comes", "[vterm]")
{
    Fixture fixture;
    REQUIRE(MUST(fixture.server.open_window({ 80, 24 })) == 0);
    CHECK_FALSE(fixture.server.session_of(0).has_value());
    CHECK(fixture.type(0, 'l') == KeyOutcome::Typed);
    CHECK(fixture.type(0, 's') == KeyOutcome::Typed);
    REQUIRE_FALSE(fixture.server.opened(0, { 80, 24 }).is_error());
    CHECK(fixture.read_now(0) == "ls");
}

TEST_CASE("vterm: a window opened and closed with nobody connecting leaves nothing behind", "[vterm][attack]")
{
    Fixture fixture;
    for (int round = 0; round < 50; ++round) {
        REQUIRE(MUST(fixture.server.open_window({ 80, 24 })) == 0);
        CHECK(fixture.type(0, 'q') == KeyOutcome::Typed);
        CHECK(fixture.press(0, input::key::w, chord) == KeyOutcome::ClosedWindow);
        CHECK_FALSE(fixture.server.has_window(0));
        CHECK_FALSE(fixture.server.take_session_to_end().has_value());
    }
    /* The next session starts with a window of its own, not shown, with nothing typed. */
    REQUIRE_FALSE(fixture.server.opened(0, { 80, 24 }).is_error());
    CHECK_FALSE(fixture.server.is_shown(*fixture.server.window_of(0)));
    CHECK(fixture.read_now(0).empty());
}

TEST_CASE("vterm: closing a window whose program waits ends that session, and its requests find no window", "[vterm][attack]")
{
    Fixture fixture;
    REQUIRE(fixture.open_with_session(0) == 0);
    REQUIRE(fixture.server.read(0, { 5000 }, 0, 3).is_error());
    REQUIRE(fixture.server.is_waiting(0));
    CHECK(fixture.press(0, input::key::w, chord) == KeyOutcome::ClosedWindow);
    CHECK(fixture.server.take_session_to_end() == 0u);
    CHECK_FALSE(fixture.server.take_session_to_end().has_value());
    CHECK_FALSE(fixture.server.is_waiting(0));
    CHECK_FALSE(fixture.server.answer_waiting(0, ~u64(0)).has_value());
    CHECK_FALSE(fixture.server.next_deadline().has_value());
    CHECK(fixture.server.size(0).error().code() == ErrorCode::NotFound);
    tty::Write write;
    CHECK(fixture.server.write(0, write).error().code() == ErrorCode::NotFound);
    /* The table's end of the session comes after: it finds nothing left to close. */
    fixture.server.closed(0);
    CHECK_FALSE(fixture.server.has_window(0));
}

TEST_CASE("vterm: an ended session's window keeps its lines, takes no typing and no session, until closed", "[vterm][attack]")
{
    Fixture fixture;
    REQUIRE(fixture.open_with_session(0) == 0);
    fixture.write(0, "bye");
    fixture.server.closed(0);
    REQUIRE(fixture.server.has_ended(0));
    CHECK(fixture.server.terminal(0).cell(0, 0).code_points[0] == 'b');
    CHECK(fixture.type(0, 'x') == KeyOutcome::Nothing);
    CHECK(fixture.server.terminal(0).input().is_empty());
    /* A new session does not take it. */
    REQUIRE_FALSE(fixture.server.opened(1, { 80, 24 }).is_error());
    CHECK(fixture.server.window_of(1) == 1u);
    CHECK_FALSE(fixture.server.is_shown(1));
    /* Its chords still work: the waiting session is shown from it; then it closes. */
    CHECK(fixture.press(0, input::key::enter, chord) == KeyOutcome::OpenedWindow);
    CHECK(fixture.server.is_shown(1));
    CHECK(fixture.press(0, input::key::w, chord) == KeyOutcome::ClosedWindow);
    CHECK_FALSE(fixture.server.take_session_to_end().has_value());
    CHECK_FALSE(fixture.server.has_window(0));
}

TEST_CASE("vterm: a flood of sessions finds every window taken; ended windows hold theirs", "[vterm][attack]")
{
    Fixture fixture;
    REQUIRE_FALSE(fixture.server.opened(0, { 80, 24 }).is_error());
    REQUIRE_FALSE(fixture.server.opened(1, { 80, 24 }).is_error());
    for (usize session = 2; session < 64; ++session)
        CHECK(fixture.server.opened(session, { 80, 24 }).error().code() == ErrorCode::Full);
    REQUIRE(MUST(fixture.server.open_window({ 80, 24 })) == 0);
    REQUIRE(MUST(fixture.server.open_window({ 80, 24 })) == 1);
    fixture.server.closed(0);
    fixture.server.closed(1);
    /* Both windows show ended sessions: a session opening again finds none. */
    for (int round = 0; round < 8; ++round) {
        CHECK(fixture.server.opened(0, { 80, 24 }).error().code() == ErrorCode::Full);
        CHECK_FALSE(fixture.server.is_open(0));
    }
}

TEST_CASE("vterm: Shift+arrows select from the cursor, drawn as a selection of the model; typing ends it", "[vterm]")
{
    Fixture fixture;
    REQUIRE(fixture.open_with_session(0) == 0);
    fixture.write(0, "first line\r\nhello world");
    auto& model = fixture.server.terminal(0);
    for (int step = 0; step < 5; ++step)
        CHECK(fixture.press(0, input::key::left, input::modifier::shift) == KeyOutcome::Selected);
    REQUIRE(model.has_selection());
    CHECK(model.is_selected(model.view_position(1, 6)));
    CHECK(model.is_selected(model.view_position(1, 11)));
    CHECK_FALSE(model.is_selected(model.view_position(1, 5)));
    /* Shift+arrows send nothing to the program. */
    CHECK(model.input().is_empty());
    CHECK(fixture.press(0, input::key::c, chord) == KeyOutcome::Copied);
    auto copied = fixture.server.clipboard().text();
    CHECK(std::string(copied.begin(), copied.end()) == "world");

    /* Up reaches the line above; left from column 0 wraps to the end of the line above. */
    CHECK(fixture.press(0, input::key::up, input::modifier::shift) == KeyOutcome::Selected);
    CHECK(model.is_selected(model.view_position(0, 6)));
    CHECK(fixture.press(0, input::key::c, chord) == KeyOutcome::Copied);
    copied = fixture.server.clipboard().text();
    CHECK(std::string(copied.begin(), copied.end()) == "line\nhello world");

    CHECK(fixture.type(0, 'x') == KeyOutcome::Typed);
    CHECK_FALSE(model.has_selection());
    /* Nothing selected: Ctrl+Shift+C keeps the clipboard as it was. */
    CHECK(fixture.press(0, input::key::c, chord) == KeyOutcome::Nothing);
    CHECK(fixture.server.clipboard().text().size() == 16);
}

TEST_CASE("vterm: the selection stays inside the history however far Shift+arrows go", "[vterm][attack]")
{
    Fixture fixture;
    REQUIRE(fixture.open_with_session(0, { 10, 3 }) == 0);
    fixture.write(0, "ab");
    auto& model = fixture.server.terminal(0);
    for (int step = 0; step < 100; ++step) {
        fixture.press(0, input::key::up, input::modifier::shift);
        fixture.press(0, input::key::left, input::modifier::shift);
    }
    CHECK(model.is_selected({ model.first_line(), 0 }));
    for (int step = 0; step < 400; ++step) {
        fixture.press(0, input::key::down, input::modifier::shift);
        fixture.press(0, input::key::right, input::modifier::shift);
    }
    CHECK(model.is_selected({ model.screen_line() + 2, 9 }));
    CHECK_FALSE(model.is_selected({ model.screen_line() + 3, 0 }));
    u8 text[64];
    /* From the cursor after "ab" to the screen's last cell: only the rows' newlines are text. */
    CHECK(model.selected_text(text) == 2);
}

TEST_CASE("vterm: copy in one window, paste into the other, bracketed when its program asked", "[vterm]")
{
    Fixture fixture;
    REQUIRE(fixture.open_with_session(0) == 0);
    REQUIRE(fixture.open_with_session(1) == 1);
    /* Nothing copied yet: pasting does nothing. */
    CHECK(fixture.press(1, input::key::v, chord) == KeyOutcome::Nothing);

    fixture.write(0, "echo one\r\necho two");
    auto& first = fixture.server.terminal(0);
    fixture.server.select(0, first.view_position(0, 0), first.view_position(1, 7));
    CHECK(fixture.press(0, input::key::c, chord) == KeyOutcome::Copied);

    /* Pasted where a read waits: answered at once, "\n" sent as "\r". */
    REQUIRE(fixture.server.read(1, { 5000 }, 0, 4).is_error());
    CHECK(fixture.press(1, input::key::v, chord) == KeyOutcome::Pasted);
    auto pasted = fixture.server.answer_waiting(1, 0);
    REQUIRE(pasted.has_value());
    CHECK(Fixture::text_of(pasted->input) == "echo one\recho two");

    /* The program asks for bracketed paste: the text comes between ESC [200~ and ESC [201~. */
    fixture.write(1, "\x1b[?2004h");
    CHECK(fixture.press(1, input::key::v, chord) == KeyOutcome::Pasted);
    CHECK(fixture.read_now(1) == "\x1b[200~echo one\recho two\x1b[201~");
    /* The chord's own letter never reaches the program. */
    CHECK(fixture.read_now(0).empty());
}

TEST_CASE("vterm: a paste into a window whose program ended is refused", "[vterm][attack]")
{
    Fixture fixture;
    REQUIRE(fixture.open_with_session(0) == 0);
    fixture.write(0, "text");
    auto& model = fixture.server.terminal(0);
    fixture.server.select(0, model.view_position(0, 0), model.view_position(0, 3));
    REQUIRE(fixture.press(0, input::key::c, chord) == KeyOutcome::Copied);
    fixture.server.closed(0);
    CHECK(fixture.press(0, input::key::v, chord) == KeyOutcome::Nothing);
    CHECK(model.input().is_empty());
    /* Copying from it still works: its lines are kept. */
    CHECK(fixture.press(0, input::key::c, chord) == KeyOutcome::Copied);
}
