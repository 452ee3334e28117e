/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "CryptoTestSupport.h"
#include <catch2/catch.hpp>
#include <vectra/crypto/Aead.h>

using namespace vectra;
using namespace vectra::crypto;
using test::array_from_hex;
using test::from_hex;
using test::text_bytes;
using test::to_hex;

namespace {

constexpr std::string_view sunscreen = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
                                       "for the future, sunscreen would be it.";

Secret<32> key_80_to_9f()
{
    std::array<u8, 32> bytes {};
    for (usize index = 0; index < 32; ++index)
        bytes[index] = static_cast<u8>(0x80 + index);
    return Secret<32>::from_bytes(bytes);
}

auto const associated_data = from_hex("50515253c0c1c2c3c4c5c6c7");

}

TEST_CASE("ChaCha20-Poly1305 seals RFC 8439 §2.8.2", "[crypto][aead]")
{
    ChaCha20Poly1305Nonce nonce { array_from_hex<12>("070000004041424344454647") };
    std::vector<u8> output(sunscreen.size() + aead_tag_size);
    usize written = MUST(aead_seal(key_80_to_9f(), nonce, associated_data, text_bytes(sunscreen), output));
    REQUIRE(written == output.size());
    REQUIRE(to_hex(output)
        == "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e0"
           "60b"
           "2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d2658"
           "6ce"
           "c64b6116"
           "1ae10b594f09e26a7e902ecbd0600691");
    std::vector<u8> plaintext(sunscreen.size());
    REQUIRE(MUST(aead_open(key_80_to_9f(), nonce, associated_data, output, plaintext)) == sunscreen.size());
    REQUIRE(std::string(plaintext.begin(), plaintext.end()) == sunscreen);
}

TEST_CASE("ChaCha20-Poly1305 opens RFC 8439 A.5", "[crypto][aead]")
{
    auto key = Secret<32>::from_bytes(
        array_from_hex<32>("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0"));
    ChaCha20Poly1305Nonce nonce { array_from_hex<12>("000000000102030405060708") };
    auto aad = from_hex("f33388860000000000004e91");
    auto ciphertext = from_hex(
        "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb24c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b"
        "0100d4f03b7f355894cf332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c8559797a06ef4f0ef61c186324e"
        "2b3506383606907b6a7c02b0f9f6157b53c867e4b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523eaf45"
        "34d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a0bb2316053fa76991955ebd63159434ecebb4e466dae5a10"
        "73a6727627097a1049e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29a6ad5cb4022b02709b"
        "eead9d67890cbb22392336fea1851f38");
    std::vector<u8> plaintext(ciphertext.size() - aead_tag_size);
    REQUIRE(MUST(aead_open(key, nonce, aad, ciphertext, plaintext)) == plaintext.size());
    std::string text(plaintext.begin(), plaintext.end());
    REQUIRE(text.rfind("Internet-Drafts are draft documents valid for a maximum of six months", 0) == 0);
    REQUIRE(text.substr(text.size() - 25)
        == "/\xe2\x80\x9c"
           "work in progress./\xe2\x80\x9d");
}

TEST_CASE("XChaCha20-Poly1305 seals draft-irtf-cfrg-xchacha-03 A.3.1", "[crypto][aead]")
{
    XChaCha20Poly1305Nonce nonce { array_from_hex<24>("404142434445464748494a4b4c4d4e4f5051525354555657") };
    std::vector<u8> output(sunscreen.size() + aead_tag_size);
    REQUIRE(MUST(aead_seal(key_80_to_9f(), nonce, associated_data, text_bytes(sunscreen), output)) == output.size());
    REQUIRE(to_hex(output)
        == "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c5"
           "4c2"
           "16cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f61"
           "5c6"
           "8b13b52e"
           "c0875924c1c7987947deafd8780acf49");
    std::vector<u8> plaintext(sunscreen.size());
    REQUIRE(!aead_open(key_80_to_9f(), nonce, associated_data, output, plaintext).is_error());
}

TEST_CASE("AEAD open refuses any change to ciphertext, tag, nonce, key or associated data", "[crypto][aead][refusal]")
{
    XChaCha20Poly1305Nonce nonce { array_from_hex<24>("404142434445464748494a4b4c4d4e4f5051525354555657") };
    std::vector<u8> sealed(sunscreen.size() + aead_tag_size);
    MUST(aead_seal(key_80_to_9f(), nonce, associated_data, text_bytes(sunscreen), sealed));
    std::vector<u8> plaintext(sunscreen.size(), 0xee);

    auto expect_refused = [&](auto result) {
        REQUIRE(result.is_error());
        REQUIRE(result.error().code() == ErrorCode::InvalidArgument);
        REQUIRE(std::string(result.error().message()) == "ciphertext does not authenticate");
    };
    for (usize index : { usize(0), sunscreen.size() - 1, sunscreen.size(), sealed.size() - 1 }) {
        auto changed = sealed;
        changed[index] ^= 1;
        expect_refused(aead_open(key_80_to_9f(), nonce, associated_data, changed, plaintext));
    }
    auto other_nonce = nonce;
    other_nonce.bytes[23] ^= 1;
    expect_refused(aead_open(key_80_to_9f(), other_nonce, associated_data, sealed, plaintext));
    auto other_aad = associated_data;
    other_aad[0] ^= 1;
    expect_refused(aead_open(key_80_to_9f(), nonce, other_aad, sealed, plaintext));
    auto other_key = Secret<32>::from_bytes(std::array<u8, 32> {});
    expect_refused(aead_open(other_key, nonce, associated_data, sealed, plaintext));
    /* Nothing of a forged message reaches the caller's buffer: libsodium zeroes it. */
    for (u8 byte : plaintext)
        REQUIRE(byte == 0);
}

TEST_CASE("AEAD refuses buffers that are too short", "[crypto][aead][refusal]")
{
    ChaCha20Poly1305Nonce nonce {};
    std::vector<u8> short_output(sunscreen.size() + aead_tag_size - 1);
    auto sealed = aead_seal(key_80_to_9f(), nonce, {}, text_bytes(sunscreen), short_output);
    REQUIRE(sealed.is_error());
    REQUIRE(sealed.error().code() == ErrorCode::Full);

    u8 tiny[aead_tag_size - 1] {};
    u8 output[16] {};
    auto opened = aead_open(key_80_to_9f(), nonce, {}, tiny, output);
    REQUIRE(opened.is_error());
    REQUIRE(opened.error().code() == ErrorCode::MalformedMessage);

    std::vector<u8> ciphertext(64 + aead_tag_size);
    u8 small[63] {};
    auto too_small = aead_open(key_80_to_9f(), nonce, {}, ciphertext, small);
    REQUIRE(too_small.is_error());
    REQUIRE(too_small.error().code() == ErrorCode::Full);
}

TEST_CASE("AEAD seals and opens the empty message", "[crypto][aead]")
{
    XChaCha20Poly1305Nonce nonce {};
    u8 tag[aead_tag_size] {};
    REQUIRE(MUST(aead_seal(key_80_to_9f(), nonce, associated_data, {}, tag)) == aead_tag_size);
    REQUIRE(MUST(aead_open(key_80_to_9f(), nonce, associated_data, tag, {})) == 0);
}
