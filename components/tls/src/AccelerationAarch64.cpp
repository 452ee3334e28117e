/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * aarch64 images: BoringSSL's static vector (OPENSSL_STATIC_ARMCAP and the OPENSSL_STATIC_ARMCAP_*
 * the port is compiled with; a Task at EL0 cannot read ID_AA64ISAR0_EL1 and there is no
 * getauxval), the bits of <openssl/arm_arch.h> the assembly tests.
 */

#include <openssl/arm_arch.h>
#include <stdint.h>
#include <vectra/tls/Acceleration.h>

/* crypto/crypto.c: hidden visibility, so only this static link reaches it. */
extern "C" uint32_t OPENSSL_armcap_P;

namespace vectra::tls {

Acceleration acceleration()
{
    uint32_t const vector = OPENSSL_armcap_P;
    return Acceleration {
        .architecture = "aarch64",
        .features = { {
            { "AES", (vector & ARMV8_AES) != 0 },
            { "PMULL", (vector & ARMV8_PMULL) != 0 },
            { "SHA-1", (vector & ARMV8_SHA1) != 0 },
            { "SHA-256", (vector & ARMV8_SHA256) != 0 },
            { "NEON", (vector & ARMV7_NEON) != 0 },
        } },
        .feature_count = 5,
    };
}

}
