/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Entropy on aarch64: the RNDR register when ID_AA64ISAR0_EL1.RNDR says the CPU implements
 * FEAT_RNG (QEMU's cortex-a72 does not; `-cpu max` does). Without it, 0 bytes: the kernel's
 * pool is then credited only by an entropy driver Task (the virtio-rng driver, ADR 0025 §3),
 * and High randomness is refused until one has fed it.
 */

#include "Registers.h"
#include <vectra/platform/Platform.h>

namespace vectra::platform {

namespace {

constexpr int rndr_retries = 10;

[[nodiscard]] bool has_rndr()
{
    u64 features = VECTRA_AARCH64_READ_REGISTER(id_aa64isar0_el1);
    return ((features >> 60) & 0xf) >= 1;
}

/* RNDR is s3_3_c2_c4_0; it sets NZCV to 0b0100 (Z) when it could not return a number. */
[[nodiscard]] bool rndr64(u64& value)
{
    for (int attempt = 0; attempt < rndr_retries; ++attempt) {
        u64 ok;
        asm volatile("mrs %0, s3_3_c2_c4_0\n\tcset %1, ne" : "=r"(value), "=r"(ok) : : "cc");
        if (ok)
            return true;
    }
    return false;
}

[[nodiscard]] usize rndr_entropy(u8* buffer, usize length)
{
    usize gathered = 0;
    while (gathered < length) {
        u64 word;
        if (!rndr64(word))
            break;
        for (usize byte = 0; byte < sizeof(word) && gathered < length; ++byte, ++gathered)
            buffer[gathered] = static_cast<u8>(word >> (8 * byte));
    }
    return gathered;
}

}

usize entropy(u8* buffer, usize length)
{
    return has_rndr() ? rndr_entropy(buffer, length) : 0;
}

}
