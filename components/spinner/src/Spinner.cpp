/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * images/preempt's spinning Task. After raising its ready bit it never calls the kernel again:
 * each round adds a per-lane step to sixteen double-precision lanes (eight 128-bit vectors the
 * compiler keeps in registers) a million times over, then checks every lane exactly (integers
 * below 2^53 add exactly). A preemption that lost or mixed up any vector register, or FPCR/MXCSR,
 * shows as a wrong lane; the Task then prints what it found and fails. It never ends otherwise.
 */

#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>

VECTRA_TASK_ENTRY(spinner);

namespace vectra::task_entries {

namespace {

using Lanes = double __attribute__((vector_size(16)));
constexpr usize vector_count = 8;
constexpr u64 additions_per_round = 1 << 20;

/* Read through a volatile each time, so the compiler cannot fold the loop into a product. */
volatile double s_step_scale = 1.0;

}

ErrorOr<i32> spinner(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    TRY(print_line(console, "spinner: spinning on FP/SIMD work, no kernel calls from here on"));
    TRY(system::raise(ready));
    for (u64 round = 1;; ++round) {
        Lanes sums[vector_count] {};
        for (u64 addition = 0; addition < additions_per_round; ++addition) {
            double scale = s_step_scale;
            for (usize index = 0; index < vector_count; ++index)
                sums[index] += Lanes { scale * double(2 * index + 1), scale * double(2 * index + 2) };
        }
        for (usize index = 0; index < vector_count; ++index) {
            for (usize lane = 0; lane < 2; ++lane) {
                double expected = double(additions_per_round) * double(2 * index + 1 + lane);
                if (sums[index][lane] != expected) {
                    TRY(print_line(console, "spinner: FP/SIMD state corrupted in round {}: lane {} is {} instead of {}",
                        round, 2 * index + lane, u64(sums[index][lane]), u64(expected)));
                    return Error(ErrorCode::InvalidArgument, "FP/SIMD state corrupted");
                }
            }
        }
    }
}

}
