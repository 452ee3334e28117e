/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The key agreement and signature a TLS 1.3 server makes per handshake, checked on their own
 * against published answers and timed: X25519 (RFC 7748) and ECDSA over P-256 (RFC 6979's
 * key and signature). A handshake between two sides in one Task would agree even if both used the
 * same wrong arithmetic; a published answer would not.
 */

#pragma once

#include <vectra/Error.h>

namespace vectra::tls_selftest {

/*
 * X25519: RFC 7748 §6.1's two public keys from their private keys, the shared secret both ways,
 * and a low-order peer point refused (an all-zero secret). P-256: RFC 6979 A.2.5's public key from
 * its private key, its SHA-256 signature of "sample" verified, the same with one bit of r flipped
 * refused, and a fresh signature verified.
 */
[[nodiscard]] ErrorOr<void> check_curve_known_answers();

struct HandshakeCost {
    u64 x25519; /* nanoseconds: one key pair and one shared secret, a server's share of a handshake */
    u64 p256_signature; /* nanoseconds: one ECDSA P-256 signature over a SHA-256 digest */
};

/* Each operation `rounds` times, timed with `now`, after one untimed run; per operation. */
[[nodiscard]] ErrorOr<HandshakeCost> measure_handshake_cost(usize rounds, u64 (*now)());

}
