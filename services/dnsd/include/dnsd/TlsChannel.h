/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * dnsd's DNS over TLS (RFC 7858) through tlsd: one vectra.tls stream to the configured server on a
 * tlsd session, reused for every query while it lasts (§3.4), queries pipelined on it and answers
 * taken in whatever order they come, matched by id (Lookups.h). tlsd verifies the server's chain
 * against its trust and that the certificate carries the configured name (tlsd's `established`);
 * a server that fails that is never asked anything (RFC 7858's strict profile: no fallback to UDP
 * or to an unverified connection).
 *
 * Opening a connection is the one step that waits (TCP and the handshake, bounded by the
 * configuration's `connect_timeout`); sending a query waits only for tlsd to take its bytes;
 * answers are read without waiting, once per turn of dnsd's loop. A connection that ends (the
 * server closed it, as RFC 7858 servers do when idle) or fails is closed; the next query opens a
 * new one.
 */

#pragma once

#include <optional>
#include <span>
#include <vectra/Duration.h>
#include <vectra/dns/Framing.h>
#include <vectra/net/Protocol.h>
#include <vectra/tlsstream/Transfer.h>

namespace vectra::dnsd {

struct TlsServer {
    net::Address address;             /* port 853 normally */
    tls_stream::ServerName name;      /* the name the server's certificate must carry */
    Duration connect_timeout { Duration::from_seconds(10) };
};

class TlsChannel {
public:
    /* `storage` holds a stream's frames (dns::largest_frame_bytes). */
    static ErrorOr<TlsChannel> create(tls_stream::Session&, TlsServer const&, std::span<u8> storage);

    /* Sends one framed message, opening (and verifying) a connection first when none is open. On failure the connection is closed. */
    [[nodiscard]] ErrorOr<void> send(std::span<u8 const> framed);
    /* The next whole answer, reading what tlsd holds without waiting; nothing while none is whole; an error when the connection ended or failed (it is closed then). */
    [[nodiscard]] ErrorOr<std::optional<std::span<u8 const>>> next();

    [[nodiscard]] bool is_open() const { return m_stream.has_value(); }
    [[nodiscard]] u32 connections_opened() const { return m_connections_opened; }
    void close();

private:
    TlsChannel(tls_stream::Session& session, TlsServer const& server, dns::StreamFrames frames)
        : m_session(&session)
        , m_server(server)
        , m_frames(frames)
    {
    }

    [[nodiscard]] ErrorOr<void> open();

    tls_stream::Session* m_session;
    TlsServer m_server;
    dns::StreamFrames m_frames;
    std::optional<u32> m_stream;
    u32 m_connections_opened { 0 };
};

}
