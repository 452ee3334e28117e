/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The TLS self-test's checks, the same inside the image's Task and in the host test that gives
 * them too little memory: a TLS 1.3 client and server in one Task over an in-memory BIO pair.
 * The caller has installed BoringSSL's randomness and memory (vectra/tls/Runtime.h).
 */

#pragma once

#include "Certificates.h"
#include <vectra/Error.h>

namespace vectra::tls_selftest {

constexpr char const* host_name = "tls.vectra.test";

struct Session {
    char const* cipher; /* the negotiated cipher suite's standard name */
    char const* group; /* the key exchange group */
    usize bytes_each_way;
};

/*
 * A handshake with `server` as the server's identity, the client trusting only `certificates.ca`,
 * checking the name tls.vectra.test and validity at `now` (Unix seconds), then `bytes` from client
 * to server and `bytes` back, compared. Any failure (a refused certificate, memory running out)
 * is an error naming BoringSSL's reason; nothing panics.
 */
[[nodiscard]] ErrorOr<Session> handshake_and_transfer(Certificates const& certificates, Identity const& server,
    i64 now, usize bytes);

/*
 * The same handshake, expected to be refused by the client's verifier: returns the verification
 * result (X509_V_ERR_…) and its text. An error when the handshake completed, or failed for a
 * reason other than verification.
 */
struct Refusal {
    long verify_result;
    char const* reason;
};
[[nodiscard]] ErrorOr<Refusal> refused_handshake(Certificates const& certificates, Identity const& server, i64 now);

}
