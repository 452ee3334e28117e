/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "Requests.h"
#include <vectra/System.h>
#include <vectra/Try.h>

namespace vectra::virtiorng {

namespace {

constexpr u64 answer_timeout_nanoseconds = 1'000'000'000;
constexpr SignalBit timeout_bit { 9 };

}

ErrorOr<Outcome> read_requests(ConsoleCap const& console, ReticleCap const& memory, Transport& transport, driver::VirtioQueue& queue)
{
    /* One page for the buffers the device fills, and the device's view of it. */
    auto shared = TRY(system::create_memory(memory, 4096));
    auto bytes = TRY(system::map_memory(shared));
    u64 device_base = TRY(transport.dma_address(shared));
    u8* buffers = bytes.data();
    Outcome outcome;
    for (usize request = 0; request < requests; ++request) {
        virtio::Segment segment { device_base + request * request_bytes, request_bytes, true };
        TRY(queue.ring.submit({ &segment, 1 }, request));
        if (queue.ring.publish())
            transport.notify();
        u64 deadline = system::monotonic_nanoseconds() + answer_timeout_nanoseconds;
        for (;;) {
            /* Sleep until the device signals (or the deadline passes); look at the ring only then. */
            u64 woken = system::wait_until(queue_bit.mask(), deadline, timeout_bit);
            if (!(woken & queue_bit.mask()))
                return Error(ErrorCode::TimedOut, "the device did not interrupt within a second");
            transport.take_interrupt_status();
            outcome.interrupts = TRY(system::acknowledge_interrupt(queue.interrupt));
            auto completion = queue.ring.take_used();
            if (!completion.is_error()) {
                if (completion.value().token != request || completion.value().written == 0)
                    return Error(ErrorCode::MalformedMessage, "the device answered another request, or with nothing");
                TRY(print_line(console, "virtio-rng: request {}: {} bytes", request, completion.value().written));
                break;
            }
            if (completion.error().code() != ErrorCode::NotFound)
                return completion.release_error();
        }
    }
    /* Two requests of entropy are never the same bytes, and never all zero. */
    bool same = true;
    bool zero = true;
    for (usize index = 0; index < request_bytes; ++index) {
        same &= buffers[index] == buffers[request_bytes + index];
        zero &= buffers[index] == 0 && buffers[request_bytes + index] == 0;
    }
    outcome.distinct = !same && !zero;
    TRY(print_line(console, "virtio-rng: {} bytes of entropy in {} requests; {}", requests * request_bytes, requests,
        outcome.distinct ? "distinct and non-zero" : "REPEATED OR ZERO"));
    return outcome;
}

}
