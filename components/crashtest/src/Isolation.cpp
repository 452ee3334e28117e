/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The witness of images/isolation: a Task without a domain holding the consumer end of the
 * Ring hostile_ring writes raw bytes into. Raw bytes in a slot are not a message — head and
 * tail are the kernel's, outside every domain — so nothing may have arrived.
 */

#include <crashtest/Isolation.h>
#include <vectra/Ring.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>

VECTRA_TASK_ENTRY(isolation_witness);

namespace vectra::task_entries {

ErrorOr<i32> isolation_witness(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto ring = TRY(bundle.take<RingCap>("bait"));
    auto receiver = TRY(RingReceiver::bind(ring, crashtest::bait_schema_id, SignalBit(0)));
    u8 buffer[64];
    auto received = receiver.try_receive(buffer);
    if (!received.is_error()) {
        TRY(print_line(console, "isolation-witness: a message arrived on the bait Ring"));
        return 1;
    }
    TRY(print_line(console, "isolation-witness: the bait Ring holds no message ({})",
        error_code_name(received.error().code())));
    return 0;
}

}
