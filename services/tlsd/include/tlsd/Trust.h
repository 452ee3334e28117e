/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tlsd's BoringSSL contexts (docs/adr/0038-tlsd-and-the-tls-stream-protocol.md): the client's, which
 * trusts exactly the CA certificates of a PEM bundle (Debian's ca-certificates taken at build time,
 * or a CA the manifest names) and verifies at a time tlsd is given (images have no calendar); the
 * server's, from tlsd's identity — a PEM certificate chain followed by its private key, read from
 * tlsd's Bundle. Both speak TLS 1.3 only. The key is parsed into the server context and nowhere
 * else: no request of vectra.tls reads it.
 */

#pragma once

#include <openssl/ssl.h>
#include <string_view>
#include <vectra/Error.h>

namespace vectra::tlsd {

class Contexts {
public:
    /* `trust`: PEM certificates (at least one); `identity`: PEM chain then key, or empty (no listening). */
    [[nodiscard]] static ErrorOr<Contexts> create(std::string_view trust, std::string_view identity, i64 now_seconds);

    [[nodiscard]] SSL_CTX* client() const { return m_client.get(); }
    /* nullptr when tlsd has no identity. */
    [[nodiscard]] SSL_CTX* server() const { return m_server.get(); }
    [[nodiscard]] usize trusted() const { return m_trusted; }

private:
    bssl::UniquePtr<SSL_CTX> m_client;
    bssl::UniquePtr<SSL_CTX> m_server;
    usize m_trusted { 0 };
};

/* BoringSSL's reason for the error on its queue (static text), or `fallback`; the queue is emptied. */
[[nodiscard]] char const* take_reason(char const* fallback);

}
