/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * apps/vterm's vectra.tty sessions over real terminal models, and the attacks on them: a second
 * waiting read, a flood of writes, a program that never reads while the person types, titles that
 * are no text, requests for a closed window, malformed requests through the protocol's dispatch.
 */

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vectra/protocol/Dispatch.h>
#include <vectra/input/Event.h>
#include "VtermServerFixture.h"
#include <vterm/Server.h>

using namespace vectra;
using namespace vectra::vterm;

namespace {

/* Two windows shown, each waiting for a session; the sessions take them in order. */
struct Fixture : testing::ServerFixture {
    Fixture()
    {
        open_with_session(0, { 80, 24 });
        open_with_session(1, { 40, 10 });
    }
};

constexpr u64 millisecond = 1'000'000;

}

TEST_CASE("vterm: write is interpreted before the reply and answers every byte", "[vterm]")
{
    Fixture fixture;
    CHECK(fixture.write(0, "\x1b[31mhello").accepted == 10);
    auto& terminal = fixture.server.terminal(0);
    CHECK(terminal.cell(0, 0).code_points[0] == 'h');
    CHECK(terminal.cell(0, 4).code_points[0] == 'o');
    CHECK(terminal.cell(0, 0).foreground == terminal::Color { 0xe0, 0, 0 });
    /* The other window saw nothing. */
    CHECK(fixture.server.terminal(1).cell(0, 0).is_blank());
}

TEST_CASE("vterm: a read answers what was typed with the window's size", "[vterm]")
{
    Fixture fixture;
    fixture.type(0, 'l');
    fixture.type(0, 's');
    auto input = MUST(fixture.server.read(0, { 1000 }, 0, 7));
    CHECK(Fixture::text_of(input) == "ls");
    CHECK(input.columns == 80);
    CHECK(input.rows == 24);
    CHECK(input.dropped == 0);
    CHECK_FALSE(fixture.server.kept());
}

TEST_CASE("vterm: a read with nothing typed waits, and a byte answers it", "[vterm]")
{
    Fixture fixture;
    auto kept = fixture.server.read(0, { 5000 }, 100, 42);
    REQUIRE(kept.is_error());
    CHECK(fixture.server.kept());
    CHECK_FALSE(fixture.server.answer_waiting(0, 200).has_value());
    CHECK(fixture.server.next_deadline() == 100 + 5000 * millisecond);
    fixture.type(0, 'x');
    auto answer = fixture.server.answer_waiting(0, 300);
    REQUIRE(answer.has_value());
    CHECK(answer->call_id == 42);
    CHECK(Fixture::text_of(answer->input) == "x");
    CHECK_FALSE(fixture.server.answer_waiting(0, 400).has_value());
    CHECK_FALSE(fixture.server.next_deadline().has_value());
}

TEST_CASE("vterm: a waiting read is answered empty at its deadline, at most 10 s away", "[vterm]")
{
    Fixture fixture;
    REQUIRE(fixture.server.read(0, { 1'000'000 }, 0, 1).is_error());
    CHECK(fixture.server.next_deadline() == u64(tty::maximum_wait_ms) * millisecond);
    CHECK_FALSE(fixture.server.answer_waiting(0, u64(tty::maximum_wait_ms) * millisecond - 1).has_value());
    auto answer = fixture.server.answer_waiting(0, u64(tty::maximum_wait_ms) * millisecond);
    REQUIRE(answer.has_value());
    CHECK(answer->input.bytes.size() == 0);
    CHECK(answer->input.columns == 80);
}

TEST_CASE("vterm: a resize answers the waiting read with the new size, and the next read sees it once", "[vterm]")
{
    Fixture fixture;
    REQUIRE(fixture.server.read(1, { 5000 }, 0, 3).is_error());
    REQUIRE_FALSE(fixture.server.resize(1, { 60, 20 }).is_error());
    auto answer = fixture.server.answer_waiting(1, 1);
    REQUIRE(answer.has_value());
    CHECK(answer->input.columns == 60);
    CHECK(answer->input.rows == 20);
    /* A resize between reads answers the next read at once; after that, reads wait again. */
    REQUIRE_FALSE(fixture.server.resize(1, { 50, 20 }).is_error());
    auto next = MUST(fixture.server.read(1, { 5000 }, 2, 4));
    CHECK(next.columns == 50);
    CHECK(fixture.server.read(1, { 5000 }, 3, 5).is_error());
    CHECK(fixture.server.kept());
    auto size = MUST(fixture.server.size(1));
    CHECK(size.columns == 50);
    CHECK(size.rows == 20);
}

TEST_CASE("vterm: a second read while one waits is refused busy and changes nothing", "[vterm]")
{
    Fixture fixture;
    REQUIRE(fixture.server.read(0, { 5000 }, 0, 1).is_error());
    auto second = fixture.server.read(0, { 5000 }, 0, 2);
    REQUIRE(second.is_error());
    CHECK(second.error().is(tty::TtyError::Busy));
    CHECK_FALSE(fixture.server.kept());
    fixture.type(0, 'q');
    auto answer = fixture.server.answer_waiting(0, 1);
    REQUIRE(answer.has_value());
    CHECK(answer->call_id == 1);
    /* The other session's read is its own. */
    CHECK(fixture.server.read(1, { 5000 }, 0, 9).is_error());
    CHECK(fixture.server.kept());
}

TEST_CASE("vterm: a program that never reads while the person types keeps 1024 bytes and counts the rest", "[vterm]")
{
    Fixture fixture;
    for (int key = 0; key < 3000; ++key)
        fixture.type(0, 'a' + key % 26);
    auto first = MUST(fixture.server.read(0, { 0 }, 0, 1));
    CHECK(first.bytes.size() == tty::maximum_read);
    CHECK(first.dropped == 3000 - tty::pending_input);
    CHECK(Fixture::text_of(first).substr(0, 3) == "abc");
    usize rest = 0;
    for (int read = 0; read < 10; ++read) {
        auto more = MUST(fixture.server.read(0, { 0 }, 0, 2));
        CHECK(more.dropped == 0);
        rest += more.bytes.size();
    }
    CHECK(rest == tty::pending_input - tty::maximum_read);
    /* The other window's queue is untouched. */
    CHECK(MUST(fixture.server.read(1, { 0 }, 0, 3)).bytes.size() == 0);
}

TEST_CASE("vterm: a flood of writes is interpreted whole and keeps every bound", "[vterm]")
{
    Fixture fixture;
    std::string chunk;
    for (usize index = 0; index < tty::maximum_write; ++index)
        chunk += char(index % 7 == 6 ? '\n' : 'a' + index % 26);
    for (int write = 0; write < 200; ++write)
        CHECK(fixture.write(0, chunk).accepted == tty::maximum_write);
    auto& terminal = fixture.server.terminal(0);
    CHECK(terminal.scrollback().size() == window_limits.scrollback_lines);
    CHECK(terminal.heap().refusals() == 0);
    CHECK(terminal.size() == terminal::Size { 80, 24 });
}

TEST_CASE("vterm: a title is set when it is UTF-8 without control characters, else refused and kept", "[vterm]")
{
    Fixture fixture;
    tty::SetTitle request;
    for (char byte : std::string("vsh \xe2\x80\x94 /"))
        REQUIRE_FALSE(request.title.try_append(u8(byte)).is_error());
    REQUIRE_FALSE(fixture.server.set_title(0, request).is_error());
    CHECK(std::string(fixture.server.title(0).begin(), fixture.server.title(0).end()) == "vsh \xe2\x80\x94 /");
    for (std::string bad : { std::string("a\x1b]0;x"), std::string("tab\there"), std::string("bad\xff"), std::string("\xe2\x80"),
             std::string("del\x7f") }) {
        tty::SetTitle refused;
        for (char byte : bad)
            REQUIRE_FALSE(refused.title.try_append(u8(byte)).is_error());
        auto result = fixture.server.set_title(0, refused);
        REQUIRE(result.is_error());
        CHECK(result.error().is(tty::TtyError::InvalidTitle));
    }
    CHECK(std::string(fixture.server.title(0).begin(), fixture.server.title(0).end()) == "vsh \xe2\x80\x94 /");
}

TEST_CASE("vterm: an ended session answers nothing, forgets its waiting read; its window is fresh once closed", "[vterm]")
{
    Fixture fixture;
    fixture.type(0, 'z');
    REQUIRE(fixture.server.read(1, { 5000 }, 0, 1).is_error());
    fixture.server.closed(1);
    CHECK_FALSE(fixture.server.answer_waiting(1, ~u64(0)).has_value());
    CHECK(fixture.server.size(1).error().code() == ErrorCode::NotFound);
    CHECK(fixture.server.read(1, { 0 }, 0, 2).error().code() == ErrorCode::NotFound);
    tty::Write write;
    CHECK(fixture.server.write(1, write).error().code() == ErrorCode::NotFound);
    CHECK(fixture.server.opened(2, { 80, 24 }).error().code() == ErrorCode::Full);
    /* The ended session's window keeps its lines (and its place) until the person closes it. */
    CHECK(fixture.server.has_ended(1));
    CHECK(fixture.server.opened(1, { 30, 5 }).error().code() == ErrorCode::Full);
    fixture.server.close_window(1);
    CHECK_FALSE(fixture.server.take_session_to_end().has_value());
    REQUIRE_FALSE(fixture.server.opened(1, { 30, 5 }).is_error());
    auto fresh = MUST(fixture.server.read(1, { 0 }, 0, 3));
    CHECK((fresh.bytes.size() == 0 && fresh.columns == 30 && fresh.rows == 5));
    CHECK(Fixture::text_of(MUST(fixture.server.read(0, { 0 }, 0, 4))) == "z");
}

TEST_CASE("vterm: a resize beyond the window's limits is refused and changes nothing", "[vterm]")
{
    Fixture fixture;
    CHECK(fixture.server.resize(0, { u16(window_limits.largest.columns + 1), 10 }).error().code() == ErrorCode::InvalidArgument);
    CHECK(fixture.server.resize(0, { 1, 10 }).error().code() == ErrorCode::InvalidArgument);
    CHECK(MUST(fixture.server.size(0)).columns == 80);
    /* A window made at a size beyond them, for a session or by the person, is refused. */
    fixture.server.closed(1);
    fixture.server.close_window(1);
    CHECK(fixture.server.opened(1, { 0, 0 }).error().code() == ErrorCode::InvalidArgument);
    CHECK_FALSE(fixture.server.is_open(1));
    CHECK(fixture.server.open_window({ 1, 10 }).error().code() == ErrorCode::InvalidArgument);
    CHECK_FALSE(fixture.server.has_window(1));
}

namespace {

/* The loop's view of a session: the same handlers through vectra.tty's dispatch. */
struct Session {
    Server& server;
    usize index;
    ErrorOr<tty::Written> handle(tty::Write const& request) { return server.write(index, request); }
    ErrorOr<tty::Input> handle(tty::Read const& request) { return server.read(index, request, 0, 0); }
    ErrorOr<tty::Size> handle(tty::ReadSize const&) { return server.size(index); }
    ErrorOr<protocol::Done> handle(tty::SetTitle const& request) { return server.set_title(index, request); }
};

u16 status_of(std::span<u8 const> reply) { return MUST(protocol::read_envelope(reply)).status; }

}

TEST_CASE("vterm: malformed requests are refused by the dispatch, each distinctly, and change nothing", "[vterm]")
{
    Fixture fixture;
    Session session { fixture.server, 0 };
    u8 reply[protocol::payload_capacity<tty::Protocol>];

    /* A well-formed write, then the same with its length claiming more bytes than it carries. */
    tty::Write write;
    for (char byte : std::string("ok"))
        REQUIRE_FALSE(write.bytes.try_append(u8(byte)).is_error());
    u8 request[protocol::payload_capacity<tty::Protocol>];
    usize length = MUST(protocol::encode_request<tty::Protocol>(write, 5, request));
    CHECK(status_of({ reply, protocol::dispatch<tty::Protocol>(session, { request, length }, reply) }) == protocol::status_success);
    u8 truncated[protocol::payload_capacity<tty::Protocol>];
    __builtin_memcpy(truncated, request, length);
    CHECK(status_of({ reply, protocol::dispatch<tty::Protocol>(session, { truncated, length - 1 }, reply) }) != protocol::status_success);

    /* An unknown message number, and an envelope too short to be one. */
    u8 unknown[protocol::payload_capacity<tty::Protocol>];
    __builtin_memcpy(unknown, request, length);
    unknown[0] = 99;
    unknown[1] = 0;
    u16 unknown_status = status_of({ reply, protocol::dispatch<tty::Protocol>(session, { unknown, length }, reply) });
    CHECK(unknown_status == (protocol::status_general | u16(ErrorCode::UnknownMessage)));
    u8 short_envelope[3] = { 1, 0, 0 };
    usize short_reply = protocol::dispatch<tty::Protocol>(session, { short_envelope, 3 }, reply);
    CHECK(short_reply >= protocol::envelope_size);

    /* A write of more than 768 bytes cannot even be decoded. */
    u8 oversized[protocol::payload_capacity<tty::Protocol>] {};
    __builtin_memcpy(oversized, request, 8);
    oversized[8] = 0x01; /* u32 count 769, and 769 bytes */
    oversized[9] = 0x03;
    for (usize index = 12; index < 12 + 769; ++index)
        oversized[index] = 'x';
    CHECK(status_of({ reply, protocol::dispatch<tty::Protocol>(session, { oversized, 12 + 769 }, reply) })
        == (protocol::status_general | u16(ErrorCode::MalformedMessage)));

    /* Only the well-formed write reached the window. */
    CHECK(fixture.server.terminal(0).cell(0, 0).code_points[0] == 'o');
    CHECK(fixture.server.terminal(0).cell(0, 2).is_blank());
}
