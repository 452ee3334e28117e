/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <sodium/crypto_scalarmult_curve25519.h>
#include <vectra/crypto/X25519.h>

namespace vectra::crypto {

static_assert(crypto_scalarmult_curve25519_BYTES == 32 && crypto_scalarmult_curve25519_SCALARBYTES == 32);

Secret<32> x25519_generate_private_key(HighRng& randomness)
{
    Secret<32> key;
    randomness.fill(std::span<u8>(detail::SecretAccess::bytes(key), 32));
    return key;
}

X25519PublicKey x25519_public_key(Secret<32> const& private_key)
{
    X25519PublicKey public_key;
    VERIFY(crypto_scalarmult_curve25519_base(public_key.bytes.data(), private_key.reveal().data()) == 0);
    return public_key;
}

ErrorOr<Secret<32>> x25519(Secret<32> const& private_key, X25519PublicKey const& peer)
{
    Secret<32> shared;
    if (crypto_scalarmult_curve25519(
            detail::SecretAccess::bytes(shared), private_key.reveal().data(), peer.bytes.data())
        != 0)
        return Error(ErrorCode::InvalidArgument, "peer public key has small order");
    return shared;
}

}
