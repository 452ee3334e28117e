/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The signals image's Tasks: a timer bit and an interrupt bit each wake the Task waiting on
 * them, and a tight producer/consumer pair over a small Ring never loses a doorbell.
 */

#include <crashtest/Echo.h>
#include <vectra/System.h>

#include <vectra/concurrent/Endpoints.h>
#include <vectra/Try.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>

VECTRA_TASK_ENTRY(signals_check);
VECTRA_TASK_ENTRY(counter_producer);

namespace vectra::task_entries {

namespace {

constexpr u32 counter_messages = 20000;

ErrorOr<void> expect(bool condition, char const* what)
{
    if (!condition)
        return Error(ErrorCode::InvalidArgument, what);
    return {};
}

}

ErrorOr<i32> signals_check(Bundle& bundle)
{
    constexpr SignalBit doorbell_bit { 0 };
    constexpr SignalBit timer_bit { 7 };
    constexpr SignalBit interrupt_bit { 9 };
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto irq = TRY(bundle.take<IrqCap>("irq"));
    auto counter = TRY(bundle.take<RingCap>("counter"));

    /* 1. A timer bit: arm a TimerCap 3 ms out and wait on its bit alone. */
    auto timer = TRY(system::create_timer(memory, timer_bit));
    MonotonicInstant deadline = monotonic_now() + Duration::from_milliseconds(3);
    TRY(system::arm_timer(timer, deadline.nanoseconds_since_boot()));
    u64 bits = system::wait(timer_bit.mask());
    TRY(expect(bits == timer_bit.mask(), "woke on another bit than the timer's"));
    TRY(expect(monotonic_now() >= deadline, "the timer bit came early"));
    TRY(print_line(console, "signals: timer bit woke the waiting Task ok"));

    /* 2. An interrupt bit: route the software interrupt line to a bit, trigger it, wait. */
    TRY(system::bind_interrupt(irq, interrupt_bit));
    TRY(system::trigger_software_interrupt(irq));
    bits = system::wait(interrupt_bit.mask());
    TRY(expect(bits == interrupt_bit.mask(), "woke on another bit than the interrupt's"));
    TRY(print_line(console, "signals: interrupt line {} woke the waiting Task ok", TRY(system::interrupt_line(irq))));

    /* 3. A tight loop over a small Ring: every message arrives, in order, woken only by doorbells. */
    auto receiver = TRY(endpoint::bind_receiver(counter, crashtest::counter_schema_id, doorbell_bit));
    u32 expected = 1;
    while (expected <= counter_messages) {
        auto burst = TRY(receiver.receive_burst(64, [&](std::span<u8 const> message) {
            u32 value = 0;
            __builtin_memcpy(&value, message.data(), sizeof(value));
            if (value == expected)
                ++expected;
            else
                expected = counter_messages + 2; /* out of order: fail below */
        }));
        if (expected > counter_messages + 1)
            break;
        if (burst == 0) {
            (void)system::wait(doorbell_bit.mask());
        }
    }
    TRY(expect(expected == counter_messages + 1, "a message was lost or out of order"));
    TRY(print_line(console, "signals: {} messages over an 8-slot Ring, none lost ok", counter_messages));
    TRY(print_line(console, "signals: passed"));
    return 0;
}

ErrorOr<i32> counter_producer(Bundle& bundle)
{
    constexpr SignalBit space_bit { 1 };
    auto counter = TRY(bundle.take<RingCap>("counter"));
    auto sender = TRY(endpoint::bind_sender(counter, crashtest::counter_schema_id, space_bit));
    for (u32 value = 1; value <= counter_messages;) {
        u32 burst[4];
        std::span<u8 const> messages[4];
        usize count = 0;
        for (; count < 4 && value + count <= counter_messages; ++count) {
            burst[count] = value + static_cast<u32>(count);
            messages[count] = std::span<u8 const>(reinterpret_cast<u8 const*>(&burst[count]), sizeof(u32));
        }
        auto sent = sender.try_send_burst(std::span<std::span<u8 const> const>(messages, count));
        if (sent.is_error()) {
            if (sent.error().code() != ErrorCode::Full)
                return sent.release_error();
            (void)system::wait(space_bit.mask());
            continue;
        }
        value += static_cast<u32>(sent.value());
    }
    return 0;
}

}
