/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The witness of images/isolation: a Task without a domain holding the consumer end of the
 * Ring hostile_ring writes raw bytes into. Raw bytes in a slot are not a message — head and
 * tail are the kernel's, outside every domain — so nothing may have arrived. And errno, which
 * hostile_library overwrote in its domain's copy of the shared libraries' data, is still the
 * one the Tasks outside any domain share.
 */

#include <crashtest/Isolation.h>
#include <vectra/Ring.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/libc/Libc.h>

VECTRA_TASK_ENTRY(isolation_witness);

namespace vectra::task_entries {

ErrorOr<i32> isolation_witness(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto ring = TRY(bundle.take<RingCap>("bait"));
    auto receiver = TRY(RingReceiver::bind(ring, crashtest::bait_schema_id, SignalBit(0)));
    /*
     * Spawned last, it runs first: let every hostile Task make its attempts before looking. They
     * never block, so under emulation they are done long before this deadline.
     */
    constexpr SignalBit pause_bit { 5 };
    (void)system::wait_until(0, deadline_after(Duration::from_milliseconds(300)), pause_bit);
    u8 buffer[64];
    auto received = receiver.try_receive(buffer);
    if (!received.is_error()) {
        TRY(print_line(console, "isolation-witness: a message arrived on the bait Ring"));
        return 1;
    }
    TRY(print_line(console, "isolation-witness: the bait Ring holds no message ({})",
        error_code_name(received.error().code())));
    int error_number = *libc::error_number_location();
    if (error_number == 0x0a736579) { /* "yes\n", as hostile_library wrote it into its own copy */
        TRY(print_line(console, "isolation-witness: errno holds what a domain wrote into its copy"));
        return 1;
    }
    TRY(print_line(console, "isolation-witness: errno is untouched by the domains ({})", error_number));
    return 0;
}

}
