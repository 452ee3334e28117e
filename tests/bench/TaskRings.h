/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What the executor benchmarks' ping-pong Tasks share (BenchPrimitives.cpp, BenchSmp.cpp): their
 * two Ring ends taken from their Bundles ("out", "in") and bound in their own capability space,
 * and a receive that parks the Task on its doorbell while the Ring is empty.
 */

#pragma once

#include "BenchSupport.h"
#include <vectra/Bundle.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Ring.h>
#include <vectra/Try.h>

namespace vectra::bench {

struct RingEnds {
    RingProducer sender;
    RingConsumer receiver;
};

/* Binds the Task's "out" Ring as producer (space bit) and its "in" Ring as consumer (doorbell bit). */
inline ErrorOr<RingEnds> bind_ends(Bundle& bundle, u64 schema, SignalBit space_bit, SignalBit doorbell_bit)
{
    auto& self = this_task();
    auto out = TRY(bundle.take<RingCap>("out"));
    auto in = TRY(bundle.take<RingCap>("in"));
    auto sender = TRY(RingProducer::bind(self.capabilities(), out, schema, self.signals(), space_bit));
    auto receiver = TRY(RingConsumer::bind(self.capabilities(), in, schema, self.signals(), doorbell_bit));
    return RingEnds { sender, receiver };
}

/* Receives one u64, parking on the doorbell while the Ring is empty. */
inline ErrorOr<u64> receive_waiting(RingConsumer& receiver)
{
    for (;;) {
        u64 value = 0;
        auto received = receiver.try_receive(writable_bytes_of(value));
        if (!received.is_error())
            return value;
        if (received.error().code() != ErrorCode::Empty)
            return received.release_error();
        (void)wait(receiver.doorbell().mask());
    }
}

}
