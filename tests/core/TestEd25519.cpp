/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "CryptoTestSupport.h"
#include <catch2/catch.hpp>
#include <vectra/crypto/Ed25519.h>

using namespace vectra;
using namespace vectra::crypto;
using test::array_from_hex;
using test::from_hex;
using test::to_hex;

namespace {

struct Vector {
    char const* seed;
    char const* public_key;
    char const* message;
    char const* signature;
};

/*
 * The first three are RFC 8032 §7.1 TEST 1, TEST 2 and TEST 3; all eight are the first lines of
 * the Ed25519 authors' sign.input (as shipped in Debian's python3-cryptography-vectors).
 */
constexpr Vector vectors[] = {
    { "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe"
        "24655141438e7a100b" },
    { "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302a"
        "eeb00d291612bb0c00" },
    { "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed2"
        "8dc027beceea1ec40a" },
    { "0d4a05b07352a5436e180356da0ae6efa0345ff7fb1572575772e8005ed978e9",
        "e61a185bcef2613a6c7cb79763ce945d3b245d76114dd440bcf5f2dc1aa57057", "cbc77b",
        "d9868d52c2bebce5f3fa5a79891970f309cb6591e3e1702a70276fa97c24b3a8e58606c38c9758529da50ee31b8219cba45271c689afa6"
        "0b0ea26c99db19b00c" },
    { "6df9340c138cc188b5fe4464ebaa3f7fc206a2d55c3434707e74c9fc04e20ebb",
        "c0dac102c4533186e25dc43128472353eaabdb878b152aeb8e001f92d90233a7", "5f4c8989",
        "124f6fc6b0d100842769e71bd530664d888df8507df6c56dedfdb509aeb93416e26b918d38aa06305df3095697c18b2aa832eaa52edc0a"
        "e49fbae5a85e150c07" },
    { "b780381a65edf8b78f6945e8dbec7941ac049fd4c61040cf0c324357975a293c",
        "e253af0766804b869bb1595be9765b534886bbaab8305bf50dbc7f899bfb5f01", "18b6bec097",
        "b2fc46ad47af464478c199e1f8be169f1be6327c7f9a0a6689371ca94caf04064a01b22aff1520abd58951341603faed768cf78ce97ae7"
        "b038abfe456aa17c09" },
    { "78ae9effe6f245e924a7be63041146ebc670dbd3060cba67fbc6216febc44546",
        "fbcfbfa40505d7f2be444a33d185cc54e16d615260e1640b2b5087b83ee3643d", "89010d855972",
        "6ed629fc1d9ce9e1468755ff636d5a3f40a5d9c91afd93b79d241830f7e5fa29854b8f20cc6eecbb248dbd8d16d14e99752194e4904d09"
        "c74d639518839d2300" },
    { "691865bfc82a1e4b574eecde4c7519093faf0cf867380234e3664645c61c5f79",
        "98a5e3a36e67aaba89888bf093de1ad963e774013b3902bfab356d8b90178a63", "b4a8f381e70e7a",
        "6e0af2fe55ae377a6b7a7278edfb419bd321e06d0df5e27037db8812e7e3529810fa5552f6c0020985ca17a0e02e036d7b222a24f99b77"
        "b75fdd16cb05568107" },
};

class ScriptedEntropy final : public EntropySource {
public:
    usize gather(std::span<u8> buffer) override
    {
        for (auto& byte : buffer)
            byte = m_next++;
        return buffer.size();
    }
    u8 m_next { 7 };
};

}

TEST_CASE("Ed25519 derives the RFC 8032 public keys and signatures", "[crypto][ed25519]")
{
    for (auto const& vector : vectors) {
        INFO("seed " << vector.seed);
        auto seed = Secret<32>::from_bytes(array_from_hex<32>(vector.seed));
        auto pair = ed25519_key_pair_from_seed(seed);
        REQUIRE(to_hex(pair.public_key.bytes) == vector.public_key);
        auto message = from_hex(vector.message);
        auto signature = ed25519_sign(pair.secret_key, message);
        REQUIRE(to_hex(signature.bytes) == vector.signature);
        REQUIRE(!ed25519_verify(pair.public_key, message, signature).is_error());
    }
}

TEST_CASE("Ed25519 refuses a signature after any change to message, signature or key", "[crypto][ed25519][refusal]")
{
    auto const& vector = vectors[2];
    Ed25519PublicKey public_key { array_from_hex<32>(vector.public_key) };
    Ed25519Signature signature { array_from_hex<64>(vector.signature) };
    auto message = from_hex(vector.message);
    REQUIRE(!ed25519_verify(public_key, message, signature).is_error());

    auto changed_message = message;
    changed_message[0] ^= 1;
    auto result = ed25519_verify(public_key, changed_message, signature);
    REQUIRE(result.is_error());
    REQUIRE(result.error().code() == ErrorCode::InvalidArgument);
    REQUIRE(std::string(result.error().message()) == "signature does not verify");

    for (usize index : { 0u, 31u, 32u, 63u }) {
        auto changed = signature;
        changed.bytes[index] ^= 0x40;
        REQUIRE(ed25519_verify(public_key, message, changed).is_error());
    }
    auto other_key = public_key;
    other_key.bytes[5] ^= 1;
    REQUIRE(ed25519_verify(other_key, message, signature).is_error());
    /* The identity point as a key (small order) is refused outright. */
    Ed25519PublicKey identity {};
    identity.bytes[0] = 1;
    REQUIRE(ed25519_verify(identity, message, signature).is_error());
    /* S at or above the group order (non-canonical) is refused. */
    auto high_s = signature;
    for (usize index = 32; index < 64; ++index)
        high_s.bytes[index] = 0xff;
    REQUIRE(ed25519_verify(public_key, message, high_s).is_error());
}

TEST_CASE("Ed25519 key generation takes High randomness and gives working keys", "[crypto][ed25519]")
{
    ScriptedEntropy source;
    auto randomness = MUST(HighRng::create(source));
    auto first = ed25519_generate(randomness);
    auto second = ed25519_generate(randomness);
    REQUIRE(first.public_key.bytes != second.public_key.bytes);
    auto message = test::text_bytes("signed by a generated key");
    auto signature = ed25519_sign(first.secret_key, message);
    REQUIRE(!ed25519_verify(first.public_key, message, signature).is_error());
    REQUIRE(ed25519_verify(second.public_key, message, signature).is_error());
}
