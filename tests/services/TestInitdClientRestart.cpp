/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A client's restart disturbs only what is its own (on the real kernel, hosted). A boot manifest of
 * the test's own: "echo" serves vectra.test.echo sessions on a listener (connection 0) that two
 * clients share; "crasher", a service, opens a session and ends with an error, so initd restarts it;
 * "steady", a check, holds a session opened before the crash and calls on it again after the
 * crasher's second start. "pair" has a connection of its own to "pair-server" (connection 1, one
 * client): when pair crashes, that connection is reset and pair-server sees PeerRestarted.
 *
 * initd used to reset every Ring a restarted Task held, client ends included: the crasher's restart
 * reset the listener, echo's serve loop failed (PeerRestarted) and steady's session ended with it —
 * its second call came back `peer-closed`. Now a client's restart resets only the connections it is
 * the one client of; the listener stays, and steady's second call is answered on the same session.
 */

#include "InitdBoot.h"
#include <catch2/catch.hpp>
#include <crashtest/Echo.h>
#include <initd/Manifest.h>
#include <initd/Supervisor.h>
#include <string>
#include <vectra/Connection.h>
#include <vectra/Service.h>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>

VECTRA_TASK_ENTRY(test_echo_sessions);
VECTRA_TASK_ENTRY(test_crashing_client);
VECTRA_TASK_ENTRY(test_steady_client);
VECTRA_TASK_ENTRY(test_pair_client);
VECTRA_TASK_ENTRY(test_pair_server);

using namespace vectra;
using crashtest::EchoProtocol;

namespace {

int g_crasher_starts = 0;
bool g_crasher_answered_again = false;
int g_pair_starts = 0;
usize g_echo_starts = 0;

constexpr u64 millisecond = 1'000'000;

struct Echoing {
    ErrorOr<crashtest::Echoed> handle(crashtest::Echo const& request) { return crashtest::Echoed { request.text }; }
    void opened() { }
    void closed() { }
};

[[noreturn]] void wait_forever()
{
    for (;;)
        (void)system::wait(SignalBit(40).mask()); /* nothing raises it: the Task waits until stopped */
}

void pause_for(u64 nanoseconds)
{
    u64 deadline = system::monotonic_nanoseconds() + nanoseconds;
    while (system::monotonic_nanoseconds() < deadline)
        (void)system::wait_until(0, deadline, SignalBit(20));
}

ErrorOr<session::SessionClient<EchoProtocol>> open_echo(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto pool = TRY(system::carve(memory, session::pool_size<EchoProtocol>()));
    return session::SessionClient<EchoProtocol>::open(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        std::move(pool), ConnectionBits { SignalBit(3), SignalBit(4), SignalBit(5) });
}

ErrorOr<std::string> echo(session::SessionClient<EchoProtocol>& client, char const* text)
{
    auto answer = TRY(client.call(crashtest::Echo { TRY(FixedString<64>::try_from(text)) }));
    return std::string(answer.text.view());
}

std::string said(ErrorOr<std::string> const& answer)
{
    return answer.is_error() ? std::string(answer.error().name()) : answer.value();
}

}

namespace vectra::task_entries {

ErrorOr<i32> test_echo_sessions(Bundle& bundle)
{
    ++g_echo_starts;
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    static session::Table table;
    table.~Table();
    new (&table) session::Table();
    auto* listening = TRY(session::Table::listen(table, std::move(requests), std::move(replies),
        session::geometry_of<EchoProtocol>(), session::Limits { 4, 1 }));
    TRY(system::raise(TRY(bundle.take<SignalCap>("ready"))));
    static Echoing handlers[session::maximum_sessions];
    TRY(session::serve<EchoProtocol>(*listening, handlers));
    return 0;
}

/* Opens a session, is answered, and ends with an error the first time; the second time it is answered and stays. */
ErrorOr<i32> test_crashing_client(Bundle& bundle)
{
    TRY(system::raise(TRY(bundle.take<SignalCap>("ready"))));
    auto client = TRY(open_echo(bundle));
    auto answer = echo(client, "crasher");
    if (++g_crasher_starts == 1) {
        test::print_line("crasher: " + said(answer) + ", ending with an error");
        return Error(ErrorCode::InvalidArgument, "the crasher's first start ends with an error");
    }
    test::print_line("crasher: started again: " + said(answer));
    g_crasher_answered_again = !answer.is_error();
    wait_forever();
}

ErrorOr<i32> test_steady_client(Bundle& bundle)
{
    auto client = TRY(open_echo(bundle));
    test::print_line("steady: first call: " + said(echo(client, "first")));
    u64 give_up = system::monotonic_nanoseconds() + 20'000 * millisecond;
    while ((!g_crasher_answered_again || g_pair_starts < 2) && system::monotonic_nanoseconds() < give_up)
        pause_for(10 * millisecond);
    /* The same session: a call that found it ended would say so (peer-closed) and open another. */
    test::print_line("steady: after the crasher's restart: " + said(echo(client, "second")));
    test::print_line("steady: echo started " + std::to_string(g_echo_starts) + " time" + (g_echo_starts == 1 ? "" : "s"));
    return 0;
}

/* The one client of connection 1: its first start ends with an error, its second calls again. */
ErrorOr<i32> test_pair_client(Bundle& bundle)
{
    TRY(system::raise(TRY(bundle.take<SignalCap>("ready"))));
    auto client = TRY(Client<EchoProtocol>::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        ConnectionBits { SignalBit(3), SignalBit(4), SignalBit(5) }));
    auto answer = client.call(crashtest::Echo { TRY(FixedString<64>::try_from("pair")) });
    if (++g_pair_starts == 1)
        return Error(ErrorCode::InvalidArgument, "the pair's first start ends with an error");
    test::print_line(std::string("pair: started again: ") + (answer.is_error() ? answer.error().name() : "answered"));
    wait_forever();
}

/* Serves connection 1 and says when it was reset under it (its one client restarted), then serves again. */
ErrorOr<i32> test_pair_server(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    TRY(system::raise(TRY(bundle.take<SignalCap>("ready"))));
    for (;;) {
        auto server = TRY(ServerConnection::bind(requests, replies, crashtest::echo_schema_id));
        Echoing handler;
        auto served = serve<EchoProtocol>(server, handler);
        test::print_line(std::string("pair-server: ") + (served.is_error() ? served.error().name() : "ended"));
        if (!served.is_error())
            return 0;
        if (!served.error().is(ErrorCode::PeerRestarted))
            return served.release_error();
    }
}

}

namespace vectra::initd {

namespace {

constexpr ConnectionSpec connections[] = {
    { "echo", "vectra.session", session::schema_id, session::Protocol::slot_count, session::Protocol::slot_size, false },
    { "pair", "vectra.test.echo", crashtest::echo_schema_id, EchoProtocol::slot_count, EchoProtocol::slot_size, false },
};
constexpr SlotSpec echo_slots[] = {
    { "ready", SlotKind::Ready, 0, RightRaise },
    { "replies", SlotKind::ReplyRing, 0, RightSend },
    { "requests", SlotKind::RequestRing, 0, RightReceive },
};
constexpr SlotSpec crasher_slots[] = {
    { "memory", SlotKind::Memory, 0, RightRetype },
    { "ready", SlotKind::Ready, 0, RightRaise },
    { "replies", SlotKind::ReplyRing, 0, RightReceive },
    { "requests", SlotKind::RequestRing, 0, RightSend },
};
constexpr SlotSpec steady_slots[] = {
    { "memory", SlotKind::Memory, 0, RightRetype },
    { "replies", SlotKind::ReplyRing, 0, RightReceive },
    { "requests", SlotKind::RequestRing, 0, RightSend },
};
constexpr SlotSpec pair_server_slots[] = {
    { "ready", SlotKind::Ready, 0, RightRaise },
    { "replies", SlotKind::ReplyRing, 1, RightSend },
    { "requests", SlotKind::RequestRing, 1, RightReceive },
};
constexpr SlotSpec pair_slots[] = {
    { "ready", SlotKind::Ready, 0, RightRaise },
    { "replies", SlotKind::ReplyRing, 1, RightReceive },
    { "requests", SlotKind::RequestRing, 1, RightSend },
};
constexpr RestartPolicy thrice { 3, 60'000, 10 };
constexpr RestartPolicy none { 0, 0, 0 };

constexpr TaskSpec tasks[] = {
    { "echo", &task_entries::test_echo_sessions, TaskKind::Service, Band::Person, 256, 32, echo_slots, 3, thrice, Expectation::Success, nullptr, supervised_by_initd, 0, 0, processor_boot },
    { "pair-server", &task_entries::test_pair_server, TaskKind::Service, Band::Person, 128, 32, pair_server_slots, 3, thrice, Expectation::Success, nullptr, supervised_by_initd, 1, 0, processor_boot },
    { "crasher", &task_entries::test_crashing_client, TaskKind::Service, Band::Person, 256, 32, crasher_slots, 4, thrice, Expectation::Success, nullptr, supervised_by_initd, 2, 0, processor_boot },
    { "pair", &task_entries::test_pair_client, TaskKind::Service, Band::Person, 128, 32, pair_slots, 3, thrice, Expectation::Success, nullptr, supervised_by_initd, 3, 0, processor_boot },
    { "steady", &task_entries::test_steady_client, TaskKind::Check, Band::Person, 256, 32, steady_slots, 3, none, Expectation::Success, nullptr, supervised_by_initd, 4, 0, processor_boot },
};

}

BootManifest const boot_manifest { "client-restart-test", tasks, sizeof(tasks) / sizeof(tasks[0]), connections, 2 };

}

TEST_CASE("a client's restart resets its own connection, not the listener its server's other clients still use")
{
    auto result = test::run_initd();
    INFO(result.output);
    REQUIRE(result.exited);
    CHECK(test::has_line(result.output, "steady: first call: first"));
    CHECK(test::has_line(result.output, "crasher: crasher, ending with an error"));
    CHECK(test::has_line(result.output, "crasher: started again: crasher"));
    /* The listener was not reset: echo kept serving and steady's session answers, the same one. */
    CHECK(test::has_line(result.output, "steady: after the crasher's restart: second"));
    CHECK(test::has_line(result.output, "steady: echo started 1 time"));
    /* The pair's connection is its own: reset at its restart, so its server saw PeerRestarted and served again. */
    CHECK(test::has_line(result.output, "pair-server: peer-restarted"));
    CHECK(test::has_line(result.output, "pair: started again: answered"));
    CHECK(test::has_line(result.output, "initd: status 0"));
}
