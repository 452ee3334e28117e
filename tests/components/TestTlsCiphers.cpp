/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The tls-selftest image's cipher checks (components/tls-selftest Ciphers.cpp) on the host, where
 * BoringSSL is generic C (OPENSSL_NO_ASM): the same known answers must hold there, and the seal
 * cost is what the clock it is given says. tls::acceleration reports no assembly off bare metal.
 */

#include <catch2/catch.hpp>

#include <string_view>
#include <vectra/tls/Acceleration.h>
#include <vectra/tls/Tables.h>

#include "../../components/tls-selftest/src/Ciphers.h"
#include "../../components/tls-selftest/src/Curves.h"
#include "BoringSslSupport.h"

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

TEST_CASE("tls curves: X25519 and ECDSA P-256 match RFC 7748 and RFC 6979, a low-order point and a forged signature "
          "are refused",
    "[tls]")
{
    install_boringssl();
    auto checked = tls_selftest::check_curve_known_answers();
    INFO((checked.is_error() ? checked.error().message() : "ok"));
    REQUIRE(!checked.is_error());
}

TEST_CASE("tls curves: the handshake cost is the clock's time per operation, and no rounds is refused", "[tls]")
{
    install_boringssl();
    auto cost = tls_selftest::measure_handshake_cost(4, stepping_clock);
    REQUIRE(!cost.is_error());
    /* Each operation reads the clock twice: 1000 ns over 4 rounds. */
    CHECK(cost.value().x25519 == 1000 / 4);
    CHECK(cost.value().p256_signature == 1000 / 4);

    auto nothing = tls_selftest::measure_handshake_cost(0, stepping_clock);
    REQUIRE(nothing.is_error());
    CHECK(nothing.error().code() == ErrorCode::InvalidArgument);
}

TEST_CASE("tls tables: the host tests link the small tables, so P-256 is portable C", "[tls]")
{
    CHECK(tls::tables() == tls::Tables::Small);
    CHECK(std::string_view(tls::p256_implementation()) == "portable C (fiat-crypto)");
}
