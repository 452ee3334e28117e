/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Entropy on x86_64: RDRAND, when CPUID.01H:ECX bit 30 says the CPU has it (QEMU's TCG CPU
 * `max` does; TCG has no RDSEED, so it is not used). RDRAND may transiently fail (CF = 0):
 * each 64-bit word is retried up to 10 times, as Intel's guidance says, and a word that still
 * fails ends the call with the bytes gathered so far.
 */

#include <vectra/platform/Platform.h>
#include <vectra/x86_64/Cpu.h>

namespace vectra::platform {

namespace {

constexpr u32 rdrand_bit = 1u << 30;
constexpr int rdrand_retries = 10;

[[nodiscard]] bool has_rdrand() { return (x86_64::cpuid(1).ecx & rdrand_bit) != 0; }

[[nodiscard]] bool rdrand64(u64& value)
{
    for (int attempt = 0; attempt < rdrand_retries; ++attempt) {
        u8 ok;
        asm volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok) : : "cc");
        if (ok)
            return true;
    }
    return false;
}

}

usize entropy(u8* buffer, usize length)
{
    if (!has_rdrand())
        return 0;
    usize gathered = 0;
    while (gathered < length) {
        u64 word;
        if (!rdrand64(word))
            break;
        for (usize byte = 0; byte < sizeof(word) && gathered < length; ++byte, ++gathered)
            buffer[gathered] = static_cast<u8>(word >> (8 * byte));
    }
    return gathered;
}

}
