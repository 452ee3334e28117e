/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The supervision image's Tasks: a flaky echo service that panics on the request "crash", a
 * doomed service that faults every time it starts, and the check that drives the flaky one
 * through a crash and proves its next request succeeds after initd restarted it.
 */

#include <crashtest/Echo.h>
#include <vectra/Bytes.h>
#include <vectra/System.h>
#include <vectra/Service.h>
#include <vectra/Try.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>

VECTRA_TASK_ENTRY(flaky_echo);
VECTRA_TASK_ENTRY(doomed);
VECTRA_TASK_ENTRY(supervision_check);

#include <vectra/Connection.h>
#include <vectra/concurrent/Endpoints.h>

namespace vectra::task_entries {

namespace {

using crashtest::EchoProtocol;

/* The echo service's one handler: the reply is the request; "crash" panics, on purpose. */
struct EchoHandler {
    ErrorOr<crashtest::Echoed> handle(crashtest::Echo const& request)
    {
        auto text = request.text.view();
        VERIFY(text != "crash");
        if (text.empty())
            return Error(crashtest::EchoError::Empty, "there is no text to echo");
        return crashtest::Echoed { request.text };
    }
};

}

ErrorOr<i32> flaky_echo(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto server = TRY(ServerConnection::bind(std::move(requests), std::move(replies), crashtest::echo_schema_id));
    TRY(endpoint::raise(ready));
    TRY(print_line(console, "flaky: serving"));
    EchoHandler handler;
    TRY(serve<EchoProtocol>(server, handler));
    return 0;
}

ErrorOr<i32> doomed(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    TRY(print_line(console, "doomed: starting, and about to fault"));
    auto* volatile target = reinterpret_cast<u32 volatile*>(0x4000'0000'0000ull);
    *target = 1;
    return 0;
}

namespace {

ErrorOr<std::string_view> echo(Client<EchoProtocol>& client, std::string_view text, crashtest::Echoed& reply)
{
    reply = TRY(client.call(crashtest::Echo { TRY(FixedString<64>::try_from(text)) }));
    return reply.text.view();
}

}

ErrorOr<i32> supervision_check(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto client = TRY(Client<EchoProtocol>::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies"))));
    crashtest::Echoed reply;

    if (TRY(echo(client, "hello", reply)) != "hello")
        return Error(ErrorCode::MalformedMessage, "the echo differs from the request");
    TRY(print_line(console, "supervision: echo \"hello\" ok"));

    auto crashed = echo(client, "crash", reply);
    if (!crashed.is_error() || crashed.error().code() != ErrorCode::PeerRestarted) {
        TRY(print_line(console, "supervision: the crash request did not end in peer-restarted"));
        return 1;
    }
    TRY(print_line(console, "supervision: crash request -> error {} ok", error_code_name(crashed.error().code())));

    /* The client bound again after PeerRestarted by itself: the next call reaches the new instance. */
    if (TRY(echo(client, "again", reply)) != "again")
        return Error(ErrorCode::MalformedMessage, "the echo differs from the request");
    TRY(print_line(console, "supervision: echo \"again\" after the restart ok"));
    return 0;
}

}
