/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "CryptoTestSupport.h"
#include <catch2/catch.hpp>
#include <vectra/crypto/X25519.h>

using namespace vectra;
using namespace vectra::crypto;
using test::array_from_hex;
using test::to_hex;

namespace {

Secret<32> secret_from_hex(char const* hex) { return Secret<32>::from_bytes(array_from_hex<32>(hex)); }

}

TEST_CASE("X25519 matches RFC 7748 §5.2", "[crypto][x25519]")
{
    struct Vector {
        char const* scalar;
        char const* u;
        char const* output;
    } const vectors[] = {
        { "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552" },
        /* The high bit of this u-coordinate is set: it must be ignored. */
        { "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957" },
    };
    for (auto const& vector : vectors) {
        auto shared = MUST(x25519(secret_from_hex(vector.scalar), X25519PublicKey { array_from_hex<32>(vector.u) }));
        REQUIRE(to_hex(shared.reveal()) == vector.output);
    }
}

TEST_CASE("X25519 iterated 1 and 1000 times matches RFC 7748 §5.2", "[crypto][x25519]")
{
    std::array<u8, 32> k {};
    k[0] = 9;
    std::array<u8, 32> u = k;
    for (int iteration = 1; iteration <= 1000; ++iteration) {
        auto result = MUST(x25519(Secret<32>::from_bytes(k), X25519PublicKey { u }));
        u = k;
        for (usize index = 0; index < 32; ++index)
            k[index] = result.reveal()[index];
        if (iteration == 1)
            REQUIRE(to_hex(k) == "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
    }
    REQUIRE(to_hex(k) == "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
}

TEST_CASE("X25519 Diffie-Hellman of RFC 7748 §6.1", "[crypto][x25519]")
{
    auto alice = secret_from_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    auto bob = secret_from_hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    auto alice_public = x25519_public_key(alice);
    auto bob_public = x25519_public_key(bob);
    REQUIRE(to_hex(alice_public.bytes) == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    REQUIRE(to_hex(bob_public.bytes) == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    auto alice_shared = MUST(x25519(alice, bob_public));
    auto bob_shared = MUST(x25519(bob, alice_public));
    REQUIRE(to_hex(alice_shared.reveal()) == "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    REQUIRE(alice_shared.constant_time_equals(bob_shared));
}

TEST_CASE("X25519 refuses a small-order peer key (all-zero shared secret)", "[crypto][x25519][refusal]")
{
    auto alice = secret_from_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    X25519PublicKey zero {};
    auto result = x25519(alice, zero);
    REQUIRE(result.is_error());
    REQUIRE(result.error().code() == ErrorCode::InvalidArgument);
    REQUIRE(std::string(result.error().message()) == "peer public key has small order");
    X25519PublicKey one {};
    one.bytes[0] = 1;
    REQUIRE(x25519(alice, one).is_error());
}
