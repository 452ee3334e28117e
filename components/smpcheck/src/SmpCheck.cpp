/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * images/smp's Tasks (ADR 0026). Producers and consumers, each pinned to its own CPU by the boot
 * manifest, stream numbered words through one-way Rings: the consumer checks every word arrives
 * once and in order, so a lost doorbell or space bit hangs the stream (the image's timeout) and
 * a torn or repeated slot fails it. A spinner pinned to one CPU keeps it without a kernel call
 * while movable workers placed there wait: only an idle CPU stealing them lets them finish
 * before it does. Each says which CPUs it ran on (self_status); the kernel's per-CPU counters at
 * power off say the rest.
 */

#include <smpcheck/Stream.h>
#include <vectra/Ring.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/config.h>

VECTRA_TASK_ENTRY(smp_producer);
VECTRA_TASK_ENTRY(smp_consumer);
VECTRA_TASK_ENTRY(smp_spinner);
VECTRA_TASK_ENTRY(smp_worker);
VECTRA_TASK_ENTRY(smp_sleeper);

namespace vectra::task_entries {

namespace {

constexpr u64 messages = CONFIG_SMPCHECK_MESSAGES;
constexpr u64 sequence_bits = (u64(1) << 56) - 1;
constexpr SignalBit doorbell_bit { 0 };
constexpr SignalBit space_bit { 1 };
constexpr u32 worker_chunks = 40;
constexpr u64 chunk_nanoseconds = 2'000'000;
constexpr SignalBit sleep_bit { 0 };
constexpr u64 sleeper_lateness_limit_nanoseconds = 1'000'000'000;

u32 this_processor() { return system::self_status().processor; }

}

ErrorOr<i32> smp_producer(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto sender = TRY(RingSender::bind(TRY(bundle.take<RingCap>("stream")), smpcheck::stream_schema_id, space_bit));
    u64 cpu = this_processor();
    for (u64 sequence = 1; sequence <= messages;) {
        u64 word = cpu << 56 | sequence;
        auto sent = sender.try_send({ reinterpret_cast<u8 const*>(&word), sizeof(word) });
        if (!sent.is_error()) {
            ++sequence;
            continue;
        }
        if (sent.error().code() != ErrorCode::Full)
            return sent.release_error();
        (void)system::wait(space_bit.mask());
    }
    TRY(print_line(console, "smp_producer: sent {} messages from cpu {}", messages, cpu));
    return 0;
}

ErrorOr<i32> smp_consumer(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto receiver = TRY(RingReceiver::bind(TRY(bundle.take<RingCap>("stream")), smpcheck::stream_schema_id, doorbell_bit));
    u64 start = system::monotonic_nanoseconds();
    u64 sender_cpu = 0;
    for (u64 expected = 1; expected <= messages;) {
        u64 word = 0;
        auto received = receiver.try_receive({ reinterpret_cast<u8*>(&word), sizeof(word) });
        if (received.is_error()) {
            if (received.error().code() != ErrorCode::Empty)
                return received.release_error();
            (void)system::wait(doorbell_bit.mask());
            continue;
        }
        if ((word & sequence_bits) != expected) {
            TRY(print_line(console, "smp_consumer: FAILED: word {} where {} was due", word & sequence_bits, expected));
            return 1;
        }
        sender_cpu = word >> 56;
        ++expected;
    }
    u64 milliseconds = (system::monotonic_nanoseconds() - start) / 1'000'000;
    u32 cpu = this_processor();
    TRY(print_line(console, "smp_consumer: {} messages from cpu {} to cpu {} in {} ms, each once and in order", messages,
        sender_cpu, cpu, milliseconds));
    /* Which CPUs the stream crossed is the oracle's to judge: where only CPU 0 runs Tasks
       (x86_64, aarch64 this round) both ends are cpu 0. */
    return 0;
}

ErrorOr<i32> smp_spinner(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    u32 cpu = this_processor();
    u64 until = system::monotonic_nanoseconds() + u64(CONFIG_SMPCHECK_SPIN_MILLISECONDS) * 1'000'000;
    while (system::monotonic_nanoseconds() < until) {
        /* No kernel call: nothing else runs on this CPU meanwhile. */
    }
    TRY(print_line(console, "smp_spinner: held cpu {} for {} ms", cpu, CONFIG_SMPCHECK_SPIN_MILLISECONDS));
    return 0;
}

ErrorOr<i32> smp_worker(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    TaskStatus first = system::self_status();
    u32 ran_on = 0; /* bit n: CPU n ran a chunk */
    for (u32 chunk = 0; chunk < worker_chunks; ++chunk) {
        u64 until = system::monotonic_nanoseconds() + chunk_nanoseconds;
        while (system::monotonic_nanoseconds() < until) {
        }
        ran_on |= u32(1) << system::self_status().processor;
        system::yield();
    }
    TaskStatus last = system::self_status();
    TRY(print_line(console, "smp_worker: placed on cpu {}, ran on cpus {:#x} (bit per CPU), moved {} times", first.processor,
        ran_on, last.migrations));
    return 0;
}

/*
 * Timed waits on whichever CPU the manifest pinned it to: on cpu 0 two long ones (1.5 s), on any
 * other CPU 300 short ones (3 ms), so one CPU keeps a far deadline while another asks for near
 * ones. Each CPU's deadline timer must wake its own Task (ADR 0033). With one deadline shared by
 * all CPUs, cpu 0's far request overwrites the near one, whose CPU then re-arms for the far one
 * (a wake-up about 1.5 s late), or a delivery on one CPU disarms the other's (a wake-up lost: the
 * image's timeout). A wake-up before its deadline, or one more than 1 s late (TCG on a loaded
 * host delays single wake-ups by up to half a second), fails at once.
 */
ErrorOr<i32> smp_sleeper(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    u32 cpu = this_processor();
    u64 period = cpu == 0 ? 1'500'000'000 : 3'000'000;
    u32 rounds = cpu == 0 ? 2 : 300;
    u64 worst = 0;
    for (u32 round = 0; round < rounds; ++round) {
        u64 deadline = system::monotonic_nanoseconds() + period;
        (void)system::wait_until(0, deadline, sleep_bit);
        u64 now = system::monotonic_nanoseconds();
        if (now < deadline) {
            TRY(print_line(console, "smp_sleeper: FAILED: woke {} ns before its deadline on cpu {}", deadline - now, cpu));
            return 1;
        }
        worst = now - deadline > worst ? now - deadline : worst;
    }
    if (worst > sleeper_lateness_limit_nanoseconds) {
        TRY(print_line(console, "smp_sleeper: FAILED: a wake-up on cpu {} came {} us late", cpu, worst / 1000));
        return 1;
    }
    TRY(print_line(console, "smp_sleeper: {} waits of {} ms on cpu {}, each woke, worst {} us late", rounds,
        period / 1'000'000, cpu, worst / 1000));
    return 0;
}

}
