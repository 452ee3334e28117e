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
VECTRA_TASK_ENTRY(smp_slice_sleeper);

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
constexpr u32 slice_sleeper_waits = 150;
/* Not a multiple of the slice nor of image preempt's 10 ms period: the CPUs' deadlines interleave. */
constexpr u64 slice_sleeper_period_nanoseconds = 7'000'000;
/* Its own period: each wait ends before the next would have been due. Not one slice: under
   -icount one wait in 150 comes 4.5-4.8 ms late, the same one every boot (likeliest, not traced:
   a wake-up that finds the big kernel lock held pauses, and the one host thread running the vCPUs
   in turn gives cpu 0 its whole turn). The slices' own check is preempt's worst delay on cpu 0. */
constexpr u64 slice_sleeper_lateness_limit_nanoseconds = slice_sleeper_period_nanoseconds;

u32 this_processor() { return system::self_status().processor; }

/* `rounds` timed waits of `period` each on this CPU: the worst lateness; a wake-up before its
   deadline is said (FAILED) and ends the Task. */
ErrorOr<u64> timed_waits(ConsoleCap const& console, char const* who, u32 cpu, u32 rounds, u64 period)
{
    u64 worst = 0;
    for (u32 round = 0; round < rounds; ++round) {
        u64 deadline = system::monotonic_nanoseconds() + period;
        (void)system::wait_until(0, deadline, sleep_bit);
        u64 now = system::monotonic_nanoseconds();
        if (now < deadline) {
            TRY(print_line(console, "{}: FAILED: woke {} ns before its deadline on cpu {}", who, deadline - now, cpu));
            return Error(ErrorCode::InvalidArgument, "a timed wait ended before its deadline");
        }
        worst = now - deadline > worst ? now - deadline : worst;
    }
    return worst;
}

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
 * ones. A wake-up before its deadline, or one more than 1 s late (TCG on a loaded host delays
 * single wake-ups by up to half a second), fails at once. Lateness alone does not tell a deadline
 * per CPU from one shared by all (ADR 0033 amendment: the executor re-arms its own deadline each
 * time its CPU idles and checks the clock on every interrupt, so any interrupt on the CPU rescues
 * the wait); smp_slice_sleeper checks where the deadlines are reported.
 */
ErrorOr<i32> smp_sleeper(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    u32 cpu = this_processor();
    u64 period = cpu == 0 ? 1'500'000'000 : 3'000'000;
    u32 rounds = cpu == 0 ? 2 : 300;
    u64 worst = TRY(timed_waits(console, "smp_sleeper", cpu, rounds, period));
    if (worst > sleeper_lateness_limit_nanoseconds) {
        TRY(print_line(console, "smp_sleeper: FAILED: a wake-up on cpu {} came {} us late", cpu, worst / 1000));
        return 1;
    }
    TRY(print_line(console, "smp_sleeper: {} waits of {} ms on cpu {}, each woke, worst {} us late", rounds,
        period / 1'000'000, cpu, worst / 1000));
    return 0;
}

/*
 * Image preempt (ADR 0033 amendment): pinned to cpu 1 while cpu 0 preempts a spinning domain
 * Task every slice, so the two CPUs' deadlines interleave (cpu 1 arms one 7 ms out each time it
 * idles; cpu 0 one 1 ms out at each slice). Each wait must end before the next would be due, and
 * the platform must have reported at least one deadline interrupt to cpu 1's executor per wait:
 * the CPU whose deadline passed hears about it (ADR 0033 section 1). With one deadline shared by
 * both CPUs (tried by hand: Time.cpp's per-CPU lookup made to return entry 0) cpu 1's deadlines
 * are overwritten by cpu 0's slice ends; cpu 1's timer still fires and wakes it, so the executor
 * finds the expired wait on its own and the lateness stays small, but cpu 1 heard 0 of 150.
 */
ErrorOr<i32> smp_slice_sleeper(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto before = system::self_status();
    u32 cpu = before.processor;
    u64 worst = TRY(timed_waits(console, "smp_slice_sleeper", cpu, slice_sleeper_waits, slice_sleeper_period_nanoseconds));
    auto after = system::self_status();
    bool within = worst <= slice_sleeper_lateness_limit_nanoseconds;
    TRY(print_line(console, "smp_slice_sleeper: {} waits of {} ms on cpu {}, worst {} us late (limit {} us): {}",
        slice_sleeper_waits, slice_sleeper_period_nanoseconds / 1'000'000, cpu, worst / 1000,
        slice_sleeper_lateness_limit_nanoseconds / 1000, within ? "ok" : "FAILED"));
    /* Each wait parks this CPU with its deadline armed on this CPU's timer: the platform must
       report each one here, where it passed. A deadline shared by the CPUs reports cpu 1's
       deadlines late, on cpu 0, or not at all (the executor's own clock checks still wake the
       Task, which is why lateness alone cannot tell). */
    u64 heard = after.processor_deadline_interrupts - before.processor_deadline_interrupts;
    bool reported = after.processor == cpu && heard >= slice_sleeper_waits;
    TRY(print_line(console, "smp_slice_sleeper: cpu {} heard {} deadline interrupts for {} waits: {}", cpu, heard,
        slice_sleeper_waits, reported ? "ok" : "FAILED"));
    return within && reported ? 0 : 1;
}

}
