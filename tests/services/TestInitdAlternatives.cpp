/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * initd's alternatives (docs/adr/0052-a-display-chosen-at-run-time.md) on the real kernel (hosted):
 * a boot manifest of the test's own names two services "one_of" the set "display", both serving
 * connection 0 (vectra.test.echo, each answering with its own name), as the desktop's virtio-gpu
 * driver and displayd on ramfb serve vectra.display; a check Task asks whoever serves. What it proves:
 *
 *   - present: the first alternative's device is there and it becomes ready: initd names it
 *     ("initd: display: gpu"), the client reaches it, the second is never spawned;
 *   - absent: the first names a device the machine lacks (a disk, block3, as the desktop's
 *     virtio-gpu driver names a PCI function on a machine without one): it is not spawned, initd
 *     passes it over and starts the second, which the client reaches through the same connection;
 *   - failing after start: the first is spawned and ends before it was ever ready (a driver that
 *     finds no working device): it is passed over for the second, not restarted;
 *   - none: both fail: initd says the set has none and the image still reaches its checks;
 *   - a Task outside the set cannot take the set's connection: every Ring handle it can make up,
 *     bound as the server's end of vectra.test.echo, is refused;
 *   - an administrator cannot start the member initd did not choose (vectra.control `start` is
 *     `not-running`), and sees it listed as not started.
 */

#include <vectra/Try.h>
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

VECTRA_TASK_ENTRY(test_first_display);
VECTRA_TASK_ENTRY(test_second_display);
VECTRA_TASK_ENTRY(test_display_client);
VECTRA_TASK_ENTRY(test_display_intruder);
VECTRA_TASK_ENTRY(test_display_admin);

using namespace vectra;

namespace {

enum class Machine {
    Present,      /* the first alternative's device is there and it works */
    Absent,       /* the first names a device the machine lacks */
    FailsToStart, /* the first is spawned and ends before it is ready */
    Neither,      /* the first lacks its device, the second ends before it is ready */
};

Machine g_machine = Machine::Present;

struct NamedEcho {
    char const* name;
    ErrorOr<crashtest::Echoed> handle(crashtest::Echo const&) { return crashtest::Echoed { MUST(FixedString<64>::try_from(name)) }; }
};

ErrorOr<i32> serve_as(Bundle& bundle, char const* name)
{
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto server = TRY(ServerConnection::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        crashtest::echo_schema_id));
    TRY(system::raise(ready));
    NamedEcho handler { name };
    TRY(serve<crashtest::EchoProtocol>(server, handler));
    return 0;
}

}

namespace vectra::task_entries {

ErrorOr<i32> test_first_display(Bundle& bundle)
{
    if (g_machine == Machine::FailsToStart)
        return Error(ErrorCode::NotFound, "gpu: the device answered no reset");
    return serve_as(bundle, "gpu");
}

ErrorOr<i32> test_second_display(Bundle& bundle)
{
    if (g_machine == Machine::Neither)
        return Error(ErrorCode::NotFound, "fallback: no framebuffer either");
    return serve_as(bundle, "fallback");
}

ErrorOr<i32> test_display_client(Bundle& bundle)
{
    if (g_machine == Machine::Neither) {
        test::print_line("client: nobody to ask");
        return 0;
    }
    auto client = TRY(Client<crashtest::EchoProtocol>::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        ConnectionBits { SignalBit(3), SignalBit(4), SignalBit(5) }));
    auto answer = TRY(client.call(crashtest::Echo { MUST(FixedString<64>::try_from("who")) }));
    test::print_line("client: answered by " + std::string(answer.text.view()));
    return 0;
}

/* The administrator: the member initd did not choose can be neither started nor restarted. */
ErrorOr<i32> test_display_admin(Bundle& bundle)
{
    Client<control::Protocol> control(TRY(Connection::bind(TRY(bundle.take<RingCap>("control_requests")),
        TRY(bundle.take<RingCap>("control_replies")), control::schema_id)));
    char const* waiting = g_machine == Machine::Present ? "fallback" : "gpu";
    auto name = MUST(control::Name::try_from(waiting));
    auto started = control.call(control::Start { name });
    auto restarted = control.call(control::Restart { name });
    auto listed = TRY(control.call(control::ListServices { 0 }));
    std::string states;
    for (usize index = 0; index < listed.services.size(); ++index)
        states += " " + std::string(listed.services[index].name.view()) + "=" + std::to_string(listed.services[index].state);
    test::print_line(std::string("admin: start ") + waiting + ": " + (started.is_error() ? std::string(started.error().name()) : "done")
        + ", restart: " + (restarted.is_error() ? std::string(restarted.error().name()) : "done") + ";" + states);
    return 0;
}

/* A check outside the set: every Ring handle it can make up, bound as the server's ends of the set's connection. */
ErrorOr<i32> test_display_intruder(Bundle&)
{
    return test::bind_forged_ends(crashtest::echo_schema_id, "intruder", "server ends");
}

}

namespace vectra::initd {

namespace {

constexpr ConnectionSpec connections[] = {
    { "display", "vectra.test.echo", crashtest::echo_schema_id, crashtest::EchoProtocol::slot_count, crashtest::EchoProtocol::slot_size, false },
    { "control", "vectra.control", control::schema_id, control::Protocol::slot_count, control::Protocol::slot_size, false },
};
constexpr SlotSpec server_slots[] = {
    { "ready", SlotKind::Ready, 0, RightRaise },
    { "replies", SlotKind::ReplyRing, 0, RightSend },
    { "requests", SlotKind::RequestRing, 0, RightReceive },
};
/* The same, and a disk the machine does not have: the test kernel is given none. */
constexpr SlotSpec server_slots_with_device[] = {
    { "disk", SlotKind::Disk, 0, RightRead | RightWrite, 0, 3 },
    { "ready", SlotKind::Ready, 0, RightRaise },
    { "replies", SlotKind::ReplyRing, 0, RightSend },
    { "requests", SlotKind::RequestRing, 0, RightReceive },
};
constexpr SlotSpec client_slots[] = {
    { "replies", SlotKind::ReplyRing, 0, RightReceive },
    { "requests", SlotKind::RequestRing, 0, RightSend },
};
constexpr SlotSpec admin_slots[] = {
    { "control_replies", SlotKind::ReplyRing, 1, RightReceive },
    { "control_requests", SlotKind::RequestRing, 1, RightSend },
};
constexpr RestartPolicy twice { 2, 60'000, 1 };
constexpr RestartPolicy none { 0, 0, 0 };

TaskSpec tasks[] = {
    { "gpu", &task_entries::test_first_display, TaskKind::Service, Band::Person, 128, 16, server_slots, 3, twice, Expectation::Success, nullptr, supervised_by_initd, 0, 0, processor_boot, "display", 0 },
    { "fallback", &task_entries::test_second_display, TaskKind::Service, Band::Person, 128, 16, server_slots, 3, twice, Expectation::Success, nullptr, supervised_by_initd, 1, 0, processor_boot, "display", 1 },
    { "client", &task_entries::test_display_client, TaskKind::Check, Band::Person, 256, 32, client_slots, 2, none, Expectation::Success, nullptr, supervised_by_initd, 2, 0, processor_boot },
    { "intruder", &task_entries::test_display_intruder, TaskKind::Check, Band::Person, 128, 16, nullptr, 0, none, Expectation::Success, nullptr, supervised_by_initd, 3, 0, processor_boot },
    { "admin", &task_entries::test_display_admin, TaskKind::Check, Band::Person, 1024, 256, admin_slots, 2, none, Expectation::Success, nullptr, supervised_by_initd, 4, 0, processor_boot },
};

}

BootManifest const boot_manifest { "alternatives-test", tasks, sizeof(tasks) / sizeof(tasks[0]), connections, 2, 1 };

}

using test::has_line;

namespace {

test::ChildResult boot_on(Machine machine)
{
    g_machine = machine;
    bool lacks_device = machine == Machine::Absent || machine == Machine::Neither;
    initd::tasks[0].slots = lacks_device ? initd::server_slots_with_device : initd::server_slots;
    initd::tasks[0].slot_count = lacks_device ? 4 : 3;
    return test::run_initd();
}

usize count_of(std::string const& output, std::string const& line)
{
    usize count = 0;
    for (usize at = output.find(line + "\n"); at != std::string::npos; at = output.find(line + "\n", at + 1))
        ++count;
    return count;
}

}

TEST_CASE("initd runs the first alternative of a set whose device the machine has")
{
    auto result = boot_on(Machine::Present);
    INFO(result.output);
    REQUIRE(result.exited);
    CHECK(has_line(result.output, "initd: spawned gpu"));
    CHECK(has_line(result.output, "initd: display: gpu"));
    CHECK(has_line(result.output, "initd: ready (1 service)"));
    CHECK(has_line(result.output, "client: answered by gpu"));
    CHECK(result.output.find("initd: spawned fallback") == std::string::npos);
    CHECK(result.output.find("initd: display: fallback") == std::string::npos);
    CHECK(has_line(result.output, "intruder: 0 of 24576 forged server ends bound"));
    CHECK(has_line(result.output, "admin: start fallback: not-running, restart: not-running; gpu=3 fallback=1"));
    CHECK(result.output.find("initd: 3 of 3 checks ended as expected") != std::string::npos);
    CHECK(has_line(result.output, "initd: status 0"));
}

TEST_CASE("initd passes over an alternative whose device the machine lacks, and the next serves the same connection")
{
    auto result = boot_on(Machine::Absent);
    INFO(result.output);
    REQUIRE(result.exited);
    CHECK(has_line(result.output, "initd: gpu not spawned: no disk block3 for slot 'disk' (hosted: pass --disk=PATH for each disk)"));
    CHECK(has_line(result.output, "initd: display: gpu passed over; trying fallback"));
    CHECK(has_line(result.output, "initd: spawned fallback"));
    CHECK(has_line(result.output, "initd: display: fallback"));
    CHECK(has_line(result.output, "initd: ready (1 service)"));
    CHECK(has_line(result.output, "client: answered by fallback"));
    CHECK(result.output.find("initd: spawned gpu") == std::string::npos);
    CHECK(result.output.find("initd: display: gpu\n") == std::string::npos);
    CHECK(has_line(result.output, "intruder: 0 of 24576 forged server ends bound"));
    CHECK(has_line(result.output, "admin: start gpu: not-running, restart: not-running; gpu=1 fallback=3"));
    CHECK(has_line(result.output, "initd: status 0"));
}

TEST_CASE("initd passes over an alternative that ends before it was ever ready, without restarting it")
{
    auto result = boot_on(Machine::FailsToStart);
    INFO(result.output);
    REQUIRE(result.exited);
    CHECK(has_line(result.output, "initd: spawned gpu"));
    CHECK(has_line(result.output, "initd: gpu exited with error not-found (gpu: the device answered no reset)"));
    CHECK(has_line(result.output, "initd: display: gpu passed over; trying fallback"));
    CHECK(has_line(result.output, "initd: display: fallback"));
    CHECK(has_line(result.output, "client: answered by fallback"));
    /* Its policy allows two restarts; an alternative that never served is not restarted. */
    CHECK(count_of(result.output, "initd: spawned gpu") == 1);
    CHECK(result.output.find("initd: restarted gpu") == std::string::npos);
    CHECK(has_line(result.output, "initd: status 0"));
}

TEST_CASE("initd says when no alternative of a set serves, and goes on to the checks")
{
    auto result = boot_on(Machine::Neither);
    INFO(result.output);
    REQUIRE(result.exited);
    CHECK(has_line(result.output, "initd: display: gpu passed over; trying fallback"));
    CHECK(has_line(result.output, "initd: fallback exited with error not-found (fallback: no framebuffer either)"));
    CHECK(has_line(result.output, "initd: display: none of its alternatives serves (the last, fallback, passed over)"));
    CHECK(has_line(result.output, "initd: ready (1 service, 1 given up)"));
    CHECK(result.output.find("initd: display: fallback\n") == std::string::npos);
    CHECK(has_line(result.output, "client: nobody to ask"));
    CHECK(has_line(result.output, "initd: status 0"));
}
