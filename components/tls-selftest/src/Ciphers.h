/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The record ciphers checked and measured on their own: TLS's two sides in one Task would agree
 * with each other even if a cipher were wrong, so each AEAD is checked against answers computed
 * elsewhere (a published vector, and digests of a longer seal made with another implementation),
 * and its sealing speed is measured per KiB in the image.
 */

#pragma once

#include <vectra/Error.h>

namespace vectra::tls_selftest {

/*
 * AES-128-GCM on the GCM specification's test case 4 (60 bytes, 20 bytes of additional data),
 * ChaCha20-Poly1305 on RFC 8439 §2.8.2, and AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305 over
 * 4099 bytes (SHA-256 of ciphertext and tag compared): sealed, opened back, and a flipped tag
 * bit refused.
 */
[[nodiscard]] ErrorOr<void> check_known_answers();

struct SealCost {
    u64 aes_128_gcm; /* nanoseconds per KiB sealed */
    u64 aes_256_gcm;
    u64 chacha20_poly1305;
};

/* Seals `kib` KiB with each AEAD in 16 KiB records (TLS's largest), timed with `now`, after one untimed record. */
[[nodiscard]] ErrorOr<SealCost> measure_seal_cost(usize kib, u64 (*now)());

}
