/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The services of the vectra.control tests (services.initd.control, apps.vctl): "echo" serves
 * vectra.test.echo on connection 0 (a restarted instance waits for the test's word before it is
 * ready, so a request meets it starting), "idle" only says it is ready; connection 1 is the
 * control connection. Include in one source file per test program.
 */

#pragma once

#include <crashtest/Echo.h>
#include <initd/Manifest.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/control/Protocol.h>

VECTRA_TASK_ENTRY(test_echo);
VECTRA_TASK_ENTRY(test_idle);

namespace vectra::control_test {

inline int echo_starts = 0;
inline bool echo_may_be_ready = true;

struct EchoHandler {
    ErrorOr<crashtest::Echoed> handle(crashtest::Echo const& request) { return crashtest::Echoed { request.text }; }
};

constexpr initd::ConnectionSpec connections[] = {
    { "echo", "vectra.test.echo", crashtest::echo_schema_id, crashtest::EchoProtocol::slot_count, crashtest::EchoProtocol::slot_size, false },
    { "control", "vectra.control", control::schema_id, control::Protocol::slot_count, control::Protocol::slot_size, false },
};
constexpr initd::SlotSpec ready_only[] = { { "ready", initd::SlotKind::Ready, 0, RightRaise } };
constexpr initd::SlotSpec echo_slots[] = {
    { "ready", initd::SlotKind::Ready, 0, RightRaise },
    { "replies", initd::SlotKind::ReplyRing, 0, RightSend },
    { "requests", initd::SlotKind::RequestRing, 0, RightReceive },
};
constexpr initd::RestartPolicy twice { 2, 60'000, 1 };
constexpr initd::RestartPolicy none { 0, 0, 0 };

}

namespace vectra::task_entries {

ErrorOr<i32> test_echo(Bundle& bundle)
{
    ++control_test::echo_starts;
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    while (!control_test::echo_may_be_ready)
        system::yield();
    auto server = TRY(ServerConnection::bind(requests, replies, crashtest::echo_schema_id));
    TRY(system::raise(ready));
    control_test::EchoHandler handler;
    TRY(serve<crashtest::EchoProtocol>(server, handler));
    return 0;
}

ErrorOr<i32> test_idle(Bundle& bundle)
{
    TRY(system::raise(TRY(bundle.take<SignalCap>("ready"))));
    for (;;)
        (void)system::wait(SignalBit(40).mask()); /* nothing raises it: it idles until stopped */
}

}
