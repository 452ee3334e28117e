/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Image terminal's program (docs/adr/0044-vterm.md): a client of vterm over vectra.tty, as vsh
 * will be. On two sessions (two windows) it writes coloured text and escape sequences, reads each
 * window's size, names the windows, reads with nothing typed (at once, then waiting 200 ms on
 * vterm's timer), sends a second read while one waits (answered busy at once), and is refused a
 * title with a control character, a third session and bytes that are no request. Then it asks
 * for a line in the first window and echoes each byte typed there (the person's keys reach it
 * through compositord and vterm) until Enter, and holds the screen for the oracle's screenshot.
 */

#include <vectra/Connection.h>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/tty/Protocol.h>

VECTRA_TASK_ENTRY(tty_check);

namespace vectra::task_entries {

namespace {

using TtyClient = session::SessionClient<tty::Protocol>;

ErrorOr<TtyClient> open_session(ReticleCap const& memory, RingCap const& requests, RingCap const& replies)
{
    auto pool = TRY(endpoint::carve(memory, session::pool_size<tty::Protocol>()));
    return TtyClient::open(
        TRY(system::attenuate(requests, RightSend)), TRY(system::attenuate(replies, RightReceive)), std::move(pool));
}

template<usize N>
void fill(BoundedVector<u8, N>& bytes, std::string_view text)
{
    for (char byte : text)
        (void)bytes.try_append(u8(byte));
}

ErrorOr<void> check(bool condition, char const* what)
{
    if (!condition)
        return Error(ErrorCode::InvalidArgument, what);
    return {};
}

constexpr u64 hold_milliseconds = 2000;
constexpr SignalBit hold_bit { 20 };
constexpr u64 line_seconds = 120;

/* Asks for a line in the window, echoes every byte typed (Enter ends it), prints the line. */
ErrorOr<void> echo_a_line(ConsoleCap const& console, TtyClient& window)
{
    tty::Write prompt;
    fill(prompt.bytes, "type: ");
    TRY(window.call(prompt));
    TRY(print_line(console, "tty-check: window 1 waits for a line; type"));
    char line[64];
    usize length = 0;
    u64 give_up = monotonic_now().nanoseconds_since_boot() + line_seconds * 1'000'000'000;
    while (monotonic_now().nanoseconds_since_boot() < give_up) {
        auto typed = TRY(window.call(tty::Read { 5000 }, Duration::from_seconds(15)));
        tty::Write echo;
        for (u8 byte : typed.bytes) {
            if (byte == '\r' || byte == '\n') {
                fill(echo.bytes, "\r\n");
                TRY(window.call(echo));
                TRY(print_line(
                    console, "tty-check: typed \"{}\" ({} bytes), echoed", std::string_view(line, length), length));
                return {};
            }
            if (length < sizeof(line))
                line[length++] = char(byte);
            (void)echo.bytes.try_append(byte);
        }
        if (echo.bytes.size() > 0)
            TRY(window.call(echo));
    }
    return Error(ErrorCode::TimedOut, "no line was typed");
}

}

ErrorOr<i32> tty_check(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto first = TRY(open_session(memory, requests, replies));
    auto second = TRY(open_session(memory, requests, replies));

    tty::Write output;
    fill(output.bytes,
        "\x1b[2J\x1b[H\x1b[1;32mvsh$\x1b[0m ls /\r\n\x1b[34mbin\x1b[0m  \x1b[7mdata\x1b[27m  "
        "\xe4\xb8\xad\xe6\x96\x87\r\n");
    auto written = TRY(first.call(output));
    TRY(check(written.accepted == output.bytes.size(), "vterm took every byte"));
    auto size = TRY(first.call(tty::ReadSize {}));
    TRY(print_line(
        console, "tty-check: window 1: {} bytes written, {}x{} cells", written.accepted, size.columns, size.rows));
    tty::Write other;
    fill(other.bytes, "\x1b[41m second window \x1b[0m");
    TRY(check(TRY(second.call(other)).accepted == other.bytes.size(), "the second window took every byte"));

    tty::SetTitle title;
    fill(title.title, "vsh \xe2\x80\x94 /");
    TRY(first.call(title));
    (void)title.title.try_append(0x1b);
    TRY(check(first.call(title).error().is(tty::TtyError::InvalidTitle), "a title with ESC is refused"));
    TRY(print_line(console, "tty-check: title set; one with a control character refused invalid-title"));

    auto at_once = TRY(first.call(tty::Read { 0 }));
    u64 before = monotonic_now().nanoseconds_since_boot();
    auto waited = TRY(first.call(tty::Read { 200 }));
    u64 waited_ms = (monotonic_now().nanoseconds_since_boot() - before) / 1'000'000;
    TRY(check(
        at_once.bytes.size() == 0 && waited.bytes.size() == 0 && waited_ms >= 200, "an empty read waits its 200 ms"));
    TRY(print_line(console, "tty-check: read with nothing typed: at once {} bytes, waiting 200 ms {} bytes ({}x{})",
        at_once.bytes.size(), waited.bytes.size(), waited.columns, waited.rows));

    /* Two reads at once on the second session: the second is answered busy, the first at its deadline. */
    Connection& raw = *second.connection();
    u8 request[protocol::payload_capacity<tty::Protocol>];
    u8 reply[protocol::payload_capacity<tty::Protocol>];
    for (u32 call = 71; call <= 72; ++call) {
        usize length = TRY(protocol::encode_request<tty::Protocol>(tty::Read { 300 }, call, request));
        TRY(raw.send(std::span<u8 const>(request, length), deadline_after(Duration::from_seconds(5))));
    }
    auto busy = TRY(raw.receive(reply, deadline_after(Duration::from_seconds(5))));
    auto busy_envelope = TRY(protocol::read_envelope({ reply, busy.length }));
    auto kept = TRY(raw.receive(reply, deadline_after(Duration::from_seconds(5))));
    auto kept_envelope = TRY(protocol::read_envelope({ reply, kept.length }));
    TRY(check(
        busy_envelope.call_id == 72 && busy_envelope.status == u16(tty::TtyError::Busy), "the second read is busy"));
    TRY(check(
        kept_envelope.call_id == 71 && kept_envelope.status == protocol::status_success, "the first read is answered"));
    TRY(print_line(console, "tty-check: a second waiting read answered busy; the first at its deadline"));

    u8 junk[] = { 0x01, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0xff };
    auto refused
        = TRY(raw.call(std::span<u8 const>(junk, sizeof junk), 9, reply, deadline_after(Duration::from_seconds(5))));
    TRY(check(refused.envelope.status == (protocol::status_general | u16(ErrorCode::MalformedMessage)),
        "malformed bytes refused"));
    TRY(check(!second.call(tty::ReadSize {}).is_error(), "the session serves on"));
    auto third = open_session(memory, requests, replies);
    TRY(check(
        third.is_error() && third.error().is(session::SessionError::NoSessionLeft), "a third session finds no window"));
    TRY(print_line(
        console, "tty-check: malformed request refused; a third session refused ({})", third.error().name()));

    TRY(echo_a_line(console, first));
    TRY(print_line(console, "tty-check: holding the frame {} ms for a screenshot", hold_milliseconds));
    auto timer = TRY(system::create_timer(memory, hold_bit));
    TRY(system::arm_timer(timer, monotonic_now().nanoseconds_since_boot() + hold_milliseconds * 1'000'000));
    system::wait(hold_bit.mask());
    TRY(print_line(console, "tty-check: done"));
    return 0;
}

}
