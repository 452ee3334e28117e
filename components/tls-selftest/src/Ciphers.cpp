/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The AEADs TLS 1.3 negotiates, checked against answers computed elsewhere and timed (Ciphers.h).
 */

#include "Ciphers.h"
#include <openssl/aead.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <span>
#include <string.h>
#include <vectra/Try.h>

namespace vectra::tls_selftest {

namespace {

constexpr usize tag_bytes = 16;
constexpr usize long_bytes = 4099;
constexpr usize record_bytes = 16 * 1024;

u8 s_plaintext[record_bytes];
u8 s_sealed[record_bytes + tag_bytes];
u8 s_opened[record_bytes];

/* A seal with the AEAD's context owned here, so every path out cleans it up. */
class Sealer {
public:
    static ErrorOr<void> with(EVP_AEAD const* aead, std::span<u8 const> key, auto body)
    {
        Sealer sealer;
        if (!EVP_AEAD_CTX_init(&sealer.m_context, aead, key.data(), key.size(), tag_bytes, nullptr))
            return Error(ErrorCode::OutOfMemory, "EVP_AEAD_CTX_init failed");
        sealer.m_initialised = true;
        return body(&sealer.m_context);
    }
    ~Sealer()
    {
        if (m_initialised)
            EVP_AEAD_CTX_cleanup(&m_context);
    }

private:
    Sealer() { EVP_AEAD_CTX_zero(&m_context); }
    EVP_AEAD_CTX m_context;
    bool m_initialised { false };
};

ErrorOr<usize> seal(EVP_AEAD_CTX* context, std::span<u8 const> nonce, std::span<u8 const> plaintext,
    std::span<u8 const> additional, std::span<u8> output)
{
    size_t written = 0;
    if (!EVP_AEAD_CTX_seal(context, output.data(), &written, output.size(), nonce.data(), nonce.size(),
            plaintext.data(), plaintext.size(), additional.data(), additional.size()))
        return Error(ErrorCode::InvalidArgument, "EVP_AEAD_CTX_seal failed");
    return written;
}

/* Opens `sealed`, compares with `plaintext`, then checks that one flipped tag bit is refused. */
ErrorOr<void> open_and_tamper(EVP_AEAD_CTX* context, std::span<u8 const> nonce, std::span<u8 const> plaintext,
    std::span<u8 const> additional, std::span<u8> sealed)
{
    size_t opened = 0;
    if (!EVP_AEAD_CTX_open(context, s_opened, &opened, sizeof(s_opened), nonce.data(), nonce.size(), sealed.data(),
            sealed.size(), additional.data(), additional.size()))
        return Error(ErrorCode::InvalidArgument, "opening its own sealed bytes failed");
    if (opened != plaintext.size() || memcmp(s_opened, plaintext.data(), opened) != 0)
        return Error(ErrorCode::MalformedMessage, "the opened bytes differ from the sealed plaintext");
    sealed[sealed.size() - 1] ^= 1;
    bool accepted = EVP_AEAD_CTX_open(context, s_opened, &opened, sizeof(s_opened), nonce.data(), nonce.size(),
        sealed.data(), sealed.size(), additional.data(), additional.size());
    sealed[sealed.size() - 1] ^= 1;
    ERR_clear_error();
    if (accepted)
        return Error(ErrorCode::InvalidArgument, "a tag with one bit flipped was accepted");
    return {};
}

struct Vector {
    char const* name;
    EVP_AEAD const* (*aead)();
    std::span<u8 const> key;
    std::span<u8 const> nonce;
    std::span<u8 const> plaintext;
    std::span<u8 const> additional;
    std::span<u8 const> expected; /* ciphertext and tag, or SHA-256 of them when `digest` */
    bool digest;
};

ErrorOr<void> check(Vector const& vector)
{
    return Sealer::with(vector.aead(), vector.key, [&](EVP_AEAD_CTX* context) -> ErrorOr<void> {
        usize written = TRY(seal(context, vector.nonce, vector.plaintext, vector.additional, s_sealed));
        std::span<u8> sealed(s_sealed, written);
        u8 digest[SHA256_DIGEST_LENGTH];
        std::span<u8 const> answer = sealed;
        if (vector.digest) {
            SHA256(sealed.data(), sealed.size(), digest);
            answer = std::span<u8 const>(digest, sizeof(digest));
        }
        if (answer.size() != vector.expected.size()
            || memcmp(answer.data(), vector.expected.data(), answer.size()) != 0)
            return Error(ErrorCode::MalformedMessage, vector.name);
        return open_and_tamper(context, vector.nonce, vector.plaintext, vector.additional, sealed);
    });
}

/* Key 00 01 … and nonce a0 … ab: the longer vectors' inputs. */
constexpr u8 counting_key[32] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
    24, 25, 26, 27, 28, 29, 30, 31 };
constexpr u8 counting_nonce[12] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab };
constexpr char long_additional[] = "vectra-tls-kat";

/* The GCM specification (McGrew and Viega), test case 4. */
constexpr u8 gcm_key[]
    = { 0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08 };
constexpr u8 gcm_nonce[] = { 0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88 };
constexpr u8 gcm_plaintext[] = { 0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5, 0xa5, 0x59, 0x09, 0xc5, 0xaf, 0xf5,
    0x26, 0x9a, 0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda, 0x2e, 0x4c, 0x30, 0x3d, 0x8a, 0x31, 0x8a, 0x72, 0x1c,
    0x3c, 0x0c, 0x95, 0x95, 0x68, 0x09, 0x53, 0x2f, 0xcf, 0x0e, 0x24, 0x49, 0xa6, 0xb5, 0x25, 0xb1, 0x6a, 0xed, 0xf5,
    0xaa, 0x0d, 0xe6, 0x57, 0xba, 0x63, 0x7b, 0x39 };
constexpr u8 gcm_additional[] = { 0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad,
    0xbe, 0xef, 0xab, 0xad, 0xda, 0xd2 };
constexpr u8 gcm_sealed[] = { 0x42, 0x83, 0x1e, 0xc2, 0x21, 0x77, 0x74, 0x24, 0x4b, 0x72, 0x21, 0xb7, 0x84, 0xd0, 0xd4,
    0x9c, 0xe3, 0xaa, 0x21, 0x2f, 0x2c, 0x02, 0xa4, 0xe0, 0x35, 0xc1, 0x7e, 0x23, 0x29, 0xac, 0xa1, 0x2e, 0x21, 0xd5,
    0x14, 0xb2, 0x54, 0x66, 0x93, 0x1c, 0x7d, 0x8f, 0x6a, 0x5a, 0xac, 0x84, 0xaa, 0x05, 0x1b, 0xa3, 0x0b, 0x39, 0x6a,
    0x0a, 0xac, 0x97, 0x3d, 0x58, 0xe0, 0x91, 0x5b, 0xc9, 0x4f, 0xbc, 0x32, 0x21, 0xa5, 0xdb, 0x94, 0xfa, 0xe9, 0x5a,
    0xe7, 0x12, 0x1a, 0x47 };

/* RFC 8439 §2.8.2. */
constexpr u8 chacha_key[] = { 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e,
    0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f };
constexpr u8 chacha_nonce[] = { 0x07, 0x00, 0x00, 0x00, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47 };
constexpr u8 chacha_additional[] = { 0x50, 0x51, 0x52, 0x53, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7 };
constexpr char chacha_plaintext[] = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
                                    "the future, sunscreen would be it.";
constexpr u8 chacha_sealed[] = { 0xd3, 0x1a, 0x8d, 0x34, 0x64, 0x8e, 0x60, 0xdb, 0x7b, 0x86, 0xaf, 0xbc, 0x53, 0xef,
    0x7e, 0xc2, 0xa4, 0xad, 0xed, 0x51, 0x29, 0x6e, 0x08, 0xfe, 0xa9, 0xe2, 0xb5, 0xa7, 0x36, 0xee, 0x62, 0xd6, 0x3d,
    0xbe, 0xa4, 0x5e, 0x8c, 0xa9, 0x67, 0x12, 0x82, 0xfa, 0xfb, 0x69, 0xda, 0x92, 0x72, 0x8b, 0x1a, 0x71, 0xde, 0x0a,
    0x9e, 0x06, 0x0b, 0x29, 0x05, 0xd6, 0xa5, 0xb6, 0x7e, 0xcd, 0x3b, 0x36, 0x92, 0xdd, 0xbd, 0x7f, 0x2d, 0x77, 0x8b,
    0x8c, 0x98, 0x03, 0xae, 0xe3, 0x28, 0x09, 0x1b, 0x58, 0xfa, 0xb3, 0x24, 0xe4, 0xfa, 0xd6, 0x75, 0x94, 0x55, 0x85,
    0x80, 0x8b, 0x48, 0x31, 0xd7, 0xbc, 0x3f, 0xf4, 0xde, 0xf0, 0x8e, 0x4b, 0x7a, 0x9d, 0xe5, 0x76, 0xd2, 0x65, 0x86,
    0xce, 0xc6, 0x4b, 0x61, 0x16, 0x1a, 0xe1, 0x0b, 0x59, 0x4f, 0x09, 0xe2, 0x6a, 0x7e, 0x90, 0x2e, 0xcb, 0xd0, 0x60,
    0x06, 0x91 };

/* SHA-256 of ciphertext and tag for the 4099-byte pattern (byte i = 7i + 3), computed with
 * Python's cryptography (OpenSSL). */
constexpr u8 aes_128_gcm_long[] = { 0x7c, 0xe4, 0x8a, 0xf8, 0xcf, 0xc7, 0x12, 0x94, 0x46, 0xc7, 0x81, 0xe4, 0x33, 0xea,
    0x06, 0x84, 0xd2, 0xe1, 0x8a, 0x89, 0xa8, 0x03, 0x48, 0x70, 0x48, 0xfe, 0x00, 0x6c, 0x42, 0x1b, 0x6c, 0xe1 };
constexpr u8 aes_256_gcm_long[] = { 0xf7, 0x8c, 0x1a, 0x28, 0x8a, 0x75, 0xd9, 0x64, 0xf8, 0x6c, 0x87, 0x91, 0x93, 0xa8,
    0x73, 0xf5, 0xce, 0xf5, 0x65, 0xfe, 0x6f, 0x1b, 0x5b, 0x25, 0xc1, 0xa7, 0xb7, 0x00, 0x27, 0xe8, 0x7a, 0x83 };
constexpr u8 chacha20_poly1305_long[] = { 0x92, 0xd3, 0xa7, 0x38, 0xde, 0xe1, 0x7d, 0x68, 0x2d, 0xcf, 0x74, 0x15, 0xc4,
    0x68, 0xc9, 0x1d, 0x30, 0x5b, 0x2c, 0x77, 0xdc, 0x04, 0x84, 0x4d, 0xbf, 0xb4, 0x6c, 0xda, 0x3a, 0x59, 0x00, 0x73 };

template<typename T, usize N>
std::span<u8 const> bytes_of(T const (&array)[N])
{
    return std::span<u8 const>(reinterpret_cast<u8 const*>(array), sizeof(array));
}

void fill_pattern(usize bytes)
{
    for (usize index = 0; index < bytes; ++index)
        s_plaintext[index] = static_cast<u8>(index * 7 + 3);
}

}

ErrorOr<void> check_known_answers()
{
    fill_pattern(long_bytes);
    std::span<u8 const> pattern(s_plaintext, long_bytes);
    std::span<u8 const> additional = bytes_of(long_additional).first(sizeof(long_additional) - 1);
    std::span<u8 const> key = bytes_of(counting_key);
    std::span<u8 const> nonce = bytes_of(counting_nonce);
    Vector const vectors[] = {
        { "AES-128-GCM differs from the GCM specification's test case 4", EVP_aead_aes_128_gcm, bytes_of(gcm_key),
            bytes_of(gcm_nonce), bytes_of(gcm_plaintext), bytes_of(gcm_additional), bytes_of(gcm_sealed), false },
        { "ChaCha20-Poly1305 differs from RFC 8439 2.8.2", EVP_aead_chacha20_poly1305, bytes_of(chacha_key),
            bytes_of(chacha_nonce), bytes_of(chacha_plaintext).first(sizeof(chacha_plaintext) - 1),
            bytes_of(chacha_additional), bytes_of(chacha_sealed), false },
        { "AES-128-GCM over 4099 bytes differs from the known digest", EVP_aead_aes_128_gcm, key.first(16), nonce,
            pattern, additional, bytes_of(aes_128_gcm_long), true },
        { "AES-256-GCM over 4099 bytes differs from the known digest", EVP_aead_aes_256_gcm, key, nonce, pattern,
            additional, bytes_of(aes_256_gcm_long), true },
        { "ChaCha20-Poly1305 over 4099 bytes differs from the known digest", EVP_aead_chacha20_poly1305, key, nonce,
            pattern, additional, bytes_of(chacha20_poly1305_long), true },
    };
    for (auto const& vector : vectors)
        TRY(check(vector));
    return {};
}

ErrorOr<SealCost> measure_seal_cost(usize kib, u64 (*now)())
{
    if (kib == 0)
        return Error(ErrorCode::InvalidArgument, "nothing to measure");
    fill_pattern(record_bytes);
    auto nanoseconds_per_kib = [&](EVP_AEAD const* aead, usize key_bytes) -> ErrorOr<u64> {
        u64 took = 0;
        TRY(Sealer::with(aead, bytes_of(counting_key).first(key_bytes), [&](EVP_AEAD_CTX* context) -> ErrorOr<void> {
            /* One record untimed first: under QEMU's TCG the first run of a code path includes its
             * translation, which is not the cipher's cost. */
            TRY(seal(context, bytes_of(counting_nonce), std::span<u8 const>(s_plaintext, record_bytes), {}, s_sealed));
            u64 started = now();
            for (usize done = 0; done < kib * KiB; done += record_bytes) {
                usize piece = kib * KiB - done < record_bytes ? kib * KiB - done : record_bytes;
                TRY(seal(context, bytes_of(counting_nonce), std::span<u8 const>(s_plaintext, piece), {}, s_sealed));
            }
            took = now() - started;
            return {};
        }));
        return took / kib;
    };
    return SealCost {
        .aes_128_gcm = TRY(nanoseconds_per_kib(EVP_aead_aes_128_gcm(), 16)),
        .aes_256_gcm = TRY(nanoseconds_per_kib(EVP_aead_aes_256_gcm(), 32)),
        .chacha20_poly1305 = TRY(nanoseconds_per_kib(EVP_aead_chacha20_poly1305(), 32)),
    };
}

}
