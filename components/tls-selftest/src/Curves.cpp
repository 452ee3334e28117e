/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * X25519 and ECDSA P-256 against published answers, and their cost (Curves.h).
 */

#include "Curves.h"
#include <openssl/bn.h>
#include <openssl/curve25519.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/nid.h>
#include <openssl/sha.h>
#include <string.h>
#include <vectra/Try.h>

namespace vectra::tls_selftest {

namespace {

using Bytes32 = u8[32];

/* RFC 7748 §6.1. */
constexpr Bytes32 alice_private = { 0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72, 0x51,
    0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a };
constexpr Bytes32 alice_public = { 0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d, 0xdc, 0xb4,
    0x3e, 0xf7, 0x5a, 0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38, 0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b, 0x4e, 0x6a };
constexpr Bytes32 bob_private = { 0x5d, 0xab, 0x08, 0x7e, 0x62, 0x4a, 0x8a, 0x4b, 0x79, 0xe1, 0x7f, 0x8b, 0x83, 0x80,
    0x0e, 0xe6, 0x6f, 0x3b, 0xb1, 0x29, 0x26, 0x18, 0xb6, 0xfd, 0x1c, 0x2f, 0x8b, 0x27, 0xff, 0x88, 0xe0, 0xeb };
constexpr Bytes32 bob_public = { 0xde, 0x9e, 0xdb, 0x7d, 0x7b, 0x7d, 0xc1, 0xb4, 0xd3, 0x5b, 0x61, 0xc2, 0xec, 0xe4,
    0x35, 0x37, 0x3f, 0x83, 0x43, 0xc8, 0x5b, 0x78, 0x67, 0x4d, 0xad, 0xfc, 0x7e, 0x14, 0x6f, 0x88, 0x2b, 0x4f };
constexpr Bytes32 shared_secret = { 0x4a, 0x5d, 0x9d, 0x5b, 0xa4, 0xce, 0x2d, 0xe1, 0x72, 0x8e, 0x3b, 0xf4, 0x80,
    0x35, 0x0f, 0x25, 0xe0, 0x7e, 0x21, 0xc9, 0x47, 0xd1, 0x9e, 0x33, 0x76, 0xf0, 0x9b, 0x3c, 0x1e, 0x16, 0x17, 0x42 };

/* RFC 6979 A.2.5: P-256's key, and the signature of "sample" with SHA-256. */
constexpr Bytes32 p256_private = { 0xc9, 0xaf, 0xa9, 0xd8, 0x45, 0xba, 0x75, 0x16, 0x6b, 0x5c, 0x21, 0x57, 0x67,
    0xb1, 0xd6, 0x93, 0x4e, 0x50, 0xc3, 0xdb, 0x36, 0xe8, 0x9b, 0x12, 0x7b, 0x8a, 0x62, 0x2b, 0x12, 0x0f, 0x67, 0x21 };
constexpr Bytes32 p256_public_x = { 0x60, 0xfe, 0xd4, 0xba, 0x25, 0x5a, 0x9d, 0x31, 0xc9, 0x61, 0xeb, 0x74, 0xc6,
    0x35, 0x6d, 0x68, 0xc0, 0x49, 0xb8, 0x92, 0x3b, 0x61, 0xfa, 0x6c, 0xe6, 0x69, 0x62, 0x2e, 0x60, 0xf2, 0x9f, 0xb6 };
constexpr Bytes32 p256_public_y = { 0x79, 0x03, 0xfe, 0x10, 0x08, 0xb8, 0xbc, 0x99, 0xa4, 0x1a, 0xe9, 0xe9, 0x56,
    0x28, 0xbc, 0x64, 0xf2, 0xf1, 0xb2, 0x0c, 0x2d, 0x7e, 0x9f, 0x51, 0x77, 0xa3, 0xc2, 0x94, 0xd4, 0x46, 0x22, 0x99 };
constexpr Bytes32 sample_r = { 0xef, 0xd4, 0x8b, 0x2a, 0xac, 0xb6, 0xa8, 0xfd, 0x11, 0x40, 0xdd, 0x9c, 0xd4, 0x5e,
    0x81, 0xd6, 0x9d, 0x2c, 0x87, 0x7b, 0x56, 0xaa, 0xf9, 0x91, 0xc3, 0x4d, 0x0e, 0xa8, 0x4e, 0xaf, 0x37, 0x16 };
constexpr Bytes32 sample_s = { 0xf7, 0xcb, 0x1c, 0x94, 0x2d, 0x65, 0x7c, 0x41, 0xd4, 0x36, 0xc7, 0xa1, 0xb6, 0xe2,
    0x9f, 0x65, 0xf3, 0xe9, 0x00, 0xdb, 0xb9, 0xaf, 0xf4, 0x06, 0x4d, 0xc4, 0xab, 0x2f, 0x84, 0x3a, 0xcd, 0xa8 };

bool equal(u8 const* left, u8 const* right) { return memcmp(left, right, sizeof(Bytes32)) == 0; }

ErrorOr<void> check_x25519()
{
    Bytes32 computed;
    X25519_public_from_private(computed, alice_private);
    if (!equal(computed, alice_public))
        return Error(ErrorCode::InvalidArgument, "X25519: Alice's public key differs from RFC 7748");
    X25519_public_from_private(computed, bob_private);
    if (!equal(computed, bob_public))
        return Error(ErrorCode::InvalidArgument, "X25519: Bob's public key differs from RFC 7748");
    if (!X25519(computed, alice_private, bob_public) || !equal(computed, shared_secret))
        return Error(ErrorCode::InvalidArgument, "X25519: Alice's shared secret differs from RFC 7748");
    if (!X25519(computed, bob_private, alice_public) || !equal(computed, shared_secret))
        return Error(ErrorCode::InvalidArgument, "X25519: Bob's shared secret differs from RFC 7748");
    /* A peer's point of small order gives an all-zero secret: a server must refuse it. */
    constexpr Bytes32 low_order_point = {};
    if (X25519(computed, alice_private, low_order_point))
        return Error(ErrorCode::InvalidArgument, "X25519: a low-order peer point was accepted");
    return {};
}

/* The RFC's private key with its public key computed from it; the caller owns the key. */
ErrorOr<bssl::UniquePtr<EC_KEY>> rfc6979_key()
{
    bssl::UniquePtr<EC_KEY> key(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
    bssl::UniquePtr<BIGNUM> scalar(BN_bin2bn(p256_private, sizeof(p256_private), nullptr));
    if (!key || !scalar || !EC_KEY_set_private_key(key.get(), scalar.get()))
        return Error(ErrorCode::OutOfMemory, "P-256: the key could not be made");
    EC_GROUP const* group = EC_KEY_get0_group(key.get());
    bssl::UniquePtr<EC_POINT> point(EC_POINT_new(group));
    if (!point || !EC_POINT_mul(group, point.get(), scalar.get(), nullptr, nullptr, nullptr)
        || !EC_KEY_set_public_key(key.get(), point.get()))
        return Error(ErrorCode::OutOfMemory, "P-256: the public key could not be computed");
    return key;
}

ErrorOr<void> check_public_key(EC_KEY const* key)
{
    u8 encoded[65];
    usize length = EC_POINT_point2oct(EC_KEY_get0_group(key), EC_KEY_get0_public_key(key),
        POINT_CONVERSION_UNCOMPRESSED, encoded, sizeof(encoded), nullptr);
    if (length != sizeof(encoded) || encoded[0] != 4 || !equal(encoded + 1, p256_public_x)
        || !equal(encoded + 33, p256_public_y))
        return Error(ErrorCode::InvalidArgument, "P-256: the public key differs from RFC 6979 A.2.5");
    return {};
}

ErrorOr<bssl::UniquePtr<ECDSA_SIG>> signature(u8 const* r, u8 const* s)
{
    bssl::UniquePtr<ECDSA_SIG> made(ECDSA_SIG_new());
    BIGNUM* r_number = BN_bin2bn(r, sizeof(Bytes32), nullptr);
    BIGNUM* s_number = BN_bin2bn(s, sizeof(Bytes32), nullptr);
    if (!made || !r_number || !s_number || !ECDSA_SIG_set0(made.get(), r_number, s_number)) {
        BN_free(r_number);
        BN_free(s_number);
        return Error(ErrorCode::OutOfMemory, "P-256: the signature could not be made");
    }
    return made;
}

ErrorOr<void> check_p256()
{
    auto key = TRY(rfc6979_key());
    TRY(check_public_key(key.get()));
    u8 digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<u8 const*>("sample"), 6, digest);
    auto known = TRY(signature(sample_r, sample_s));
    if (ECDSA_do_verify(digest, sizeof(digest), known.get(), key.get()) != 1)
        return Error(ErrorCode::InvalidArgument, "P-256: RFC 6979's signature of \"sample\" was not verified");
    Bytes32 forged_r;
    memcpy(forged_r, sample_r, sizeof(forged_r));
    forged_r[31] ^= 1;
    auto forged = TRY(signature(forged_r, sample_s));
    bool accepted = ECDSA_do_verify(digest, sizeof(digest), forged.get(), key.get()) == 1;
    ERR_clear_error();
    if (accepted)
        return Error(ErrorCode::InvalidArgument, "P-256: a signature with one bit of r flipped was accepted");
    bssl::UniquePtr<ECDSA_SIG> fresh(ECDSA_do_sign(digest, sizeof(digest), key.get()));
    if (!fresh || ECDSA_do_verify(digest, sizeof(digest), fresh.get(), key.get()) != 1)
        return Error(ErrorCode::InvalidArgument, "P-256: a fresh signature was not verified");
    return {};
}

}

ErrorOr<void> check_curve_known_answers()
{
    TRY(check_x25519());
    TRY(check_p256());
    return {};
}

ErrorOr<HandshakeCost> measure_handshake_cost(usize rounds, u64 (*now)())
{
    if (rounds == 0)
        return Error(ErrorCode::InvalidArgument, "nothing to measure");
    auto agree = []() -> ErrorOr<void> {
        u8 public_value[32];
        u8 private_key[32];
        u8 secret[32];
        X25519_keypair(public_value, private_key);
        if (!X25519(secret, private_key, alice_public))
            return Error(ErrorCode::InvalidArgument, "X25519 refused a valid peer point");
        return {};
    };
    auto key = TRY(rfc6979_key());
    u8 digest[SHA256_DIGEST_LENGTH] = {};
    auto sign = [&]() -> ErrorOr<void> {
        bssl::UniquePtr<ECDSA_SIG> made(ECDSA_do_sign(digest, sizeof(digest), key.get()));
        if (!made)
            return Error(ErrorCode::OutOfMemory, "ECDSA_do_sign failed");
        return {};
    };
    auto per_operation = [&](auto operation) -> ErrorOr<u64> {
        /* One untimed run first: under QEMU's TCG the first run of a path includes its translation. */
        TRY(operation());
        u64 started = now();
        for (usize round = 0; round < rounds; ++round)
            TRY(operation());
        return (now() - started) / rounds;
    };
    return HandshakeCost {
        .x25519 = TRY(per_operation(agree)),
        .p256_signature = TRY(per_operation(sign)),
    };
}

}
