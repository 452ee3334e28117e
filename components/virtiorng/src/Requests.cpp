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

/* One request of `request_bytes` at `offset` in the buffers; returns the bytes the device wrote. */
ErrorOr<u32> request_once(Buffers const& buffers, usize offset, u16 token, driver::VirtioDevice& device,
    driver::VirtioQueue& queue, u64& interrupts)
{
    virtio::Segment segment { buffers.device_address + offset, request_bytes, true };
    TRY(queue.ring.submit({ &segment, 1 }, token));
    if (queue.ring.publish())
        device.notify(queue.index);
    u64 deadline = system::monotonic_nanoseconds() + answer_timeout_nanoseconds;
    for (;;) {
        /* Sleep until the device signals (or the deadline passes); look at the ring only then. */
        u64 woken = system::wait_until(queue_bit.mask(), deadline, timeout_bit);
        if (!(woken & queue_bit.mask()))
            return Error(ErrorCode::TimedOut, "the device did not interrupt within a second");
        device.interrupted(queue);
        interrupts = TRY(system::acknowledge_interrupt(queue.interrupt));
        auto completion = queue.ring.take_used();
        if (!completion.is_error()) {
            if (completion.value().token != token || completion.value().written == 0
                || completion.value().written > request_bytes)
                return Error(ErrorCode::MalformedMessage, "the device answered another request, with nothing or with too much");
            return completion.value().written;
        }
        if (completion.error().code() != ErrorCode::NotFound)
            return completion.release_error();
    }
}

void wipe(std::span<u8> bytes)
{
    auto* volatile_bytes = static_cast<u8 volatile*>(bytes.data());
    for (usize index = 0; index < bytes.size(); ++index)
        volatile_bytes[index] = 0;
}

}

ErrorOr<Buffers> create_buffers(ReticleCap const& memory, driver::VirtioDevice& device)
{
    /* One page for the buffers the device fills, and the device's view of it. */
    auto shared = TRY(system::create_memory(memory, 4096));
    auto bytes = TRY(system::map_memory(shared));
    u64 device_address = TRY(device.dma_address(shared));
    return Buffers { std::move(shared), bytes, device_address };
}

ErrorOr<Outcome> read_requests(ConsoleCap const& console, Buffers const& shared, driver::VirtioDevice& device, driver::VirtioQueue& queue)
{
    u8* buffers = shared.bytes.data();
    Outcome outcome;
    for (usize request = 0; request < requests; ++request) {
        u32 written = TRY(request_once(shared, request * request_bytes, u16(request), device, queue, outcome.interrupts));
        if (written != request_bytes)
            return Error(ErrorCode::MalformedMessage, "the device filled a start-up request only in part");
        TRY(print_line(console, "virtio-rng: request {}: {} bytes", request, written));
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

ErrorOr<i32> serve(ConsoleCap const& console, DeviceCap const& entropy, SignalCap const& ready, Buffers const& buffers,
    driver::VirtioDevice& device, driver::VirtioQueue& queue)
{
    auto start_up = buffers.bytes.first(requests * request_bytes);
    u32 credited = TRY(system::entropy_feed(entropy, start_up, start_up.size()));
    wipe(start_up);
    TRY(print_line(console, "virtio-rng: fed the kernel's pool {} bytes, {} credited; reseeding every {} s", start_up.size(),
        credited, CONFIG_VIRTIO_RNG_RESEED_SECONDS));
    if (credited < 32)
        return Error(ErrorCode::Empty, "the kernel's pool credited fewer than 32 bytes of the start-up requests");
    TRY(system::raise(ready));
    u64 interrupts = 0;
    for (u64 round = 1;; ++round) {
        (void)system::wait_until(0, system::monotonic_nanoseconds() + reseed_nanoseconds, timeout_bit);
        u32 written = TRY(request_once(buffers, 0, u16(requests + (round % 1000)), device, queue, interrupts));
        auto fresh = buffers.bytes.first(written);
        credited = TRY(system::entropy_feed(entropy, fresh, written));
        wipe(fresh);
        TRY(print_line(console, "virtio-rng: reseed {}: fed {} bytes, {} credited", round, written, credited));
    }
}

}
