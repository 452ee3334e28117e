/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * entropy_check: High randomness from the kernel's pool (ADR 0025 §3). It runs after every
 * service is ready, so after the entropy driver fed the pool: two HighRng generators seeded
 * from PlatformEntropy (system::entropy) must be granted, and their first 32 bytes must
 * differ and not be zero. On aarch64 without RNDR nothing else credits the pool, so the grant
 * is the driver's doing there; on x86_64 RDRAND credited it at boot as well.
 */

#include <vectra/Entropy.h>
#include <vectra/Random.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>

VECTRA_TASK_ENTRY(entropy_check);

namespace vectra::task_entries {

ErrorOr<i32> entropy_check(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    PlatformEntropy pool;
    auto first = HighRng::create(pool);
    if (first.is_error()) {
        TRY(print_line(console, "entropy-check: High randomness refused: {}", first.error().message()));
        return 1;
    }
    auto second = TRY(HighRng::create(pool));
    u8 one[32] {};
    u8 two[32] {};
    first.value().fill(one);
    second.fill(two);
    bool same = true;
    bool zero = true;
    for (usize index = 0; index < sizeof(one); ++index) {
        same &= one[index] == two[index];
        zero &= one[index] == 0;
    }
    TRY(print_line(console, "entropy-check: High randomness granted from the kernel's pool; two generators {}",
        same || zero ? "REPEATED OR ZERO" : "distinct and non-zero"));
    return same || zero ? 1 : 0;
}

}
