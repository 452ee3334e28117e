/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <array>
#include <vectra/Error.h>
#include <vectra/Random.h>
#include <vectra/crypto/Secret.h>

namespace vectra::crypto {

/* X25519 (RFC 7748) through libsodium's crypto_scalarmult_curve25519. */
struct X25519PublicKey {
    std::array<u8, 32> bytes {};
};

/* A private key (scalar; clamped when used, as RFC 7748 says) from High randomness. */
[[nodiscard]] Secret<32> x25519_generate_private_key(HighRng& randomness);

[[nodiscard]] X25519PublicKey x25519_public_key(Secret<32> const& private_key);

/*
 * X25519(private_key, peer). A peer key of small order gives the all-zero output, which is
 * refused with InvalidArgument ("peer public key has small order") as RFC 7748 §6.1 allows.
 */
[[nodiscard]] ErrorOr<Secret<32>> x25519(Secret<32> const& private_key, X25519PublicKey const& peer);

}
