/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <array>
#include <span>
#include <vectra/Error.h>
#include <vectra/crypto/Secret.h>

namespace vectra::crypto {

/*
 * ChaCha20-Poly1305 (RFC 8439, 96-bit nonce) and XChaCha20-Poly1305 (192-bit nonce, random
 * nonces are safe), through libsodium's crypto_aead_*chacha20poly1305_ietf_*. Caller buffers only:
 * seal writes plaintext.size() + tag_size bytes, open writes ciphertext.size() - tag_size bytes.
 */
constexpr usize aead_key_size = 32;
constexpr usize aead_tag_size = 16;

template<usize NonceSize>
struct AeadNonce {
    static constexpr usize size = NonceSize;
    std::array<u8, NonceSize> bytes {};
};
using ChaCha20Poly1305Nonce = AeadNonce<12>;
using XChaCha20Poly1305Nonce = AeadNonce<24>;

/*
 * Encrypts and authenticates. Refusals: output shorter than plaintext.size() + 16 (Full),
 * plaintext longer than the cipher allows (TooLarge). Returns the bytes written.
 */
[[nodiscard]] ErrorOr<usize> aead_seal(Secret<aead_key_size> const& key, ChaCha20Poly1305Nonce const& nonce,
    std::span<u8 const> associated_data, std::span<u8 const> plaintext, std::span<u8> output);
[[nodiscard]] ErrorOr<usize> aead_seal(Secret<aead_key_size> const& key, XChaCha20Poly1305Nonce const& nonce,
    std::span<u8 const> associated_data, std::span<u8 const> plaintext, std::span<u8> output);

/*
 * Verifies, then decrypts. Refusals: ciphertext shorter than the tag (MalformedMessage), output
 * too short (Full), and any change to ciphertext, tag, nonce, key or associated data
 * (InvalidArgument, "ciphertext does not authenticate"; output is then zeroed, never holds a
 * forged plaintext).
 */
[[nodiscard]] ErrorOr<usize> aead_open(Secret<aead_key_size> const& key, ChaCha20Poly1305Nonce const& nonce,
    std::span<u8 const> associated_data, std::span<u8 const> ciphertext, std::span<u8> output);
[[nodiscard]] ErrorOr<usize> aead_open(Secret<aead_key_size> const& key, XChaCha20Poly1305Nonce const& nonce,
    std::span<u8 const> associated_data, std::span<u8 const> ciphertext, std::span<u8> output);

}
