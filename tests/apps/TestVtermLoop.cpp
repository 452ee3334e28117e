/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vterm's real loop as a Task (vterm::run) with a program Task on sessions of vectra.tty over
 * real Rings: output reaches the session's own window, a read with nothing typed waits until its
 * deadline on vterm's timer, a second read sent while one waits is answered busy at once, titles
 * are checked, a third session finds no window, and requests that are no vectra.tty are refused
 * while vterm serves on.
 */

#include "../core/FsTestTasks.h"
#include <catch2/catch.hpp>
#include <vectra/Connection.h>
#include <vectra/Session.h>
#include <vectra/Try.h>
#include <vectra/kernel/Executor.h>
#include <vterm/Loop.h>

using namespace vectra;
using namespace vectra::test;

namespace {

using TtyClient = session::SessionClient<tty::Protocol>;

ErrorOr<i32> vterm_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    TRY(vterm::run(memory, std::move(requests), std::move(replies), nullptr));
    return 0;
}

tty::Write text(char const* bytes)
{
    tty::Write write;
    for (usize index = 0; bytes[index]; ++index)
        (void)write.bytes.try_append(u8(bytes[index]));
    return write;
}

ErrorOr<i32> program(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto first = TRY(open_session_client<tty::Protocol>(memory, requests, replies));
    auto second = TRY(open_session_client<tty::Protocol>(memory, requests, replies));

    auto written = TRY(first.call(text("\x1b[1;32mvsh$ \x1b[0mls /")));
    EXPECT_IN_TASK(written.accepted == 20);
    auto size = TRY(second.call(tty::ReadSize {}));
    EXPECT_IN_TASK(size.columns == vterm::window_size.columns && size.rows == vterm::window_size.rows);

    /* Nothing typed: a read without waiting answers at once, one with 50 ms at its deadline. */
    auto now = TRY(first.call(tty::Read { 0 }));
    EXPECT_IN_TASK(now.bytes.size() == 0 && now.columns == 80 && now.rows == 24);
    u64 before = endpoint::now_nanoseconds();
    auto waited = TRY(first.call(tty::Read { 50 }));
    u64 after = endpoint::now_nanoseconds();
    EXPECT_IN_TASK(waited.bytes.size() == 0 && waited.dropped == 0);
    EXPECT_IN_TASK(after - before >= 50'000'000);

    /* Two reads at once on one session: the second is answered busy before the first's deadline. */
    Connection& raw = *second.connection();
    u8 request[protocol::payload_capacity<tty::Protocol>];
    u8 reply[protocol::payload_capacity<tty::Protocol>];
    usize length = TRY(protocol::encode_request<tty::Protocol>(tty::Read { 300 }, 71, request));
    TRY(raw.send(std::span<u8 const>(request, length), deadline_after(Duration::from_seconds(5))));
    length = TRY(protocol::encode_request<tty::Protocol>(tty::Read { 300 }, 72, request));
    TRY(raw.send(std::span<u8 const>(request, length), deadline_after(Duration::from_seconds(5))));
    auto busy = TRY(raw.receive(reply, deadline_after(Duration::from_seconds(5))));
    auto busy_envelope = TRY(protocol::read_envelope({ reply, busy.length }));
    EXPECT_IN_TASK(busy_envelope.call_id == 72 && busy_envelope.status == u16(tty::TtyError::Busy));
    auto kept = TRY(raw.receive(reply, deadline_after(Duration::from_seconds(5))));
    auto kept_envelope = TRY(protocol::read_envelope({ reply, kept.length }));
    EXPECT_IN_TASK(kept_envelope.call_id == 71 && kept_envelope.status == protocol::status_success);

    /* Titles: text is kept, a control character refused. */
    tty::SetTitle title;
    for (char byte : { 'v', 's', 'h' })
        (void)title.title.try_append(u8(byte));
    TRY(first.call(title));
    (void)title.title.try_append(0x07);
    EXPECT_IN_TASK(first.call(title).error().is(tty::TtyError::InvalidTitle));

    /* Bytes that are no request: refused, and the session still serves. */
    u8 junk[] = { 0x01, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0xff };
    auto refused = TRY(raw.call(std::span<u8 const>(junk, sizeof junk), 9, reply, deadline_after(Duration::from_seconds(5))));
    EXPECT_IN_TASK(refused.envelope.status == (protocol::status_general | u16(ErrorCode::MalformedMessage)));
    EXPECT_IN_TASK(!second.call(tty::ReadSize {}).is_error());

    /* A third session: both windows are taken. */
    auto third = open_session_client<tty::Protocol>(memory, requests, replies);
    EXPECT_IN_TASK(third.is_error() && third.error().is(session::SessionError::NoSessionLeft));
    return 0;
}

}

TEST_CASE("vterm's loop: output, waiting reads, busy, titles and refusals over real sessions", "[vterm][attack]")
{
    Error ended = run_server_and_client(vterm_task, program, { 16 * MiB, 4 * MiB, 1 * MiB, 128 * KiB, 128 * KiB });
    CHECK(ended.code() == ErrorCode::PeerRestarted);
}
