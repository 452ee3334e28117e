/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * BoringSSL's randomness and memory in a host test, as a Task hands them over (components/tls):
 * a High generator over the platform's entropy, and an 8 MiB heap installed once (BoringSSL keeps
 * global state in it for the rest of the process).
 */

#pragma once

#include <catch2/catch.hpp>
#include <vectra/Entropy.h>
#include <vectra/tls/Runtime.h>

namespace vectra {

inline void install_boringssl()
{
    static PlatformEntropy s_entropy;
    static auto s_generator = HighRng::create(s_entropy);
    REQUIRE(!s_generator.is_error());
    tls::use_random(s_generator.value());
    static bool s_memory_given = false;
    if (!s_memory_given) {
        alignas(16) static u8 s_memory[8 * 1024 * 1024];
        REQUIRE(!tls::use_memory(s_memory).is_error());
        s_memory_given = true;
    }
}

}
