/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A Ring server on one CPU answered from another (issue 12: a Ring server on aarch64's second CPU
 * never answered). The client, on the CPU the manifest pins it to, sends a numbered word, raises
 * the software interrupt on its own CPU and waits for both the reply and its interrupt bit; the
 * server answers each word with the word plus one and its CPU. So every round a cross-CPU wake
 * goes each way, and an interrupt handler on the client's CPU wants the big kernel lock while the
 * server's CPU is in and out of it — the aarch64 lock wait that napped inside a handler, where
 * nothing could end its wfi (GicRegisters.h, ADR 0034 amendment), hung the image here.
 */

#include <smpcheck/Bounce.h>
#include <vectra/Ring.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/config.h>

VECTRA_TASK_ENTRY(smp_bounce_server);
VECTRA_TASK_ENTRY(smp_bounce_client);

namespace vectra::task_entries {

namespace {

/* A fiftieth of a stream's words: 2 000 rounds on aarch64, 100 on x86_64, 20 000 on hosted. */
constexpr u64 rounds = CONFIG_SMPCHECK_MESSAGES / 50 > 0 ? CONFIG_SMPCHECK_MESSAGES / 50 : 1;
constexpr u64 round_bits = (u64(1) << 56) - 1;
constexpr SignalBit doorbell_bit { 0 };
constexpr SignalBit space_bit { 1 };
constexpr SignalBit interrupt_bit { 2 };

ErrorOr<void> send_word(RingSender& sender, u64 word)
{
    for (;;) {
        auto sent = sender.try_send({ reinterpret_cast<u8 const*>(&word), sizeof(word) });
        if (!sent.is_error())
            return {};
        if (sent.error().code() != ErrorCode::Full)
            return sent.release_error();
        (void)system::wait(space_bit.mask());
    }
}

/* The next word, or Empty. */
ErrorOr<u64> try_receive_word(RingReceiver& receiver)
{
    u64 word = 0;
    TRY(receiver.try_receive({ reinterpret_cast<u8*>(&word), sizeof(word) }));
    return word;
}

}

ErrorOr<i32> smp_bounce_server(Bundle& bundle)
{
    auto receiver = TRY(RingReceiver::bind(TRY(bundle.take<RingCap>("requests")), smpcheck::bounce_schema_id, doorbell_bit));
    auto sender = TRY(RingSender::bind(TRY(bundle.take<RingCap>("replies")), smpcheck::bounce_schema_id, space_bit));
    u64 cpu = system::self_status().processor;
    for (u64 served = 0; served < rounds;) {
        auto word = try_receive_word(receiver);
        if (word.is_error()) {
            if (word.error().code() != ErrorCode::Empty)
                return word.release_error();
            (void)system::wait(doorbell_bit.mask());
            continue;
        }
        TRY(send_word(sender, cpu << 56 | ((word.value() + 1) & round_bits)));
        ++served;
    }
    return 0;
}

ErrorOr<i32> smp_bounce_client(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto irq = TRY(bundle.take<IrqCap>("irq"));
    auto sender = TRY(RingSender::bind(TRY(bundle.take<RingCap>("requests")), smpcheck::bounce_schema_id, space_bit));
    auto receiver = TRY(RingReceiver::bind(TRY(bundle.take<RingCap>("replies")), smpcheck::bounce_schema_id, doorbell_bit));
    TRY(system::bind_interrupt(irq, interrupt_bit));
    u32 cpu = system::self_status().processor;
    u64 server_cpu = 0;
    u64 start = system::monotonic_nanoseconds();
    for (u64 round = 1; round <= rounds; ++round) {
        TRY(send_word(sender, round));
        TRY(system::trigger_software_interrupt(irq));
        bool answered = false;
        bool interrupted = false;
        while (!answered || !interrupted) {
            if (!answered) {
                auto reply = try_receive_word(receiver);
                if (!reply.is_error()) {
                    if ((reply.value() & round_bits) != round + 1) {
                        TRY(print_line(console, "smp_bounce: FAILED: round {} answered {}", round, reply.value() & round_bits));
                        return 1;
                    }
                    server_cpu = reply.value() >> 56;
                    answered = true;
                    continue;
                }
                if (reply.error().code() != ErrorCode::Empty)
                    return reply.release_error();
            }
            u64 bits = system::wait((answered ? 0 : doorbell_bit.mask()) | (interrupted ? 0 : interrupt_bit.mask()));
            interrupted |= (bits & interrupt_bit.mask()) != 0;
        }
    }
    u64 milliseconds = (system::monotonic_nanoseconds() - start) / 1'000'000;
    TRY(print_line(console,
        "smp_bounce: {} requests from cpu {} answered by a Ring server on cpu {} in {} ms, each with a software interrupt taken on cpu {} meanwhile",
        rounds, cpu, server_cpu, milliseconds, cpu));
    return 0;
}

}
