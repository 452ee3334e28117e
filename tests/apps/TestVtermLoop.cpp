/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vterm's real loop as a Task (vterm::run) with a program Task on sessions of vectra.tty over
 * real Rings: output reaches the session's own window, a read with nothing typed waits until its
 * deadline on vterm's timer, a second read sent while one waits is answered busy at once, titles
 * are checked, a third session finds no window, and requests that are no vectra.tty are refused
 * while vterm serves on. With a Screen attached (the part of vterm's Display the loop sees), a key
 * the screen takes while a read waits answers that read at once, and the program's output reaches
 * the screen as damage of the window's model.
 */

#include "../core/FsTestTasks.h"
#include <catch2/catch.hpp>
#include <new>
#include <vectra/Connection.h>
#include <vectra/Session.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/kernel/Executor.h>
#include <string_view>
#include <vectra/input/Event.h>
#include <vectra/input/Keyboard.h>
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
    /* A request after a kept read is answered (its reply was once left unsent: the kept flag stayed). */
    tty::Write after_wait;
    (void)after_wait.bytes.try_append(u8('x'));
    EXPECT_IN_TASK(TRY(first.call(after_wait, Duration::from_seconds(2))).accepted == 1);
    EXPECT_IN_TASK(TRY(first.call(tty::ReadSize {}, Duration::from_seconds(2))).columns == 80);

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
    auto refused
        = TRY(raw.call(std::span<u8 const>(junk, sizeof junk), 9, reply, deadline_after(Duration::from_seconds(5))));
    EXPECT_IN_TASK(refused.envelope.status == (protocol::status_general | u16(ErrorCode::MalformedMessage)));
    EXPECT_IN_TASK(!second.call(tty::ReadSize {}).is_error());

    /* A third session: both windows are taken. */
    auto third = open_session_client<tty::Protocol>(memory, requests, replies);
    EXPECT_IN_TASK(third.is_error() && third.error().is(session::SessionError::NoSessionLeft));
    return 0;
}

/* A screen whose person types "hi" and Return into window 0 as soon as a read waits there, and that
 * counts the windows opened and the output damage it was asked to present. */
class TypingScreen final : public vterm::Screen {
public:
    explicit TypingScreen(vterm::Server& server)
        : m_server(server)
    {
    }
    ErrorOr<void> present() override
    {
        for (usize window = 0; window < vterm::maximum_windows; ++window) {
            if (!m_server.has_window(window))
                continue;
            if (m_server.is_shown(window))
                m_shown[window] = true;
            auto& model = m_server.terminal(window);
            if (model.has_damage() && model.cell(0, 0).code_points[0] == 'o')
                ++m_output_presented;
            model.clear_damage();
        }
        return {};
    }
    u64 input_mask() const override { return 0; }
    bool has_input() const override { return !m_typed && m_server.is_waiting(0); }
    ErrorOr<void> take_input() override
    {
        if (m_typed || !m_server.is_waiting(0))
            return {};
        m_typed = true;
        for (u32 character : { u32('h'), u32('i') }) {
            u32 characters[] = { character };
            m_server.key(0, terminal::KeyPress { 0, 0, characters });
        }
        m_server.key(0, terminal::KeyPress { 28, 0, {} }); /* KEY_ENTER */
        return {};
    }

    static inline bool m_shown[vterm::maximum_windows] {};
    static inline usize m_output_presented { 0 };

private:
    vterm::Server& m_server;
    bool m_typed { false };
};

/* vterm's loop as a Task showing its windows on a ScreenType, one window shown at start. */
template<typename ScreenType>
ErrorOr<i32> vterm_task_on(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto* loop = TRY(vterm::place_loop(memory, nullptr, 1));
    ScreenType screen(loop->server());
    loop->show_on(&screen);
    auto served = loop->serve(std::move(requests), std::move(replies));
    loop->~Loop();
    TRY(served);
    return 0;
}

ErrorOr<i32> typed_to(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto first = TRY(open_session_client<tty::Protocol>(memory, requests, replies));
    u64 before = endpoint::now_nanoseconds();
    auto typed = TRY(first.call(tty::Read { 5000 }, Duration::from_seconds(10)));
    u64 waited = endpoint::now_nanoseconds() - before;
    EXPECT_IN_TASK(typed.bytes.size() == 3 && typed.bytes[0] == 'h' && typed.bytes[1] == 'i' && typed.bytes[2] == '\r');
    EXPECT_IN_TASK(waited < 2'000'000'000); /* answered at the keys, long before its 5 s deadline */
    EXPECT_IN_TASK(TRY(first.call(text("ok"))).accepted == 2);
    EXPECT_IN_TASK(TRY(first.call(tty::ReadSize {})).columns == vterm::window_size.columns);
    return 0;
}

/*
 * The person at a screen whose input rings a Signal bit of vterm's Task (as compositord's reply to
 * the waiting `input` read does): the key to type, set by the typing Task before it raises the bit.
 */
constexpr SignalBit person_bit { 16 };
struct Person {
    u32 character { 0 };
    bool pending { false };
};
Person s_person;
usize s_input_passes { 0 };

class PersonScreen final : public vterm::Screen {
public:
    explicit PersonScreen(vterm::Server& server)
        : m_server(server)
    {
    }
    ErrorOr<void> present() override { return {}; }
    u64 input_mask() const override { return person_bit.mask(); }
    bool has_input() const override { return false; }
    ErrorOr<void> take_input() override
    {
        ++s_input_passes;
        if (!s_person.pending)
            return {};
        s_person.pending = false;
        u32 characters[] = { s_person.character };
        m_server.key(0, terminal::KeyPress { 0, 0, characters });
        return {};
    }

private:
    vterm::Server& m_server;
};

void grant_person(Task& server, Task& client, CapabilitySpace& parent)
{
    auto person = parent.mint<CapabilityClass::Signal>(&server.signals(), RightRaise | RightGrant, person_bit.index())
                      .release_value();
    VERIFY(!client.bundle().grant("person", parent, person, RightRaise).is_error());
}

/* Sleeps `milliseconds` on bits nobody else raises. */
void sleep_for(u64 milliseconds)
{
    (void)endpoint::wait_until(SignalBit(30).mask(), endpoint::now_nanoseconds() + milliseconds * 1'000'000, SignalBit(31));
}

/*
 * A read waits; while nothing is typed vterm's loop does not wake (a poll would have woken it
 * every 20 ms); a key typed then answers the read within a few milliseconds, not at a poll's next
 * turn — three times over.
 */
ErrorOr<i32> types_while_a_read_waits(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto person = TRY(bundle.take<SignalCap>("person"));
    auto first = TRY(open_session_client<tty::Protocol>(memory, requests, replies));
    Connection& raw = *first.connection();
    u8 request[protocol::payload_capacity<tty::Protocol>];
    u8 reply[protocol::payload_capacity<tty::Protocol>];
    for (u32 round = 0; round < 3; ++round) {
        usize length = TRY(protocol::encode_request<tty::Protocol>(tty::Read { 5000 }, 300 + round, request));
        TRY(raw.send(std::span<u8 const>(request, length), deadline_after(Duration::from_seconds(5))));
        sleep_for(30); /* vterm takes the read and keeps it */
        usize passes_before = s_input_passes;
        sleep_for(200);
        usize idle_passes = s_input_passes - passes_before;
        EXPECT_IN_TASK(idle_passes <= 1);

        s_person = { u32('a' + round), true };
        u64 typed_at = endpoint::now_nanoseconds();
        TRY(endpoint::raise(person));
        auto answered = TRY(raw.receive(reply, deadline_after(Duration::from_seconds(5))));
        u64 latency = endpoint::now_nanoseconds() - typed_at;
        auto envelope = TRY(protocol::read_envelope({ reply, answered.length }));
        EXPECT_IN_TASK(envelope.call_id == 300 + round && envelope.status == protocol::status_success);
        tty::Input input;
        EXPECT_IN_TASK(!protocol::decode_body({ reply, answered.length }, input).is_error());
        EXPECT_IN_TASK(input.bytes.size() == 1 && input.bytes[0] == u8('a' + round));
        EXPECT_IN_TASK(latency < 5'000'000); /* well inside the 20 ms a poll took */
    }
    return 0;
}

/* A person at a screen with one window at start: when the second session waits in a read without a
 * window (after it wrote "wait"), Ctrl+Shift+Enter in the first window; once shown, "2" typed there; when it reads again,
 * the first window's "copy me" selected, copied (Ctrl+Shift+C) and pasted into it (Ctrl+Shift+V);
 * when the first session waits in a read, its window closed (Ctrl+Shift+W). */
class ChordScreen final : public vterm::Screen {
public:
    explicit ChordScreen(vterm::Server& server)
        : m_server(server)
    {
    }
    ErrorOr<void> present() override
    {
        for (usize window = 0; window < vterm::maximum_windows; ++window) {
            if (m_server.has_window(window))
                m_server.terminal(window).clear_damage();
        }
        return {};
    }
    /* Nothing rings for this person: the loop takes the input while the stage's moment has come. */
    u64 input_mask() const override { return 0; }
    bool has_input() const override { return due(); }
    ErrorOr<void> take_input() override
    {
        if (!due())
            return {};
        constexpr u8 chord = input::modifier::control | input::modifier::shift;
        auto second = m_server.window_of(1);
        switch (m_stage) {
        case 0:
            m_outcomes[0] = m_server.key(0, { input::key::enter, chord, {} });
            break;
        case 1: {
            u32 two[] = { u32('2') };
            m_server.key(*second, { input::key::two, 0, two });
            break;
        }
        case 2: {
            auto& first = m_server.terminal(0);
            m_server.select(0, first.view_position(0, 0), first.view_position(0, 6));
            m_outcomes[1] = m_server.key(0, { input::key::c, chord, {} });
            m_outcomes[2] = m_server.key(*second, { input::key::v, chord, {} });
            break;
        }
        default:
            m_outcomes[3] = m_server.key(0, { input::key::w, chord, {} });
            break;
        }
        ++m_stage;
        return {};
    }

    static inline vterm::KeyOutcome m_outcomes[4] {};

private:
    /* Whether the current stage's key is due. */
    bool due() const
    {
        auto second = m_server.window_of(1);
        switch (m_stage) {
        case 0:
            /* Not at the program's first read (it must end at its deadline): after it wrote "wait". */
            return second && !m_server.is_shown(*second) && m_server.is_waiting(1)
                && m_server.terminal(*second).cell(0, 3).code_points[0] == 'w';
        case 1:
            return second && m_server.is_shown(*second);
        case 2:
            return second && m_server.is_waiting(1);
        case 3:
            return m_server.is_waiting(0);
        default:
            return false;
        }
    }

    vterm::Server& m_server;
    int m_stage { 0 };
};

ErrorOr<i32> two_programs(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto first = TRY(open_session_client<tty::Protocol>(memory, requests, replies));
    auto second = TRY(open_session_client<tty::Protocol>(memory, requests, replies));
    EXPECT_IN_TASK(TRY(first.call(text("copy me"))).accepted == 7);

    /* The second session waits for a window: its output and size are answered, its read waits for its deadline. */
    EXPECT_IN_TASK(TRY(second.call(text("b$ "))).accepted == 3);
    EXPECT_IN_TASK(TRY(second.call(tty::ReadSize {})).columns == vterm::window_size.columns);
    u64 before = endpoint::now_nanoseconds();
    auto nothing = TRY(second.call(tty::Read { 100 }));
    EXPECT_IN_TASK(nothing.bytes.size() == 0 && endpoint::now_nanoseconds() - before >= 100'000'000);

    /* Shown by the person's chord, then typed into. */
    EXPECT_IN_TASK(TRY(second.call(text("wait"))).accepted == 4);
    before = endpoint::now_nanoseconds();
    auto typed = TRY(second.call(tty::Read { 5000 }, Duration::from_seconds(10)));
    EXPECT_IN_TASK(typed.bytes.size() == 1 && typed.bytes[0] == '2');
    EXPECT_IN_TASK(endpoint::now_nanoseconds() - before < 2'000'000'000);

    /* Copied in the first window, pasted into the second. */
    auto pasted = TRY(second.call(tty::Read { 5000 }, Duration::from_seconds(10)));
    EXPECT_IN_TASK(std::string_view(reinterpret_cast<char const*>(pasted.bytes.begin()), pasted.bytes.size()) == "copy me");

    /* The first window closed while its program waits: the session ends under the read. */
    before = endpoint::now_nanoseconds();
    auto closed = first.call(tty::Read { 5000 }, Duration::from_seconds(10));
    EXPECT_IN_TASK(closed.is_error() && (closed.error().is(ErrorCode::PeerClosed) || closed.error().is(ErrorCode::Revoked)));
    EXPECT_IN_TASK(endpoint::now_nanoseconds() - before < 2'000'000'000);
    /* The failed read let go of the session and opened the next one at once: vterm reclaimed the
     * donation on the bit the letting go rang (its loop has no timer; without the bit the open waits
     * out the read's 10 s deadline and fails). */
    EXPECT_IN_TASK(first.is_open());
    /* The program comes back (the client opens a session again): it gets a window that waits to be shown. */
    before = endpoint::now_nanoseconds();
    auto again = TRY(first.call(tty::ReadSize {}, Duration::from_seconds(5)));
    EXPECT_IN_TASK(endpoint::now_nanoseconds() - before < 1'000'000'000);
    EXPECT_IN_TASK(again.columns == vterm::window_size.columns && again.rows == vterm::window_size.rows);
    EXPECT_IN_TASK(TRY(first.call(text("back"))).accepted == 4);
    return 0;
}

}

TEST_CASE("vterm's loop waits on the screen's input bit: idle it sleeps, and a key answers a waiting read at once", "[vterm]")
{
    s_input_passes = 0;
    Error ended = run_server_and_client(vterm_task_on<PersonScreen>, types_while_a_read_waits,
        { 16 * MiB, 4 * MiB, 1 * MiB, 128 * KiB, 128 * KiB }, grant_person);
    CHECK(ended.code() == ErrorCode::PeerRestarted);
}

TEST_CASE("vterm's loop with a screen: keys it takes answer the waiting read at once; output is presented", "[vterm]")
{
    Error ended
        = run_server_and_client(vterm_task_on<TypingScreen>, typed_to, { 16 * MiB, 4 * MiB, 1 * MiB, 128 * KiB, 128 * KiB });
    CHECK(ended.code() == ErrorCode::PeerRestarted);
    CHECK(TypingScreen::m_shown[0]);
    CHECK(TypingScreen::m_output_presented >= 1);
}

TEST_CASE("vterm's loop: output, waiting reads, busy, titles and refusals over real sessions", "[vterm][attack]")
{
    Error ended = run_server_and_client(vterm_task, program, { 16 * MiB, 4 * MiB, 1 * MiB, 128 * KiB, 128 * KiB });
    CHECK(ended.code() == ErrorCode::PeerRestarted);
}

TEST_CASE("vterm's loop: a second session waits for the window Ctrl+Shift+Enter opens; copy, paste and close by chords", "[vterm][attack]")
{
    Error ended
        = run_server_and_client(vterm_task_on<ChordScreen>, two_programs, { 16 * MiB, 4 * MiB, 1 * MiB, 128 * KiB, 128 * KiB });
    CHECK(ended.code() == ErrorCode::PeerRestarted);
    CHECK(ChordScreen::m_outcomes[0] == vterm::KeyOutcome::OpenedWindow);
    CHECK(ChordScreen::m_outcomes[1] == vterm::KeyOutcome::Copied);
    CHECK(ChordScreen::m_outcomes[2] == vterm::KeyOutcome::Pasted);
    CHECK(ChordScreen::m_outcomes[3] == vterm::KeyOutcome::ClosedWindow);
}
