/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * One TLS 1.3 connection inside tlsd: a BoringSSL SSL object whose records go through a BIO pair,
 * the other end of which tlsd moves to and from a netd TCP socket without ever waiting (netd is
 * asked with `wait` unset: would-block is "later"). pump() moves what can move now — ciphertext
 * out, ciphertext in, the handshake, decrypted bytes into the connection's bounded buffer — and
 * says whether anything moved. A connection that failed keeps its error; it never recovers.
 *
 * A lingering close (ADR 0038, amendment "a lingering, orderly close"): a closed stream whose
 * connection is established is not dropped at once. linger() sends every byte still buffered and
 * close_notify, then shuts down the netd socket's sending side (a FIN after the bytes netd holds),
 * and reads and discards what the peer still sends until its end; only then is the socket closed,
 * in order. A deadline bounds it: past it the socket is closed in order when tlsd handed netd every
 * byte and the FIN, and reset when it could not (the peer sees a reset, never a quietly short body).
 */

#pragma once

#include <optional>
#include <utility>
#include <openssl/ssl.h>
#include <vectra/Error.h>
#include <tlsd/Network.h>
#include <vectra/tlsstream/Protocol.h>

namespace vectra::tlsd {

/* Decrypted bytes a connection holds before the client reads them (the session's budget bounds them too). */
inline constexpr usize connection_buffer_bytes = 4096;
/* Ciphertext read from the BIO pair and not yet taken by netd: one netd send moves up to this much (its transfer buffer). */
inline constexpr usize staged_bytes = 16 * 1024;
inline constexpr usize bio_pair_bytes = 17 * 1024;
/* The most plaintext a TLS record carries (RFC 8446 §5.1): a write seals records this full. */
inline constexpr usize maximum_record = 16 * 1024;
/* Room a record needs beyond its plaintext in the BIO pair (header, content type, AEAD tag: 22 bytes, with margin). */
inline constexpr usize record_overhead = 64;

/*
 * A connection's staging buffer, taken from its Server's pool (one per connection tlsd may hold)
 * and given back when the connection goes: 16 KiB inside each Connection would make the ones the
 * loop keeps on its stack while it moves them (accept, connect) overflow tlsd's stack.
 */
class StagingBuffer {
public:
    StagingBuffer() = default;
    StagingBuffer(u8* bytes, bool* used)
        : m_bytes(bytes)
        , m_used(used)
    {
    }
    StagingBuffer(StagingBuffer&& other)
        : m_bytes(std::exchange(other.m_bytes, nullptr))
        , m_used(std::exchange(other.m_used, nullptr))
    {
    }
    StagingBuffer& operator=(StagingBuffer&& other)
    {
        if (this != &other) {
            release();
            m_bytes = std::exchange(other.m_bytes, nullptr);
            m_used = std::exchange(other.m_used, nullptr);
        }
        return *this;
    }
    ~StagingBuffer() { release(); }
    [[nodiscard]] u8* data() const { return m_bytes; }

private:
    void release()
    {
        if (m_used)
            *m_used = false;
        m_bytes = nullptr;
        m_used = nullptr;
    }
    u8* m_bytes { nullptr };
    bool* m_used { nullptr };
};

/* The verifier's result (X509_V_ERR_…) as vectra.tls says it. */
[[nodiscard]] tls_stream::TlsError verification_error(long result);

class Connection {
public:
    enum class State : u8 {
        Handshaking,
        Established,
        Failed,
    };
    enum class Role : u8 {
        Client,
        Server,
    };

    /* A connection over `socket` (netd's), as client (verifying `server_name`) or server; nothing moves until pump(). */
    [[nodiscard]] static ErrorOr<Connection> create(
        SSL_CTX*, Role, net::Socket, tls_stream::ServerName const* server_name, u64 deadline, StagingBuffer);

    Connection(Connection&&) = default;
    Connection& operator=(Connection&&) = default;

    /* Moves what can move now; `room`: how many more decrypted bytes the session admits. True when anything moved. */
    [[nodiscard]] bool pump(Network&, usize room, u64 now);
    /*
     * Plaintext into TLS records of up to maximum_record bytes, each handed to netd as soon as it is
     * sealed, for as long as the BIO pair has room for a whole record (or the rest of `bytes`):
     * `would-block` when none fits, `shut-down` after shutdown.
     */
    [[nodiscard]] ErrorOr<usize> write(Network&, std::span<u8 const>);
    /* Whether a whole record fits now (after handing netd what it takes): errors as write()'s. */
    [[nodiscard]] ErrorOr<bool> has_room(Network&);
    /* Decrypted bytes out of the buffer. */
    [[nodiscard]] usize read(std::span<u8>);
    /* close_notify after the bytes written so far. */
    void shutdown();
    /* The netd socket closed at once: in order when every byte and close_notify went to netd now, reset otherwise. */
    void close(Network&);

    enum class Linger : u8 {
        Lingering,
        Closed,  /* in order after the FIN and the peer's end, or reset when the connection failed meanwhile */
        Expired, /* the deadline passed: closed in order after the FIN, reset before it */
    };
    /* The stream was closed: close_notify queued, unread bytes dropped; false when not established (close() it). */
    [[nodiscard]] bool start_linger(u64 deadline);
    /* One step of the lingering close; once not Lingering the netd socket is closed. */
    [[nodiscard]] Linger linger(Network&, u64 now);
    [[nodiscard]] bool is_lingering() const { return m_lingering; }
    /* When this connection must be looked at even if nothing arrives: its linger's or its handshake's deadline; nothing once established. */
    [[nodiscard]] std::optional<u64> deadline() const
    {
        if (m_lingering)
            return m_linger_deadline;
        if (m_state == State::Handshaking)
            return m_deadline;
        return std::nullopt;
    }

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] Error const& failure() const { return *m_failure; }
    [[nodiscard]] usize buffered() const { return m_buffered; }
    [[nodiscard]] bool ended() const { return m_peer_ended && m_buffered == 0; }
    [[nodiscard]] bool is_shut_down() const { return m_shut_down; }
    [[nodiscard]] net::Socket const& socket() const { return m_socket; }
    /*
     * netd named this connection's socket in a watch's answer (vectra.socket v5): bytes, an end
     * or send room may be there. Until then a connection whose receive found nothing does not ask
     * netd again, nor one whose send was refused (ADR 0038, amendment "woken by netd").
     */
    void notice_event()
    {
        m_may_receive = true;
        m_may_send = true;
    }
    [[nodiscard]] u64 records() const { return m_records; }
    [[nodiscard]] u64 network_sends() const { return m_network_sends; }
    [[nodiscard]] tls_stream::Established established() const;

private:
    Connection(bssl::UniquePtr<SSL> ssl, bssl::UniquePtr<BIO> network, net::Socket socket, u64 deadline, StagingBuffer staged)
        : m_ssl(std::move(ssl))
        , m_network(std::move(network))
        , m_socket(socket)
        , m_deadline(deadline)
        , m_staged(std::move(staged))
    {
    }

    [[nodiscard]] bool flush(Network&);
    [[nodiscard]] bool take_in(Network&);
    /* Every record tlsd made (close_notify too, once shut down) went to netd. */
    [[nodiscard]] bool handed_over() const;
    [[nodiscard]] bool step_handshake();
    /* A server's NewSessionTickets sealed into the pair as its handshake ends (not with its first write). */
    void send_tickets();
    [[nodiscard]] bool decrypt(usize room);
    void fail(Error);
    [[nodiscard]] Error network_failure(Error const&) const;

    bssl::UniquePtr<SSL> m_ssl;
    bssl::UniquePtr<BIO> m_network; /* our end of the BIO pair; the SSL object owns the other */
    net::Socket m_socket;
    u64 m_deadline { 0 };
    State m_state { State::Handshaking };
    std::optional<Error> m_failure;
    StagingBuffer m_staged; /* staged_bytes */
    usize m_staged_length { 0 };
    usize m_staged_offset { 0 };
    u8 m_buffer[connection_buffer_bytes];
    usize m_buffered { 0 };
    bool m_tcp_ended { false };
    bool m_peer_ended { false };
    bool m_shut_down { false };
    bool m_lingering { false };
    bool m_sent_end { false };
    bool m_may_receive { true }; /* false once netd answered a receive would-block, until notice_event() */
    bool m_may_send { true };    /* false once netd refused a send for room, until notice_event() */
    u64 m_records { 0 };       /* records write() sealed */
    u64 m_network_sends { 0 }; /* sends netd took bytes of */
    u64 m_linger_deadline { 0 };
};

/* The loop keeps connections on its stack while it moves them (connect, accept): they stay small, the staging buffer lives in the Server. */
static_assert(sizeof(Connection) <= 8 * 1024);

}
