/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <array>
#include <span>
#include <vectra/Error.h>
#include <vectra/Random.h>
#include <vectra/crypto/Secret.h>

namespace vectra::crypto {

/* Ed25519 (RFC 8032, pure, no context), through libsodium's crypto_sign_ed25519_*. */
struct Ed25519PublicKey {
    std::array<u8, 32> bytes {};
};

struct Ed25519Signature {
    std::array<u8, 64> bytes {};
};

struct Ed25519KeyPair {
    Ed25519PublicKey public_key;
    /* libsodium's form: the 32-byte seed followed by the public key. */
    Secret<64> secret_key;
};

/* The key pair RFC 8032 derives from a 32-byte private key ("seed"). */
[[nodiscard]] Ed25519KeyPair ed25519_key_pair_from_seed(Secret<32> const& seed);
/* A new key pair: its seed comes from High randomness, nothing weaker type-checks. */
[[nodiscard]] Ed25519KeyPair ed25519_generate(HighRng& randomness);

[[nodiscard]] Ed25519Signature ed25519_sign(Secret<64> const& secret_key, std::span<u8 const> message);

/*
 * Ok when `signature` is a valid signature of `message` by `public_key`; else InvalidArgument
 * ("signature does not verify"). Non-canonical encodings and small-order keys are refused, as
 * libsodium does.
 */
[[nodiscard]] ErrorOr<void> ed25519_verify(
    Ed25519PublicKey const& public_key, std::span<u8 const> message, Ed25519Signature const& signature);

}
