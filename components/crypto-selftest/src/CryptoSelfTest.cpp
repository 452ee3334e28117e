/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The crypto self-test Task: the published vectors (RFC 8032, RFC 7748, RFC 8439, XChaCha20's
 * draft), BLAKE3 outputs cross-checked against b3sum, an Argon2id known answer, every refusal,
 * and High randomness from the platform — inside the image, with the ports as the image links
 * them. Its transcript is documented in components/crypto-selftest/README.md and matched by
 * images/selftest/oracle.json.
 */

#include <array>
#include <string_view>
#include <vectra/System.h>
#include <vectra/Hex.h>
#include <vectra/Try.h>
#include <vectra/crypto/Aead.h>
#include <vectra/crypto/Argon2.h>
#include <vectra/crypto/Blake3.h>
#include <vectra/crypto/Ed25519.h>
#include <vectra/crypto/Library.h>
#include <vectra/crypto/X25519.h>
#include <vectra/TaskEntry.h>

VECTRA_TASK_ENTRY(crypto_selftest);

namespace vectra::task_entries {

namespace {

using namespace vectra::crypto;

template<usize N>
[[nodiscard]] bool equal(std::span<u8 const> left, std::array<u8, N> const& right)
{
    return constant_time_equal(left, right);
}

[[nodiscard]] std::span<u8 const> text_bytes(std::string_view text)
{
    return { reinterpret_cast<u8 const*>(text.data()), text.size() };
}

ErrorOr<void> expect(bool condition, char const* what)
{
    if (!condition)
        return Error(ErrorCode::InvalidArgument, what);
    return {};
}

ErrorOr<void> expect_refusal(bool refused, char const* what) { return expect(refused, what); }

/* RFC 8032 §7.1 TEST 1, 2, 3. */
struct Ed25519Vector {
    std::array<u8, 32> seed;
    std::array<u8, 32> public_key;
    std::array<u8, 2> message;
    usize message_length;
    std::array<u8, 64> signature;
};

constexpr Ed25519Vector ed25519_vectors[] = {
    { hex<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
        hex<32>("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"), {}, 0,
        hex<64>(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f05"
            "95bbe24655141438e7a100b") },
    { hex<32>("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"),
        hex<32>("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"), { 0x72, 0 }, 1,
        hex<64>(
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb"
            "4302aeeb00d291612bb0c00") },
    { hex<32>("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7"),
        hex<32>("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"), { 0xaf, 0x82 }, 2,
        hex<64>(
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e97"
            "16ed28dc027beceea1ec40a") },
};

ErrorOr<void> check_ed25519()
{
    for (auto const& vector : ed25519_vectors) {
        auto pair = ed25519_key_pair_from_seed(Secret<32>::from_bytes(vector.seed));
        TRY(expect(equal(pair.public_key.bytes, vector.public_key), "Ed25519 public key differs from RFC 8032"));
        auto message = std::span<u8 const>(vector.message).first(vector.message_length);
        auto signature = ed25519_sign(pair.secret_key, message);
        TRY(expect(equal(signature.bytes, vector.signature), "Ed25519 signature differs from RFC 8032"));
        TRY(ed25519_verify(pair.public_key, message, signature));
    }
    return {};
}

ErrorOr<void> check_ed25519_forgery()
{
    auto const& vector = ed25519_vectors[2];
    Ed25519Signature signature { vector.signature };
    u8 changed[2] = { static_cast<u8>(vector.message[0] ^ 1), vector.message[1] };
    auto result = ed25519_verify(Ed25519PublicKey { vector.public_key }, changed, signature);
    return expect_refusal(result.is_error() && result.error().code() == ErrorCode::InvalidArgument,
        "Ed25519 accepted a signature over a changed message");
}

ErrorOr<void> check_x25519()
{
    auto first = TRY(
        x25519(Secret<32>::from_bytes(hex<32>("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4")),
            X25519PublicKey { hex<32>("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c") }));
    TRY(expect(equal(first.reveal(), hex<32>("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")),
        "X25519 differs from RFC 7748 §5.2"));
    auto second = TRY(
        x25519(Secret<32>::from_bytes(hex<32>("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d")),
            X25519PublicKey { hex<32>("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493") }));
    TRY(expect(equal(second.reveal(), hex<32>("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957")),
        "X25519 differs from RFC 7748 §5.2"));
    auto alice = Secret<32>::from_bytes(hex<32>("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    auto bob = Secret<32>::from_bytes(hex<32>("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    auto bob_public = x25519_public_key(bob);
    TRY(expect(equal(bob_public.bytes, hex<32>("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")),
        "X25519 public key differs from RFC 7748 §6.1"));
    auto shared = TRY(x25519(alice, bob_public));
    auto shared_back = TRY(x25519(bob, x25519_public_key(alice)));
    TRY(expect(equal(shared.reveal(), hex<32>("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"))
            && shared.constant_time_equals(shared_back),
        "X25519 shared secret differs from RFC 7748 §6.1"));
    auto small_order = x25519(alice, X25519PublicKey {});
    return expect_refusal(small_order.is_error(), "X25519 accepted a small-order peer key");
}

constexpr std::string_view sunscreen = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
                                       "for the future, sunscreen would be it.";
constexpr auto sunscreen_aad = hex<12>("50515253c0c1c2c3c4c5c6c7");

Secret<32> key_80_to_9f()
{
    std::array<u8, 32> bytes {};
    for (usize index = 0; index < 32; ++index)
        bytes[index] = static_cast<u8>(0x80 + index);
    return Secret<32>::from_bytes(bytes);
}

ErrorOr<void> check_chacha20_poly1305()
{
    ChaCha20Poly1305Nonce nonce { hex<12>("070000004041424344454647") };
    u8 sealed[sunscreen.size() + aead_tag_size];
    TRY(aead_seal(key_80_to_9f(), nonce, sunscreen_aad, text_bytes(sunscreen), sealed));
    TRY(expect(equal(std::span<u8 const>(sealed).first(16), hex<16>("d31a8d34648e60db7b86afbc53ef7ec2"))
            && equal(std::span<u8 const>(sealed).last(16), hex<16>("1ae10b594f09e26a7e902ecbd0600691")),
        "ChaCha20-Poly1305 differs from RFC 8439 §2.8.2"));
    u8 opened[sunscreen.size()];
    TRY(aead_open(key_80_to_9f(), nonce, sunscreen_aad, sealed, opened));
    TRY(expect(equal(std::span<u8 const>(opened).first(4), hex<4>("4c616469")),
        "ChaCha20-Poly1305 did not open its own ciphertext"));
    sealed[10] ^= 1;
    auto forged = aead_open(key_80_to_9f(), nonce, sunscreen_aad, sealed, opened);
    return expect_refusal(forged.is_error() && forged.error().code() == ErrorCode::InvalidArgument,
        "ChaCha20-Poly1305 opened a changed ciphertext");
}

ErrorOr<void> check_xchacha20_poly1305()
{
    XChaCha20Poly1305Nonce nonce { hex<24>("404142434445464748494a4b4c4d4e4f5051525354555657") };
    u8 sealed[sunscreen.size() + aead_tag_size];
    TRY(aead_seal(key_80_to_9f(), nonce, sunscreen_aad, text_bytes(sunscreen), sealed));
    TRY(expect(equal(std::span<u8 const>(sealed).first(16), hex<16>("bd6d179d3e83d43b9576579493c0e939"))
            && equal(std::span<u8 const>(sealed).last(16), hex<16>("c0875924c1c7987947deafd8780acf49")),
        "XChaCha20-Poly1305 differs from draft-irtf-cfrg-xchacha-03 A.3.1"));
    u8 opened[sunscreen.size()];
    TRY(aead_open(key_80_to_9f(), nonce, sunscreen_aad, sealed, opened));
    return {};
}

/* b3sum 1.2.0 on the 1025 bytes i mod 251 (BLAKE3's own test input). */
ErrorOr<void> check_blake3()
{
    u8 input[1025];
    for (usize index = 0; index < sizeof(input); ++index)
        input[index] = static_cast<u8>(index % 251);
    TRY(expect(equal(blake3(input).bytes, hex<32>("d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444")),
        "BLAKE3 hash differs from b3sum"));
    std::array<u8, 32> key_bytes {};
    for (usize index = 0; index < 32; ++index)
        key_bytes[index] = static_cast<u8>(0x40 + index);
    TRY(expect(equal(blake3_keyed(Secret<32>::from_bytes(key_bytes), input).bytes,
                   hex<32>("d310efe52316b4a82746a9c455912b760789f26ec401541e90072b8769fa0ef9")),
        "BLAKE3 keyed hash differs from b3sum --keyed"));
    auto derived = blake3_derive_key("vectra 2026-11 selftest: blake3 derive-key", input);
    TRY(expect(equal(derived.reveal(), hex<32>("7122b5ec7c3b3ee9e4c8daddfa486b568f1439534a703fd3b29c4ac3c59ca061")),
        "BLAKE3 derive-key differs from b3sum --derive-key"));
    Blake3 hasher;
    hasher.update(input);
    u8 extended[32];
    hasher.finalize(extended, 64);
    return expect(equal(extended, hex<32>("e332b0ef84b409108cda080e6269ed4b3e2c3f7d722aa4cdc98d16deb554e562")),
        "BLAKE3 extended output differs from b3sum --length 96");
}

/* The Argon2 reference implementation: printf password | argon2 somesaltsomesalt -id -t 3 -m 8 -l 32 -r */
ErrorOr<usize> check_argon2id(ReticleCap const& memory)
{
    Argon2Parameters parameters { 3, 256 };
    usize work_size = argon2id_work_memory_size(parameters);
    auto work_memory = TRY(system::create_memory(memory, work_size));
    u8* work = TRY(system::map_memory(work_memory)).data();
    constexpr auto salt = hex<16>("736f6d6573616c74736f6d6573616c74"); /* "somesaltsomesalt" */
    u8 output[32];
    TRY(argon2id(
        output, text_bytes("password"), std::span<u8 const, 16>(salt), parameters, std::span<u8>(work, work_size)));
    TRY(expect(equal(output, hex<32>("45712205ca8e0777e07eeb552e27165d3450b42ba9d9e646b9be536116b192cc")),
        "Argon2id differs from the reference implementation"));
    u8 short_output[15];
    auto refused = argon2id(short_output, text_bytes("password"), std::span<u8 const, 16>(salt), parameters,
        std::span<u8>(work, work_size));
    TRY(expect_refusal(refused.is_error(), "Argon2id accepted a 15-byte output"));
    return work_size;
}

class NoEntropy final : public EntropySource {
public:
    usize gather(std::span<u8>) override { return 0; }
};

ErrorOr<void> check_high_refused_without_entropy()
{
    NoEntropy none;
    auto refused = HighRng::create(none);
    return expect_refusal(refused.is_error() && refused.error().code() == ErrorCode::Empty,
        "High randomness was granted without entropy");
}

/* High randomness from this platform's entropy source, used for a key and for libsodium. */
ErrorOr<void> check_high_from_platform(PlatformEntropy& platform)
{
    auto randomness = TRY(HighRng::create(platform));
    auto pair = ed25519_generate(randomness);
    auto message = text_bytes("signed inside the image");
    TRY(ed25519_verify(pair.public_key, message, ed25519_sign(pair.secret_key, message)));
    install_libsodium_randomness(TRY(HighRng::create(platform)));
    u8 first[32] {};
    u8 second[32] {};
    libsodium_random_bytes(first);
    libsodium_random_bytes(second);
    return expect(!constant_time_equal(first, second), "libsodium's randombytes repeated itself");
}

#define STEP(console, name, expression)                                                                                \
    ({                                                                                                                 \
        auto _step = (expression);                                                                                     \
        if (_step.is_error()) {                                                                                        \
            TRY(print_line(console, "selftest: {} FAILED: {} ({})", name, error_code_name(_step.error().code()),       \
                _step.error().message()));                                                                             \
            return 1;                                                                                                  \
        }                                                                                                              \
        _step.release_value();                                                                                         \
    })

}

ErrorOr<i32> crypto_selftest(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));

    STEP(console, "ed25519", check_ed25519());
    TRY(print_line(console, "selftest: ed25519 rfc8032 tests 1-3 ok"));
    STEP(console, "ed25519 forgery", check_ed25519_forgery());
    TRY(print_line(console, "selftest: ed25519 changed message -> refused ok"));
    STEP(console, "x25519", check_x25519());
    TRY(print_line(console, "selftest: x25519 rfc7748 5.2 and 6.1, small order refused ok"));
    STEP(console, "chacha20-poly1305", check_chacha20_poly1305());
    TRY(print_line(console, "selftest: chacha20-poly1305 rfc8439 2.8.2, forgery refused ok"));
    STEP(console, "xchacha20-poly1305", check_xchacha20_poly1305());
    TRY(print_line(console, "selftest: xchacha20-poly1305 draft-03 a.3.1 ok"));
    STEP(console, "blake3", check_blake3());
    TRY(print_line(console, "selftest: blake3 hash, keyed, derive-key, xof = b3sum ok"));
    usize work = STEP(console, "argon2id", check_argon2id(memory));
    TRY(print_line(console, "selftest: argon2id t=3 m=256 KiB = reference ({} KiB work memory) ok", work / KiB));
    STEP(console, "random high without entropy", check_high_refused_without_entropy());
    TRY(print_line(console, "selftest: random high without entropy -> refused ok"));

    PlatformEntropy platform;
    u8 probe[32] {};
    usize available = platform.gather(probe);
    if (available < sizeof(probe)) {
        /* A platform with no entropy source: High must be refused, with the documented error. */
        auto refused = HighRng::create(platform);
        STEP(console, "random high refused",
            expect_refusal(refused.is_error() && refused.error().code() == ErrorCode::Empty,
                "High randomness granted without platform entropy"));
        TRY(print_line(console, "selftest: random high refused: {} ok", refused.error().message()));
    } else {
        STEP(console, "random high", check_high_from_platform(platform));
        TRY(print_line(console, "selftest: random high from platform entropy, libsodium randombytes ok"));
    }
    TRY(print_line(console, "selftest: passed"));
    return 0;
}

}
