/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * x86_64 images: BoringSSL's vector from cpuid (crypto/cpu_intel.c, run by BoringSSL's own
 * constructor at boot). Words: 0 = leaf 1 EDX, 1 = leaf 1 ECX, 2 = leaf 7 EBX. AVX is cleared by
 * BoringSSL unless CPUID reports OSXSAVE and XCR0 enables the YMM state; the kernel enables
 * neither (it saves FXSAVE state only), so "AVX no" is what an image must show.
 */

#include <openssl/crypto.h>
#include <stdint.h>
#include <vectra/tls/Acceleration.h>

/* crypto/crypto.c: hidden visibility, so only this static link reaches it. */
extern "C" uint32_t OPENSSL_ia32cap_P[4];

namespace vectra::tls {

namespace {

bool bit(uint32_t word, unsigned index) { return (word >> index) & 1; }

}

Acceleration acceleration()
{
    CRYPTO_library_init();
    uint32_t const leaf1_ecx = OPENSSL_ia32cap_P[1];
    uint32_t const leaf7_ebx = OPENSSL_ia32cap_P[2];
    return Acceleration {
        .architecture = "x86_64",
        .features = { {
            { "AES-NI", bit(leaf1_ecx, 25) },
            { "PCLMULQDQ", bit(leaf1_ecx, 1) },
            { "SSSE3", bit(leaf1_ecx, 9) },
            { "SHA", bit(leaf7_ebx, 29) },
            { "ADX and BMI2", bit(leaf7_ebx, 19) && bit(leaf7_ebx, 8) },
            { "AVX", bit(leaf1_ecx, 28) },
        } },
        .feature_count = 6,
    };
}

}
