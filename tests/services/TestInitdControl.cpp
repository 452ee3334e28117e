/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * initd's vectra.control server (ADR 0045 §6) on the real kernel (hosted): a boot manifest of the
 * test's own connects initd to one check Task, "admin", which asks initd through the declared
 * client, as vctl does. What it proves:
 *
 *   - list-services pages initd's services with their states, restarts and last exit status;
 *   - restart ends the service as a crash would (its client sees PeerRestarted, then the new
 *     instance answers), counted against its policy; a second restart or a stop while the new
 *     instance is starting is busy; stop leaves it stopped, start spawns it afresh;
 *   - every refusal is its own error and changes nothing: unknown-service, not-a-service (a check),
 *     grouped (a service under a group supervisor), policy-exhausted, busy, not-running, running,
 *     past-the-end; a malformed request and an unknown message are answered with the general error;
 *   - capability-graph pages the boot table initd runs, edge by edge;
 *   - a Task without the control connection cannot reach initd's control end with any Ring handle
 *     it makes up.
 */

#include "ControlTestTasks.h"
#include "InitdBoot.h"
#include <catch2/catch.hpp>
#include <crashtest/Echo.h>
#include <initd/Manifest.h>
#include <initd/Supervisor.h>
#include <string>
#include <vectra/Connection.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/control/Protocol.h>

VECTRA_TASK_ENTRY(test_admin);
VECTRA_TASK_ENTRY(test_intruder);
VECTRA_TASK_ENTRY(initd_group);

using namespace vectra;

namespace {

std::string name_of(Error const& error)
{
    return std::string(error.name());
}

template<typename Request>
std::string outcome(Client<control::Protocol>& client, Request const& request)
{
    auto reply = client.call(request);
    return reply.is_error() ? name_of(reply.error()) : "done";
}

}

namespace vectra::task_entries {

/* A check without the control connection: every Ring handle it can make up, bound as either end of vectra.control. */
ErrorOr<i32> test_intruder(Bundle&)
{
    return test::bind_forged_ends(control::schema_id, "intruder", "control ends");
}

ErrorOr<i32> test_admin(Bundle& bundle)
{
    auto echo = TRY(Client<crashtest::EchoProtocol>::bind(TRY(bundle.take<RingCap>("echo_requests")),
        TRY(bundle.take<RingCap>("echo_replies")), ConnectionBits { SignalBit(3), SignalBit(4), SignalBit(5) }));
    auto raw = TRY(Connection::bind(TRY(bundle.take<RingCap>("control_requests")), TRY(bundle.take<RingCap>("control_replies")),
        control::schema_id));

    /* Malformed bytes and an unknown message first, on the raw connection: answered, nothing changes. */
    u8 reply_buffer[protocol::payload_capacity<control::Protocol>];
    u8 garbage[] = { 2, 0, 0, 0, 7, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff };
    auto malformed = TRY(raw.call(garbage, 7, reply_buffer, deadline_after(Duration::from_seconds(5))));
    test::print_line("admin: malformed restart: status " + std::to_string(malformed.envelope.status));
    u8 unknown[] = { 9, 0, 0, 0, 8, 0, 0, 0 };
    auto unknown_reply = TRY(raw.call(unknown, 8, reply_buffer, deadline_after(Duration::from_seconds(5))));
    test::print_line("admin: unknown message: status " + std::to_string(unknown_reply.envelope.status));
    Client<control::Protocol> control(std::move(raw));

    auto listed = TRY(control.call(control::ListServices { 0 }));
    std::string line = "admin: services " + std::to_string(listed.total) + ":";
    for (usize index = 0; index < listed.services.size(); ++index)
        line += " " + std::string(listed.services[index].name.view()) + "=" + std::to_string(listed.services[index].state);
    test::print_line(line);
    test::print_line("admin: list past the end: " + [&] { auto r = control.call(control::ListServices { 9 }); return r.is_error() ? name_of(r.error()) : "listed"; }());

    auto name = [](char const* text) { return MUST(control::Name::try_from(text)); };
    test::print_line("admin: restart nope: " + outcome(control, control::Restart { name("nope") }));
    test::print_line("admin: restart intruder: " + outcome(control, control::Restart { name("intruder") }));
    test::print_line("admin: restart member: " + outcome(control, control::Restart { name("member") }));
    test::print_line("admin: restart idle: " + outcome(control, control::Restart { name("idle") }));
    test::print_line("admin: start echo: " + outcome(control, control::Start { name("echo") }));

    auto echoed = TRY(echo.call(crashtest::Echo { MUST(FixedString<64>::try_from("one")) }));
    test::print_line("admin: echo before: " + std::string(echoed.text.view()));

    control_test::echo_may_be_ready = false;
    test::print_line("admin: restart echo: " + outcome(control, control::Restart { name("echo") }));
    test::print_line("admin: restart echo again: " + outcome(control, control::Restart { name("echo") }));
    test::print_line("admin: stop echo while starting: " + outcome(control, control::Stop { name("echo") }));
    control_test::echo_may_be_ready = true;
    u8 state = 0;
    for (int turn = 0; turn < 1000 && state != u8(control::ServiceState::Ready); ++turn) {
        system::yield();
        auto page = TRY(control.call(control::ListServices { 0 }));
        for (usize index = 0; index < page.services.size(); ++index) {
            if (page.services[index].name.view() == "echo") {
                state = page.services[index].state;
                if (state == u8(control::ServiceState::Ready))
                    test::print_line("admin: echo ready again, restarts " + std::to_string(page.services[index].restarts) + " of "
                        + std::to_string(page.services[index].maximum_restarts) + ", last exit "
                        + std::to_string(page.services[index].last_exit_status.value_or(999)));
            }
        }
    }
    auto first = echo.call(crashtest::Echo { MUST(FixedString<64>::try_from("two")) });
    test::print_line("admin: echo after restart: " + (first.is_error() ? name_of(first.error()) : std::string(first.value().text.view())));
    auto second = echo.call(crashtest::Echo { MUST(FixedString<64>::try_from("three")) });
    test::print_line("admin: echo again: " + (second.is_error() ? name_of(second.error()) : std::string(second.value().text.view())));

    test::print_line("admin: stop echo: " + outcome(control, control::Stop { name("echo") }));
    test::print_line("admin: stop echo again: " + outcome(control, control::Stop { name("echo") }));
    test::print_line("admin: restart stopped echo: " + outcome(control, control::Restart { name("echo") }));
    auto stopped = TRY(control.call(control::ListServices { 0 }));
    for (usize index = 0; index < stopped.services.size(); ++index) {
        if (stopped.services[index].name.view() == "echo")
            test::print_line("admin: echo listed as " + std::to_string(stopped.services[index].state) + ", last exit "
                + std::to_string(stopped.services[index].last_exit_status.value_or(999)));
    }
    test::print_line("admin: start echo: " + outcome(control, control::Start { name("echo") }));
    test::print_line("admin: start echo again: " + outcome(control, control::Start { name("echo") }));

    /* The graph, page by page. */
    usize total = 0;
    usize seen = 0;
    bool control_edge = false;
    bool echo_edge = false;
    for (u16 first_edge = 0;; first_edge = u16(first_edge + control::edges_per_page)) {
        auto page = TRY(control.call(control::CapabilityGraph { first_edge }));
        total = page.total;
        for (usize index = 0; index < page.edges.size(); ++index) {
            auto const& edge = page.edges[index];
            ++seen;
            control_edge |= edge.holder.view() == "admin" && edge.slot.view() == "control_requests" && edge.kind.view() == "requests"
                && edge.connection.view() == "control" && edge.rights == RightSend;
            echo_edge |= edge.holder.view() == "echo" && edge.slot.view() == "requests" && edge.connection.view() == "echo"
                && edge.rights == RightReceive;
        }
        if (first_edge + control::edges_per_page >= total)
            break;
    }
    test::print_line("admin: graph " + std::to_string(seen) + " of " + std::to_string(total) + " edges" + (control_edge ? ", admin's control end" : "")
        + (echo_edge ? ", echo's requests end" : ""));
    /* A group of services is initd's child: restarting it stops its services with it and starts them afresh. */
    test::print_line("admin: restart pool: " + outcome(control, control::Restart { name("pool") }));
    auto past = control.call(control::CapabilityGraph { u16(total + 1) });
    test::print_line("admin: graph past the end: " + (past.is_error() ? name_of(past.error()) : std::string("paged")));
    return 0;
}

}

namespace vectra::initd {

namespace {

constexpr SlotSpec group_slots[] = {
    { "console", SlotKind::Console, 0, RightWrite | RightGrant },
    { "memory", SlotKind::Memory, 0, RightRetype },
    { "ready", SlotKind::Ready, 0, RightRaise },
    { "tasks", SlotKind::Tasks, 0, RightSpawn },
};
constexpr SlotSpec admin_slots[] = {
    { "control_replies", SlotKind::ReplyRing, 1, RightReceive },
    { "control_requests", SlotKind::RequestRing, 1, RightSend },
    { "echo_replies", SlotKind::ReplyRing, 0, RightReceive },
    { "echo_requests", SlotKind::RequestRing, 0, RightSend },
};

constexpr u16 pool = 4;

constexpr TaskSpec tasks[] = {
    { "echo", &task_entries::test_echo, TaskKind::Service, Band::Person, 128, 16, control_test::echo_slots, 3, control_test::twice, Expectation::Success, nullptr, supervised_by_initd, 0, 0, processor_boot },
    { "idle", &task_entries::test_idle, TaskKind::Service, Band::Person, 128, 16, control_test::ready_only, 1, control_test::none, Expectation::Success, nullptr, supervised_by_initd, 1, 0, processor_boot },
    { "admin", &task_entries::test_admin, TaskKind::Check, Band::Person, 1024, 256, admin_slots, 4, control_test::none, Expectation::Success, nullptr, supervised_by_initd, 2, 0, processor_boot },
    { "member", &task_entries::test_idle, TaskKind::Service, Band::Person, 128, 16, control_test::ready_only, 1, control_test::twice, Expectation::Success, nullptr, pool, 0, 0, processor_boot },
    { "pool", &task_entries::initd_group, TaskKind::Service, Band::Person, 512, 32, group_slots, 4, control_test::twice, Expectation::Success, nullptr, supervised_by_initd, 3, 1, processor_boot },
    { "intruder", &task_entries::test_intruder, TaskKind::Check, Band::Person, 128, 16, nullptr, 0, control_test::none, Expectation::Success, nullptr, supervised_by_initd, 4, 0, processor_boot },
};

}

BootManifest const boot_manifest { "control-test", tasks, sizeof(tasks) / sizeof(tasks[0]), control_test::connections, 2, 1 };

}

using test::has_line;

TEST_CASE("initd serves vectra.control to the one Task connected to it: list, restart, stop, start, the graph, every refusal")
{
    auto result = test::run_initd();
    INFO(result.output);
    REQUIRE(result.exited);
    for (auto const* line : {
             "admin: malformed restart: status 32782",
             "admin: unknown message: status 32783",
             "admin: services 3: echo=3 idle=3 pool=3",
             "admin: list past the end: past-the-end",
             "admin: restart nope: unknown-service",
             "admin: restart intruder: not-a-service",
             "admin: restart member: grouped",
             "admin: restart idle: policy-exhausted",
             "admin: start echo: running",
             "admin: echo before: one",
             "admin: restart echo: done",
             "initd: restarted echo on request (1 of 2 within 60000 ms)",
             "admin: restart echo again: busy",
             "admin: stop echo while starting: busy",
             "admin: echo ready again, restarts 1 of 2, last exit -1",
             "admin: echo after restart: peer-restarted",
             "admin: echo again: three",
             "admin: stop echo: done",
             "initd: stopped echo on request",
             "admin: stop echo again: not-running",
             "admin: restart stopped echo: not-running",
             "admin: echo listed as 6, last exit -1",
             "admin: start echo: done",
             "initd: started echo on request",
             "admin: start echo again: running",
             "admin: graph 13 of 13 edges, admin's control end, echo's requests end",
             "admin: graph past the end: past-the-end",
             "admin: restart pool: done",
             "initd: restarted pool on request (1 of 2 within 60000 ms)",
             "intruder: 0 of 24576 forged control ends bound",
         })
        CHECK(has_line(result.output, line));
    CHECK(result.output.find("initd: 2 of 2 checks ended as expected") != std::string::npos);
    CHECK(has_line(result.output, "initd: status 0"));
    /* The group's member was spawned by each instance of the group. */
    usize member_spawns = 0;
    for (usize at = result.output.find("initd: spawned member\n"); at != std::string::npos; at = result.output.find("initd: spawned member\n", at + 1))
        ++member_spawns;
    CHECK(member_spawns == 2);
}
