/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The functions BoringSSL, built with OPENSSL_TRUSTY (no /dev/urandom), expects its platform to
 * define (crypto/fipsmodule/rand/internal.h): both draw from the Task's High generator.
 */

#include <stddef.h>
#include <stdint.h>
#include <vectra/Panic.h>
#include <vectra/tls/Runtime.h>

namespace vectra::tls {

namespace {

HighRng* s_generator = nullptr;

void draw(uint8_t* output, size_t size)
{
    if (s_generator == nullptr)
        PANIC("tls: BoringSSL asked for randomness before the Task called tls::use_random");
    s_generator->fill(std::span<u8>(output, size));
}

}

void use_random(HighRng& generator)
{
    s_generator = &generator;
}

}

extern "C" void CRYPTO_sysrand(uint8_t* output, size_t size)
{
    vectra::tls::draw(output, size);
}

extern "C" void CRYPTO_sysrand_for_seed(uint8_t* output, size_t size)
{
    vectra::tls::draw(output, size);
}
