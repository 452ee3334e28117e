/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vctl's commands (apps/vctl Commands.h) as a person types them, run by a check Task connected to
 * initd's real vectra.control server on the hosted kernel: the Tasks from the snapshot, the
 * services, a restart (its client sees PeerRestarted, then the new instance answers), stop and
 * start, the graph — and every refusal as the line vctl prints: an unknown service, a check,
 * policy exhausted, a second restart while the first is still starting (busy), stopping a stopped
 * service, starting a running one, an oversized name and malformed command lines.
 */

#include "../services/ControlTestTasks.h"
#include "../services/InitdBoot.h"
#include <catch2/catch.hpp>
#include <string>
#include <vctl/Commands.h>
#include <vectra/snapshot/KernelTaskList.h>
#include <vsh/Words.h>

VECTRA_TASK_ENTRY(test_vctl);

using namespace vectra;

namespace {

struct Captured final : vsh::Sink {
    std::string text;
    void write(std::span<u8 const> bytes) override { text.append(reinterpret_cast<char const*>(bytes.data()), bytes.size()); }
};

/* Types `line` into vctl's commands; prints each line of the answer as "vctl> LINE". */
void type(vctl::Commands& commands, vsh::Words& words, std::string const& line)
{
    Captured sink;
    test::print_line("typed: " + line);
    if (vsh::parse_words(line, words).is_error()) {
        test::print_line("vctl> (the words did not parse)");
        return;
    }
    if (!commands.run(words, sink))
        test::print_line("vctl> (not vctl's)");
    usize start = 0;
    for (usize end = sink.text.find("\r\n"); end != std::string::npos; end = sink.text.find("\r\n", start)) {
        test::print_line("vctl> " + sink.text.substr(start, end - start));
        start = end + 2;
    }
}

}

namespace vectra::task_entries {

ErrorOr<i32> test_vctl(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto tasks = TRY(tasks::KernelTaskList::create(TRY(bundle.take<DeviceCap>("snapshot")), memory));
    auto control = TRY(Client<control::Protocol>::bind(TRY(bundle.take<RingCap>("control_requests")),
        TRY(bundle.take<RingCap>("control_replies"))));
    auto echo = TRY(Client<crashtest::EchoProtocol>::bind(TRY(bundle.take<RingCap>("echo_requests")),
        TRY(bundle.take<RingCap>("echo_replies")), ConnectionBits { SignalBit(3), SignalBit(4), SignalBit(5) }));
    auto commands = std::make_unique<vctl::Commands>(control, &tasks);
    auto words = std::make_unique<vsh::Words>();
    auto say_echo = [&](char const* text) {
        auto reply = echo.call(crashtest::Echo { MUST(FixedString<64>::try_from(text)) });
        test::print_line(std::string("echo: ") + (reply.is_error() ? std::string(reply.error().name()) : std::string(reply.value().text.view())));
    };

    type(*commands, *words, "ls");
    type(*commands, *words, "vctl tasks");
    type(*commands, *words, "vctl services");
    type(*commands, *words, "vctl restart nope");
    type(*commands, *words, "vctl restart vctl");
    type(*commands, *words, "vctl restart idle");
    type(*commands, *words, "vctl restart " + std::string(40, 'a'));
    type(*commands, *words, "vctl restart");
    type(*commands, *words, "vctl restart echo idle");
    type(*commands, *words, "vctl frobnicate");
    type(*commands, *words, "vctl start echo");
    say_echo("one");
    control_test::echo_may_be_ready = false;
    type(*commands, *words, "vctl restart echo");
    type(*commands, *words, "vctl restart echo");
    control_test::echo_may_be_ready = true;
    for (int turn = 0; turn < 200; ++turn)
        system::yield();
    type(*commands, *words, "vctl services");
    say_echo("two");
    say_echo("three");
    type(*commands, *words, "vctl stop echo");
    type(*commands, *words, "vctl stop echo");
    type(*commands, *words, "vctl services");
    type(*commands, *words, "vctl start echo");
    type(*commands, *words, "vctl graph vctl");
    type(*commands, *words, "vctl graph");
    return 0;
}

}

namespace vectra::initd {

namespace {

constexpr SlotSpec vctl_slots[] = {
    { "control_replies", SlotKind::ReplyRing, 1, RightReceive },
    { "control_requests", SlotKind::RequestRing, 1, RightSend },
    { "echo_replies", SlotKind::ReplyRing, 0, RightReceive },
    { "echo_requests", SlotKind::RequestRing, 0, RightSend | RightMove }, /* as the compiler grants a Ring end: movable */
    { "memory", SlotKind::Memory, 0, RightRetype | RightMove },
    { "snapshot", SlotKind::Snapshot, 0, RightRead },
};

constexpr TaskSpec tasks[] = {
    { "echo", &task_entries::test_echo, TaskKind::Service, Band::Person, 128, 16, control_test::echo_slots, 3, control_test::twice, Expectation::Success, nullptr, supervised_by_initd, 0, 0, processor_boot },
    { "idle", &task_entries::test_idle, TaskKind::Service, Band::Person, 128, 16, control_test::ready_only, 1, control_test::none, Expectation::Success, nullptr, supervised_by_initd, 1, 0, processor_boot },
    { "vctl", &task_entries::test_vctl, TaskKind::Check, Band::Person, 2048, 256, vctl_slots, 6, control_test::none, Expectation::Success, nullptr, supervised_by_initd, 2, 0, processor_boot },
};

}

BootManifest const boot_manifest { "vctl-test", tasks, sizeof(tasks) / sizeof(tasks[0]), control_test::connections, 2, 1 };

}

TEST_CASE("vctl lists Tasks and services, restarts, stops and starts a service, prints the graph, and says every refusal")
{
    auto result = test::run_initd();
    INFO(result.output);
    REQUIRE(result.exited);
    auto const& output = result.output;
    for (auto const* line : {
             "vctl> (not vctl's)",
             "vctl>    ID NAME             STATE    CAPS",
             "vctl> NAME             STATE       RESTARTS LAST-EXIT",
             "vctl> echo             ready          0/2   -",
             "vctl> idle             ready          0/0   -",
             "vctl> vctl: 2 services",
             "vctl> vctl: restart nope: unknown-service",
             "vctl> vctl: restart vctl: not-a-service",
             "vctl> vctl: restart idle: policy-exhausted",
             "vctl> vctl: restart: the name is longer than 31 bytes",
             "vctl> vctl: usage: vctl tasks | services | restart NAME | stop NAME | start NAME | graph [TASK]",
             "vctl> vctl: start echo: running",
             "echo: one",
             "vctl> vctl: restart echo: done",
             "vctl> vctl: restart echo: busy",
             "vctl> echo             ready          1/2   -1",
             "echo: peer-restarted",
             "echo: three",
             "vctl> vctl: stop echo: done",
             "vctl> vctl: stop echo: not-running",
             "vctl> echo             stopped        1/2   -1",
             "vctl> vctl: start echo: done",
             "vctl> vctl             control_requests requests     send             control",
             "vctl> vctl             echo_requests    requests     send,move        echo",
             "vctl> vctl             snapshot         snapshot     read             -",
             "vctl> vctl: 6 of 10 edges",
             "vctl> vctl: 10 of 10 edges",
             "initd: status 0",
         })
        CHECK(test::has_line(output, line));
    /* vctl tasks lists the Tasks the kernel's snapshot holds: initd, the services and vctl itself. */
    CHECK(output.find(" initd ") != std::string::npos);
    CHECK(output.find(" echo ") != std::string::npos);
    CHECK(output.find(" vctl             runnable") != std::string::npos);
    /* The usage line answers each of the three malformed lines. */
    usize usage = 0;
    for (usize at = output.find("vctl> vctl: usage:"); at != std::string::npos; at = output.find("vctl> vctl: usage:", at + 1))
        ++usage;
    CHECK(usage == 3);
}
