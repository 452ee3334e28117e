/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <sodium/crypto_aead_chacha20poly1305.h>
#include <sodium/crypto_aead_xchacha20poly1305.h>
#include <vectra/crypto/Aead.h>

namespace vectra::crypto {

namespace {

static_assert(crypto_aead_chacha20poly1305_ietf_KEYBYTES == aead_key_size);
static_assert(crypto_aead_chacha20poly1305_ietf_ABYTES == aead_tag_size);
static_assert(crypto_aead_chacha20poly1305_ietf_NPUBBYTES == ChaCha20Poly1305Nonce::size);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == aead_key_size);
static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == aead_tag_size);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == XChaCha20Poly1305Nonce::size);

using SealFunction = int (*)(unsigned char*, unsigned long long*, unsigned char const*, unsigned long long,
    unsigned char const*, unsigned long long, unsigned char const*, unsigned char const*, unsigned char const*);
using OpenFunction = int (*)(unsigned char*, unsigned long long*, unsigned char*, unsigned char const*,
    unsigned long long, unsigned char const*, unsigned long long, unsigned char const*, unsigned char const*);

ErrorOr<usize> seal(SealFunction function, usize largest_plaintext, Secret<aead_key_size> const& key, u8 const* nonce,
    std::span<u8 const> associated_data, std::span<u8 const> plaintext, std::span<u8> output)
{
    if (plaintext.size() > largest_plaintext)
        return Error(ErrorCode::TooLarge, "plaintext longer than the cipher allows");
    if (output.size() < plaintext.size() + aead_tag_size)
        return Error(ErrorCode::Full, "output shorter than the plaintext and its tag");
    unsigned long long written = 0;
    VERIFY(function(output.data(), &written, plaintext.data(), plaintext.size(), associated_data.data(),
               associated_data.size(), nullptr, nonce, key.reveal().data())
        == 0);
    return static_cast<usize>(written);
}

ErrorOr<usize> open(OpenFunction function, Secret<aead_key_size> const& key, u8 const* nonce,
    std::span<u8 const> associated_data, std::span<u8 const> ciphertext, std::span<u8> output)
{
    if (ciphertext.size() < aead_tag_size)
        return Error(ErrorCode::MalformedMessage, "ciphertext shorter than its tag");
    if (output.size() < ciphertext.size() - aead_tag_size)
        return Error(ErrorCode::Full, "output shorter than the plaintext");
    unsigned long long written = 0;
    if (function(output.data(), &written, nullptr, ciphertext.data(), ciphertext.size(), associated_data.data(),
            associated_data.size(), nonce, key.reveal().data())
        != 0)
        return Error(ErrorCode::InvalidArgument, "ciphertext does not authenticate");
    return static_cast<usize>(written);
}

}

ErrorOr<usize> aead_seal(Secret<aead_key_size> const& key, ChaCha20Poly1305Nonce const& nonce,
    std::span<u8 const> associated_data, std::span<u8 const> plaintext, std::span<u8> output)
{
    return seal(crypto_aead_chacha20poly1305_ietf_encrypt, crypto_aead_chacha20poly1305_ietf_messagebytes_max(), key,
        nonce.bytes.data(), associated_data, plaintext, output);
}

ErrorOr<usize> aead_seal(Secret<aead_key_size> const& key, XChaCha20Poly1305Nonce const& nonce,
    std::span<u8 const> associated_data, std::span<u8 const> plaintext, std::span<u8> output)
{
    return seal(crypto_aead_xchacha20poly1305_ietf_encrypt, crypto_aead_xchacha20poly1305_ietf_messagebytes_max(), key,
        nonce.bytes.data(), associated_data, plaintext, output);
}

ErrorOr<usize> aead_open(Secret<aead_key_size> const& key, ChaCha20Poly1305Nonce const& nonce,
    std::span<u8 const> associated_data, std::span<u8 const> ciphertext, std::span<u8> output)
{
    return open(
        crypto_aead_chacha20poly1305_ietf_decrypt, key, nonce.bytes.data(), associated_data, ciphertext, output);
}

ErrorOr<usize> aead_open(Secret<aead_key_size> const& key, XChaCha20Poly1305Nonce const& nonce,
    std::span<u8 const> associated_data, std::span<u8 const> ciphertext, std::span<u8> output)
{
    return open(
        crypto_aead_xchacha20poly1305_ietf_decrypt, key, nonce.bytes.data(), associated_data, ciphertext, output);
}

}
