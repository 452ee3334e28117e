/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * @name@'s check Task, run by images/@name@: sends one request and expects its echo. A service
 * that never answers is caught by the image oracle's timeout.
 */

#include <@name@/Protocol.h>
#include <vectra/Bytes.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>

VECTRA_TASK_ENTRY(@name@_check);

namespace vectra::task_entries {

ErrorOr<i32> @name@_check(Bundle& bundle)
{
    namespace protocol = services::@name@;
    constexpr SignalBit reply_bit { 0 };
    constexpr SignalBit space_bit { 1 };

    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto outbox = TRY(RingSender::bind(requests, protocol::schema_id, space_bit));
    auto inbox = TRY(RingReceiver::bind(replies, protocol::schema_id, reply_bit));

    TRY(outbox.try_send(as_bytes("hello"))); /* a new Ring has room */
    u8 reply[protocol::ring_slot_size];
    for (;;) {
        auto received = inbox.try_receive(reply);
        if (!received.is_error()) {
            if (as_text(std::span<u8 const>(reply, received.value().length)) != "hello") {
                TRY(print_line(console, "@name@-check: the reply differs from the request"));
                return 1;
            }
            break;
        }
        if (received.error().code() != ErrorCode::Empty)
            return received.release_error();
        (void)system::wait(reply_bit.mask());
    }
    TRY(print_line(console, "@name@-check: echo \"hello\" ok"));
    TRY(print_line(console, "@name@-check: passed"));
    return 0;
}

}
