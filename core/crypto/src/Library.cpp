/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libsodium's randombytes implementation, served by a core/random High generator. This file
 * holds core/crypto's only process-wide state: libsodium's randombytes interface is a global C
 * table of functions without a context pointer, so the generator they serve from has to be
 * reachable from static storage.
 */

#include <new>
#include <sodium/core.h>
#include <sodium/randombytes.h>
#include <vectra/Panic.h>
#include <vectra/crypto/Library.h>

namespace vectra::crypto {

namespace {

alignas(HighRng) u8 s_generator_storage[sizeof(HighRng)];
HighRng* s_generator = nullptr;

HighRng& generator()
{
    if (s_generator == nullptr)
        PANIC("libsodium asked for random bytes but no High generator is installed");
    return *s_generator;
}

char const* implementation_name() { return "vectra-core-random-high"; }

uint32_t random_word() { return generator().next_u32(); }

void random_buffer(void* const buffer, size_t const size)
{
    generator().fill(std::span<u8>(static_cast<u8*>(buffer), size));
}

}

}

extern "C" {

/* Also libsodium's default implementation in bare-metal images (see components/ports/libsodium). */
randombytes_implementation vectra_libsodium_randombytes = {
    vectra::crypto::implementation_name,
    vectra::crypto::random_word,
    nullptr,
    nullptr,
    vectra::crypto::random_buffer,
    nullptr,
};
}

namespace vectra::crypto {

void install_libsodium_randomness(HighRng&& new_generator)
{
    if (s_generator != nullptr)
        s_generator->~HighRng();
    s_generator = new (s_generator_storage) HighRng(static_cast<HighRng&&>(new_generator));
    VERIFY(randombytes_set_implementation(&vectra_libsodium_randombytes) == 0);
    VERIFY(sodium_init() >= 0);
}

void libsodium_random_bytes(std::span<u8> output) { randombytes_buf(output.data(), output.size()); }

}
