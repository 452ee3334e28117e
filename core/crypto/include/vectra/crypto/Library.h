/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/Random.h>

namespace vectra::crypto {

/*
 * libsodium's own randomness (randombytes_buf and friends) comes from core/random, never from
 * a file or a system call: install_libsodium_randomness() moves a High generator into the
 * adapter that libsodium's process-wide randombytes implementation calls, then runs
 * sodium_init(). Until then libsodium's randombytes panics ("no High generator installed").
 * Vectra's own crypto functions never reach libsodium's randombytes: the ones that need
 * randomness take an HighRng& — this is for libsodium code that would.
 *
 * The adapter is the one piece of process-wide state in core/crypto, imposed by libsodium's
 * C interface. Installing again replaces the generator.
 */
void install_libsodium_randomness(HighRng&& generator);

/* libsodium's randombytes_buf(), for tests of the wiring. */
void libsodium_random_bytes(std::span<u8> output);

}
