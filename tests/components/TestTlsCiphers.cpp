/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The tls-selftest image's cipher checks (components/tls-selftest Ciphers.cpp) on the host, where
 * BoringSSL is generic C (OPENSSL_NO_ASM): the same known answers must hold there, and the seal
 * cost is what the clock it is given says. tls::acceleration reports no assembly off bare metal.
 */

#include <catch2/catch.hpp>

#include <vectra/tls/Acceleration.h>

#include "../../components/tls-selftest/src/Ciphers.h"

using namespace vectra;

namespace {

u64 s_ticks = 0;

/* A clock that advances 1 µs each time it is read. */
u64 stepping_clock()
{
    s_ticks += 1000;
    return s_ticks;
}

}

TEST_CASE(
    "tls ciphers: AES-GCM, ChaCha20-Poly1305 and SHA-256 match the known answers, and forged tags are refused", "[tls]")
{
    auto checked = tls_selftest::check_known_answers();
    INFO((checked.is_error() ? checked.error().message() : "ok"));
    REQUIRE(!checked.is_error());
}

TEST_CASE("tls ciphers: the seal cost is the clock's time over the KiB sealed, and nothing to seal is refused", "[tls]")
{
    auto cost = tls_selftest::measure_seal_cost(64, stepping_clock);
    REQUIRE(!cost.is_error());
    /* Each AEAD reads the clock twice: 1000 ns over 64 KiB, whole nanoseconds. */
    CHECK(cost.value().aes_128_gcm == 1000 / 64);
    CHECK(cost.value().aes_256_gcm == 1000 / 64);
    CHECK(cost.value().chacha20_poly1305 == 1000 / 64);

    auto nothing = tls_selftest::measure_seal_cost(0, stepping_clock);
    REQUIRE(nothing.is_error());
    CHECK(nothing.error().code() == ErrorCode::InvalidArgument);
}

TEST_CASE("tls acceleration: off bare metal BoringSSL is built without assembly and names no feature", "[tls]")
{
    auto acceleration = tls::acceleration();
    CHECK(acceleration.architecture == nullptr);
    CHECK(acceleration.used().empty());
}
