/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notifyd's state (notifyd/Board.h, ADR 0048): notifications stacked from the top right and
 * closing up when one goes, expiring at their deadline, and as an attacker — text that is not
 * UTF-8 or holds control characters, an empty title, timeouts out of bounds, a fifth notification
 * of a session and a ninth in all (never another session's removed), another session's id, a
 * withdrawn or expired one's, made-up ids; a session's end removing its own only.
 */

#include <catch2/catch.hpp>
#include <cstring>
#include <notifyd/Board.h>

using namespace vectra;
using notify::NotifyError;

namespace {

constexpr u64 second = 1'000'000'000;

notify::Post post_of(char const* title, char const* body, u32 timeout_ms = 5000)
{
    notify::Post post;
    for (usize index = 0; title[index]; ++index)
        (void)post.title.try_append(u8(title[index]));
    for (usize index = 0; body[index]; ++index)
        (void)post.body.try_append(u8(body[index]));
    post.timeout_ms = timeout_ms;
    return post;
}

template<typename T>
bool refused(ErrorOr<T> const& result, NotifyError code)
{
    return result.is_error() && result.error().is(code);
}

}

TEST_CASE("notifications stack down from the top right, oldest on top, and close up when one goes", "[notifyd]")
{
    notifyd::Board board(1024);
    u32 first = board.post(0, post_of("Build", "done"), 0).value();
    u32 second_id = board.post(1, post_of("Mail", "one\ntwo\nthree\nfour\nfive\nsix"), 0).value();
    u32 third = board.post(0, post_of("Title only", ""), 0).value();
    auto const& top = board.slot(*board.slot_of(0, first));
    auto const& middle = board.slot(*board.slot_of(1, second_id));
    auto const& bottom = board.slot(*board.slot_of(0, third));
    CHECK(top.x == 1024 - 16 - 320);
    CHECK(top.y == 16);
    CHECK(top.lines == 2);
    CHECK(middle.lines == 5); /* the title and at most 4 of the body's 6 lines */
    CHECK(middle.y == top.y + i32(top.height + notifyd::gap));
    CHECK(bottom.lines == 1);
    CHECK(bottom.y == middle.y + i32(middle.height + notifyd::gap));
    /* The middle one goes: the bottom one moves up into its place. */
    REQUIRE(!board.withdraw(1, second_id).is_error());
    CHECK(board.slot(*board.slot_of(0, third)).y == top.y + i32(top.height + notifyd::gap));
    CHECK(board.shown() == 2);
}

TEST_CASE("notifications expire at their deadline, no earlier; the next deadline is the loop's wait", "[notifyd]")
{
    notifyd::Board board(800);
    u32 short_one = board.post(0, post_of("Short", "", 1000), 10 * second).value();
    u32 long_one = board.post(0, post_of("Long", "", 60'000), 10 * second).value();
    CHECK(board.next_deadline() == std::optional<u64>(11 * second));
    CHECK(board.expire(11 * second - 1) == 0);
    CHECK(board.expire(11 * second) == 1);
    CHECK(!board.slot_of(0, short_one));
    CHECK(board.slot(*board.slot_of(0, long_one)).y == 16); /* moved up to the top */
    CHECK(board.next_deadline() == std::optional<u64>(70 * second));
    CHECK(refused(board.withdraw(0, short_one), NotifyError::UnknownNotification)); /* expired: gone */
    CHECK(board.expire(70 * second) == 1);
    CHECK(!board.next_deadline());
}

TEST_CASE("bad text and timeouts are refused whole; nothing is shown", "[notifyd][attack]")
{
    notifyd::Board board(1024);
    CHECK(refused(board.post(0, post_of("", "body"), 0), NotifyError::TextInvalid));
    CHECK(refused(board.post(0, post_of("two\nlines", ""), 0), NotifyError::TextInvalid));
    CHECK(refused(board.post(0, post_of("bell\a", ""), 0), NotifyError::TextInvalid));
    CHECK(refused(board.post(0, post_of("ok", "escape \x1b[2J"), 0), NotifyError::TextInvalid));
    CHECK(refused(board.post(0, post_of("ok", "delete\x7f"), 0), NotifyError::TextInvalid));
    CHECK(refused(board.post(0, post_of("\xc0\xaf", ""), 0), NotifyError::TextInvalid)); /* overlong */
    CHECK(refused(board.post(0, post_of("ok", "\xed\xa0\x80"), 0), NotifyError::TextInvalid)); /* a surrogate */
    CHECK(refused(board.post(0, post_of("ok", "\xe2\x82"), 0), NotifyError::TextInvalid)); /* cut short */
    CHECK(refused(board.post(0, post_of("ok", "", 999), 0), NotifyError::TimeoutOutOfBounds));
    CHECK(refused(board.post(0, post_of("ok", "", 60'001), 0), NotifyError::TimeoutOutOfBounds));
    CHECK(refused(board.post(0, post_of("ok", "", 0), 0), NotifyError::TimeoutOutOfBounds));
    CHECK(board.shown() == 0);
    CHECK(!board.post(0, post_of("Grüße \xe2\x9c\x93", "zwei\nZeilen"), 0).is_error());
}

TEST_CASE("a session shows at most 4, notifyd 8; nobody's notification is removed to make room", "[notifyd][attack]")
{
    notifyd::Board board(1024);
    for (int count = 0; count < 4; ++count)
        REQUIRE(!board.post(0, post_of("flood", ""), 0).is_error());
    CHECK(refused(board.post(0, post_of("fifth", ""), 0), NotifyError::TooManyNotifications));
    for (int count = 0; count < 4; ++count)
        REQUIRE(!board.post(1 + count, post_of("other", ""), 0).is_error());
    CHECK(refused(board.post(5, post_of("ninth", ""), 0), NotifyError::TooManyNotifications));
    CHECK(board.shown() == 8);
    CHECK(board.shown(0) == 4);
    /* Everything stays inside an 8-high stack: the lowest ends above 16 + 8 × (36 + 8). */
    for (usize index = 0; index < notify::notifications_shown; ++index)
        CHECK(board.slot(index).y + i32(board.slot(index).height) <= i32(16 + 8 * (36 + 8)));
}

TEST_CASE("a session names only its own notifications; its end removes its own only", "[notifyd][attack]")
{
    notifyd::Board board(1024);
    u32 mine = board.post(0, post_of("mine", ""), 0).value();
    u32 theirs = board.post(1, post_of("theirs", ""), 0).value();
    CHECK(refused(board.withdraw(0, theirs), NotifyError::UnknownNotification));
    for (u32 made_up : { 0u, 0xffu, 9u, mine ^ 0x100u, mine + 0x10000u })
        CHECK(refused(board.withdraw(0, made_up), NotifyError::UnknownNotification));
    REQUIRE(!board.withdraw(0, mine).is_error());
    CHECK(refused(board.withdraw(0, mine), NotifyError::UnknownNotification)); /* withdrawn: gone */
    /* A new notification in the freed slot gets a new id: the old one stays dead. */
    u32 again = board.post(0, post_of("again", ""), 0).value();
    CHECK(again != mine);
    CHECK(refused(board.withdraw(0, mine), NotifyError::UnknownNotification));
    board.close_session(0);
    CHECK(board.shown(0) == 0);
    CHECK(board.slot_of(1, theirs));
    CHECK(board.slot(*board.slot_of(1, theirs)).y == 16);
}
