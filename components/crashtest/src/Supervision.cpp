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

namespace vectra::task_entries {

using crashtest::echo_schema_id;

ErrorOr<i32> flaky_echo(Bundle& bundle)
{
    constexpr SignalBit request_bit { 0 };
    constexpr SignalBit space_bit { 1 };
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto receiver = TRY(RingReceiver::bind(requests, echo_schema_id, request_bit));
    auto sender = TRY(RingSender::bind(replies, echo_schema_id, space_bit));
    TRY(system::raise(ready));
    TRY(print_line(console, "flaky: serving"));
    u8 request[crashtest::slot_size];
    u8 reply[crashtest::slot_size];
    TRY(serve(receiver, sender, request, reply, [](std::span<u8 const> message, std::span<u8> answer) {
        auto text = as_text(message);
        VERIFY(text != "crash");
        __builtin_memcpy(answer.data(), message.data(), message.size());
        return message.size();
    }));
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

struct EchoClient {
    RingCap requests;
    RingCap replies;
    RingSender sender;
    RingReceiver receiver;

    static constexpr SignalBit reply_bit { 0 };
    static constexpr SignalBit space_bit { 1 };
    static constexpr SignalBit timeout_bit { 2 };

    static ErrorOr<EchoClient> bind(RingCap requests, RingCap replies)
    {
        auto sender = TRY(RingSender::bind(requests, echo_schema_id, space_bit));
        auto receiver = TRY(RingReceiver::bind(replies, echo_schema_id, reply_bit));
        return EchoClient { std::move(requests), std::move(replies), sender, receiver };
    }

    ErrorOr<void> rebind()
    {
        sender = TRY(RingSender::bind(requests, echo_schema_id, space_bit));
        receiver = TRY(RingReceiver::bind(replies, echo_schema_id, reply_bit));
        return {};
    }

    /* Sends `text`, returns the reply's length in `reply` (or PeerRestarted / TimedOut). */
    ErrorOr<usize> call(std::string_view text, std::span<u8> reply)
    {
        while (true) {
            auto sent = sender.try_send(as_bytes(text));
            if (!sent.is_error())
                break;
            if (sent.error().code() != ErrorCode::Full)
                return sent.release_error();
            (void)system::wait(space_bit.mask());
        }
        u64 deadline = deadline_after(Duration::from_seconds(5));
        while (true) {
            auto received = receiver.try_receive(reply);
            if (!received.is_error())
                return received.value().length;
            if (received.error().code() != ErrorCode::Empty)
                return received.release_error();
            if (system::wait_until(reply_bit.mask(), deadline, timeout_bit) == timeout_bit.mask())
                return Error(ErrorCode::TimedOut, "no reply within 5 s");
        }
    }
};

}

ErrorOr<i32> supervision_check(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto client = TRY(EchoClient::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies"))));
    u8 reply[crashtest::slot_size];

    usize length = TRY(client.call("hello", reply));
    if (as_text(std::span<u8 const>(reply, length)) != "hello")
        return Error(ErrorCode::MalformedMessage, "the echo differs from the request");
    TRY(print_line(console, "supervision: echo \"hello\" ok"));

    auto crashed = client.call("crash", reply);
    if (!crashed.is_error() || crashed.error().code() != ErrorCode::PeerRestarted) {
        TRY(print_line(console, "supervision: the crash request did not end in peer-restarted"));
        return 1;
    }
    TRY(print_line(console, "supervision: crash request -> error {} ok", error_code_name(crashed.error().code())));

    TRY(client.rebind());
    length = TRY(client.call("again", reply));
    if (as_text(std::span<u8 const>(reply, length)) != "again")
        return Error(ErrorCode::MalformedMessage, "the echo differs from the request");
    TRY(print_line(console, "supervision: echo \"again\" after the restart ok"));
    return 0;
}

}
