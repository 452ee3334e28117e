/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * @name@'s check Task, run by images/@name@: sends one request and expects its echo. A service
 * that never answers is caught by the image oracle's timeout.
 */

#include <@name@/Protocol.h>
#include <vectra/Bytes.h>
#include <vectra/Executor.h>
#include <vectra/Signal.h>
#include <vectra/Try.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/Entries.h>

namespace vectra::task_entries {

ErrorOr<i32> @name@_check(Bundle& bundle)
{
    namespace protocol = services::@name@;
    constexpr SignalBit reply_bit { 0 };
    constexpr SignalBit space_bit { 1 };

    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto& self = this_task();
    auto outbox = TRY(RingSender::bind(self.capabilities(), requests, protocol::schema_id, self.signals(), space_bit));
    auto inbox = TRY(RingReceiver::bind(self.capabilities(), replies, protocol::schema_id, self.signals(), reply_bit));

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
        (void)wait(reply_bit.mask());
    }
    TRY(print_line(console, "@name@-check: echo \"hello\" ok"));
    TRY(print_line(console, "@name@-check: passed"));
    return 0;
}

}
