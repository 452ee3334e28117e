/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * images/preempt's check (ADR 0018). Beside it a Network-band Task spins without ever calling
 * the kernel; without preemption this Task would never run again after its first wait.
 *
 * Each of 200 wake-ups, 10 ms apart on a Timer, measures its delay — how much later than the
 * deadline the Task ran — and then runs one chunk of SIMD work of its own (32 integer lanes of a
 * recurrence, checked lane by lane against the same recurrence recomputed one lane at a time)
 * while the spinner's own SIMD registers wait in its saved state. The worst delay must stay
 * within one slice plus a stated emulator margin; a missed preemption costs the spinner's whole
 * run, i.e. the test times out.
 */

#include <vectra/ClockAndEntropy.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>

VECTRA_TASK_ENTRY(preempt_check);

namespace vectra::task_entries {

namespace {

constexpr SignalBit timer_bit { 7 };
constexpr u32 wake_ups = 200;
constexpr u64 period_nanoseconds = 10'000'000;
/* The interrupt path and the switch, under QEMU with -icount (the oracle: guest time follows
   instructions, so a loaded host cannot stretch it). */
constexpr u64 emulator_margin_nanoseconds = 500'000;

using Words = u32 __attribute__((vector_size(16)));
constexpr usize vector_count = 8;
constexpr u32 steps_per_chunk = 1 << 10;
constexpr u32 multiplier = 1'664'525;
constexpr u32 increment = 1'013'904'223;

ErrorOr<void> expect(bool condition, char const* what)
{
    if (!condition)
        return Error(ErrorCode::InvalidArgument, what);
    return {};
}

/* One chunk of a linear congruential recurrence in 32 SIMD lanes, then each lane recomputed alone. */
ErrorOr<void> checked_simd_chunk(u32 seed)
{
    Words lanes[vector_count];
    for (usize index = 0; index < vector_count; ++index)
        for (usize lane = 0; lane < 4; ++lane)
            lanes[index][lane] = seed + u32(4 * index + lane);
    for (u32 step = 0; step < steps_per_chunk; ++step) {
        for (usize index = 0; index < vector_count; ++index)
            lanes[index] = lanes[index] * multiplier + increment;
    }
    for (usize index = 0; index < vector_count; ++index) {
        for (usize lane = 0; lane < 4; ++lane) {
            u32 value = seed + u32(4 * index + lane);
            for (u32 step = 0; step < steps_per_chunk; ++step)
                value = value * multiplier + increment;
            TRY(expect(lanes[index][lane] == value, "a SIMD lane differs from its recomputation"));
        }
    }
    return {};
}

}

ErrorOr<i32> preempt_check(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto timer = TRY(system::create_timer(memory, timer_bit));

    u64 worst = 0;
    u64 total = 0;
    u64 deadline = system::monotonic_nanoseconds() + period_nanoseconds;
    for (u32 count = 0; count < wake_ups; ++count) {
        TRY(system::arm_timer(timer, deadline));
        u64 bits = system::wait(timer_bit.mask());
        u64 now = system::monotonic_nanoseconds();
        TRY(expect(bits == timer_bit.mask(), "woke on another bit than the timer's"));
        TRY(expect(now >= deadline, "the timer bit came early"));
        u64 delay = now - deadline;
        worst = delay > worst ? delay : worst;
        total += delay;
        TRY(checked_simd_chunk(count * 7919));
        deadline += period_nanoseconds;
        if (deadline <= now)
            deadline = now + period_nanoseconds;
    }
    TRY(print_line(console, "preempt: {} wake-ups 10 ms apart beside a spinning Task: worst delay {} us, mean {} us",
        wake_ups, worst / 1000, total / wake_ups / 1000));
    u64 bound = preemption_slice_nanoseconds + emulator_margin_nanoseconds;
    TRY(print_line(console, "preempt: worst delay {} us within the slice {} us + emulator margin {} us: {}", worst / 1000,
        preemption_slice_nanoseconds / 1000, emulator_margin_nanoseconds / 1000, worst <= bound ? "ok" : "FAILED"));
    TRY(expect(worst <= bound, "a wake-up came later than one slice and the margin"));
    TRY(print_line(console, "preempt: {} SIMD chunks checked while the spinner was preempted: ok", wake_ups));
    TRY(print_line(console, "preempt: passed"));
    return 0;
}

}
