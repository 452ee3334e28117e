/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <sodium/crypto_sign_ed25519.h>
#include <vectra/crypto/Ed25519.h>

namespace vectra::crypto {

static_assert(crypto_sign_ed25519_PUBLICKEYBYTES == 32 && crypto_sign_ed25519_SECRETKEYBYTES == 64);
static_assert(crypto_sign_ed25519_SEEDBYTES == 32 && crypto_sign_ed25519_BYTES == 64);

Ed25519KeyPair ed25519_key_pair_from_seed(Secret<32> const& seed)
{
    Ed25519KeyPair pair;
    VERIFY(crypto_sign_ed25519_seed_keypair(
               pair.public_key.bytes.data(), detail::SecretAccess::bytes(pair.secret_key), seed.reveal().data())
        == 0);
    return pair;
}

Ed25519KeyPair ed25519_generate(HighRng& randomness)
{
    Secret<32> seed;
    randomness.fill(std::span<u8>(detail::SecretAccess::bytes(seed), 32));
    return ed25519_key_pair_from_seed(seed);
}

Ed25519Signature ed25519_sign(Secret<64> const& secret_key, std::span<u8 const> message)
{
    Ed25519Signature signature;
    VERIFY(crypto_sign_ed25519_detached(
               signature.bytes.data(), nullptr, message.data(), message.size(), secret_key.reveal().data())
        == 0);
    return signature;
}

ErrorOr<void> ed25519_verify(
    Ed25519PublicKey const& public_key, std::span<u8 const> message, Ed25519Signature const& signature)
{
    if (crypto_sign_ed25519_verify_detached(
            signature.bytes.data(), message.data(), message.size(), public_key.bytes.data())
        != 0)
        return Error(ErrorCode::InvalidArgument, "signature does not verify");
    return {};
}

}
