/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.tls, declared once (docs/adr/0038-tlsd-and-the-tls-stream-protocol.md): what tlsd serves on
 * each session — TLS 1.3 streams over netd. Encoding, schema id, client, dispatch and
 * docs/protocols/vectra.tls.md all come from this declaration (core/concurrent's protocol library).
 *
 * Streams. A stream id names a stream or listener of *this session only* (core/net's SocketTable:
 * slot, session and generation bits), so an id from another session, a closed stream's id or a
 * made-up one is `no-such-stream`. A session holds at most `maximum_streams` streams and listeners
 * (`limits`); one more is `limit-reached`.
 *
 * Connecting. `connect` names the peer's address (a name the client resolved already, through
 * dnsd) and the server name, which goes out as SNI and is the name the certificate must carry. It
 * is answered at once with the stream while TCP and the handshake proceed; `established` (with
 * `wait`) is answered once the TLS 1.3 handshake finished and the peer's chain verified against
 * tlsd's trust and its name matched — or with why not: `refused`, the verifier's reason
 * (`name-mismatch`, `untrusted`, `not-valid-now`, else `verification-failed`), `handshake-failed`,
 * `timed-out` (the connect's deadline).
 * A failed stream stays until the client closes it; only `close` frees its id.
 *
 * Serving. `listen` opens a netd listener on `port`; the identity served is tlsd's own (its
 * certificate chain and key from its Bundle: no request carries or returns a key). `accept` gives
 * the next connection whose handshake finished, as a new stream of this session; connections whose
 * handshake fails are dropped and counted.
 *
 * Waiting. `established`, `accept`, `send` and `receive` with `wait` are answered when they can be;
 * without it they are answered at once, `would-block` when nothing can be done yet. A session has at
 * most `maximum_waiting` waiting requests (one more is `busy`), and tlsd takes a request from a
 * session only while its replies Ring has a free slot for every waiting request plus this one: a
 * client that stops reading replies stops its own requests (Ring space bits) and no one else's.
 *
 * Data. Bytes travel in the slot (`data`, at most `inline_maximum`), or (v2) `send-buffer` lends a
 * MemCap holding up to `maximum_buffer_transfer` bytes: tlsd seals them in full records (16 KiB)
 * instead of one record per message, and never keeps a send-buffer waiting: a `send` of no bytes
 * with `wait` is answered once a whole record fits, and the client lends again. `send` takes what fits the
 * stream's outgoing bound (at least one byte, else `would-block`); `receive` returns decrypted bytes
 * tlsd holds for the stream, and `end` once the peer closed its side (close_notify) and every byte
 * was read. A session's decrypted-but-unread bytes are bounded (`maximum_buffered`): past it tlsd
 * stops reading that session's connections, so the peer's TCP window closes; no other session waits.
 *
 * Counters. `counters` reports the session's own counts, and (v3) one of tlsd's: `rescued_turns`,
 * the looks tlsd's loop makes at every socket without being told to that then moved something —
 * each a wake-up netd's watch did not bring (ADR 0038), so anything but 0 is a bug in tlsd or netd.
 *
 * Readiness (v4; ADR 0038 amendment "a session's readiness"): `watch` with `wait` is a waiting
 * request of the session itself, answered once anything happened to one of its streams since the
 * last `watch` was answered — decrypted bytes, an end or a failure arrived, a handshake finished
 * (a connect's, or a listener's connection now ready for `accept`), records went out to netd (send
 * room). As vectra.socket's v5 watch: one sticky bit per session, raised by tlsd's turns and
 * cleared by the answer, which names the streams (bit id % 64); at most one `watch` waits (a
 * second is `busy`); spurious answers are possible, missing ones are not. A client's loop: try
 * every stream without waiting, leave a `watch` waiting, wait for its answer (or its deadlines).
 *
 * Restart. tlsd keeps nothing across a restart: a client's next call fails as a session that
 * ended (PeerRestarted, PeerClosed or Revoked, as core/concurrent's SessionClient reports it), the
 * client opens a new session, and every stream of the old one is gone (its netd sockets reset with
 * tlsd's netd session). Old stream ids must be dropped: in the new session one could name a new
 * stream of the same slot and generation.
 */

#pragma once

#include <vectra/BoundedVector.h>
#include <vectra/net/Protocol.h>
#include <vectra/protocol/Declaration.h>

namespace vectra::tls_stream {

/* Errors a program can act on; kernel and L0 errors (malformed-message, …) travel as themselves. */
enum class TlsError : u16 {
    Refused = 1,
    VerificationFailed = 2,
    HandshakeFailed = 3,
    TimedOut = 4,
    LimitReached = 5,
    NoSuchStream = 6,
    WrongKind = 7,
    WouldBlock = 8,
    Busy = 9,
    ShutDown = 10,
    Reset = 11,
    InvalidName = 12,
    AddressUnusable = 13,
    AddressInUse = 14,
    NoIdentity = 15,
    NetworkDown = 16,
    NameMismatch = 17,
    Untrusted = 18,
    NotValidNow = 19,
    BufferUnusable = 20,
};

/* The most bytes a request or reply carries. */
inline constexpr usize inline_maximum = 1536;
/* The most bytes one send-buffer moves through its MemCap (v2). */
inline constexpr u32 maximum_buffer_transfer = 64 * 1024;
inline constexpr usize maximum_server_name = 253;
/* The longest a connect's handshake may take, whatever deadline it asks for. */
inline constexpr u32 maximum_deadline_ms = 60'000;

using Data = BoundedVector<u8, inline_maximum>;
using ServerName = BoundedVector<u8, maximum_server_name>;

struct Limits {
    static constexpr auto fields() { return vectra::fields(); }
};

struct SessionLimits {
    u16 maximum_streams { 0 };   /* streams and listeners this session may hold at once */
    u32 maximum_buffered { 0 };  /* decrypted bytes tlsd holds for this session before it stops reading */
    u16 maximum_waiting { 0 };   /* requests of this session answered later */
    u16 inline_maximum { 0 };    /* bytes a message carries */
    static constexpr auto fields()
    {
        return vectra::fields(field("maximum_streams", &SessionLimits::maximum_streams),
            field("maximum_buffered", &SessionLimits::maximum_buffered),
            field("maximum_waiting", &SessionLimits::maximum_waiting), field("inline_maximum", &SessionLimits::inline_maximum));
    }
};

struct Connect {
    net::Address remote;
    ServerName server_name; /* a host name: SNI, and the name the certificate must carry */
    u32 deadline_ms { 0 };  /* for TCP and the handshake; 0: tlsd's default; above maximum_deadline_ms: that */
    static constexpr auto fields()
    {
        return vectra::fields(field("remote", &Connect::remote), field("server_name", &Connect::server_name),
            field("deadline_ms", &Connect::deadline_ms));
    }
};

struct Listen {
    u16 port { 0 };    /* 0: any free port (the reply says which) */
    u16 backlog { 0 }; /* connections in their handshake or waiting for accept; clipped to tlsd's bound */
    static constexpr auto fields() { return vectra::fields(field("port", &Listen::port), field("backlog", &Listen::backlog)); }
};

struct Accept {
    u32 listener { 0 };
    bool wait { true };
    static constexpr auto fields() { return vectra::fields(field("listener", &Accept::listener), field("wait", &Accept::wait)); }
};

/* A new stream or listener and its addresses (remote: the peer; Unspecified for a listener). */
struct Opened {
    u32 stream { 0 };
    net::Address local;
    net::Address remote;
    static constexpr auto fields()
    {
        return vectra::fields(field("stream", &Opened::stream), field("local", &Opened::local), field("remote", &Opened::remote));
    }
};

struct Establish {
    u32 stream { 0 };
    bool wait { true };
    static constexpr auto fields() { return vectra::fields(field("stream", &Establish::stream), field("wait", &Establish::wait)); }
};

/* The handshake's outcome: always TLS 1.3 (0x0304), the cipher suite's IANA number, the key-exchange group's. */
struct Established {
    u16 version { 0 };
    u16 cipher { 0 };
    u16 group { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("version", &Established::version), field("cipher", &Established::cipher),
            field("group", &Established::group));
    }
};

struct Send {
    u32 stream { 0 };
    Data data;
    bool wait { true };
    static constexpr auto fields()
    {
        return vectra::fields(field("stream", &Send::stream), field("data", &Send::data), field("wait", &Send::wait));
    }
};

struct Sent {
    u32 length { 0 };
    static constexpr auto fields() { return vectra::fields(field("length", &Sent::length)); }
};

/*
 * v2's bulk send: `length` bytes (at most maximum_buffer_transfer) of the MemCap the request
 * carries, from its byte `buffer_offset`. tlsd seals them in records of up to 16 KiB, takes what
 * fits now and never keeps the request waiting; its copy of the MemCap is removed before it replies.
 */
struct SendBuffer {
    u32 stream { 0 };
    u32 length { 0 };
    u64 buffer_offset { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("stream", &SendBuffer::stream), field("length", &SendBuffer::length),
            field("buffer_offset", &SendBuffer::buffer_offset));
    }
};

struct Receive {
    u32 stream { 0 };
    u32 maximum { 0 }; /* at most inline_maximum */
    bool wait { true };
    static constexpr auto fields()
    {
        return vectra::fields(field("stream", &Receive::stream), field("maximum", &Receive::maximum), field("wait", &Receive::wait));
    }
};

struct Received {
    Data data;
    bool end { false }; /* the peer closed its side (close_notify) and every byte was read */
    static constexpr auto fields() { return vectra::fields(field("data", &Received::data), field("end", &Received::end)); }
};

struct Shutdown {
    u32 stream { 0 };
    static constexpr auto fields() { return vectra::fields(field("stream", &Shutdown::stream)); }
};

struct Close {
    u32 stream { 0 };
    static constexpr auto fields() { return vectra::fields(field("stream", &Close::stream)); }
};

struct ReadCounters {
    static constexpr auto fields() { return vectra::fields(); }
};

struct Counters {
    u16 streams { 0 };
    u32 buffered { 0 };
    u64 bytes_sent { 0 };       /* plaintext bytes taken by send */
    u64 bytes_received { 0 };   /* plaintext bytes returned by receive */
    u64 handshakes_failed { 0 }; /* this session's connects and accepted connections whose handshake failed */
    u64 refused { 0 };          /* requests answered with an error */
    u64 records_sent { 0 };     /* TLS records sealed from this session's bytes (v2) */
    /* tlsd's, not the session's (v3): turns its rescue look made that moved something — each a wake-up netd's watch did not bring, a bug; 0 expected */
    u64 rescued_turns { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("streams", &Counters::streams), field("buffered", &Counters::buffered),
            field("bytes_sent", &Counters::bytes_sent), field("bytes_received", &Counters::bytes_received),
            field("handshakes_failed", &Counters::handshakes_failed), field("refused", &Counters::refused),
            field("records_sent", &Counters::records_sent), field("rescued_turns", &Counters::rescued_turns));
    }
};

/* Tell this session when something happened to its streams (v4): with `wait`, answered once it has; without, at once. */
struct Watch {
    bool wait { true };
    static constexpr auto fields() { return vectra::fields(field("wait", &Watch::wait)); }
};

/* `raised`: something happened since the last watch was answered (always set for one that waited); `streams`: bit (id % 64) of each. */
struct Watched {
    bool raised { false };
    u64 streams { 0 };
    static constexpr auto fields() { return vectra::fields(field("raised", &Watched::raised), field("streams", &Watched::streams)); }
};

/* The bit of `Watched::streams` that names stream `id`. */
[[nodiscard]] constexpr u64 watch_bit(u32 id) { return u64(1) << (id % 64); }

struct Protocol {
    static constexpr std::string_view name = "vectra.tls";
    static constexpr u16 version = 4;
    static constexpr u32 slot_count = 16;
    static constexpr u32 slot_size = 2048;
    using Errors = TlsError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(
            error(TlsError::Refused, "refused", "the peer refused the TCP connection"),
            error(TlsError::VerificationFailed, "verification-failed", "the peer's certificate chain failed verification for a reason the three below do not name (a bad signature, a wrong key usage, a chain too long, …)"),
            error(TlsError::HandshakeFailed, "handshake-failed", "the TLS 1.3 handshake failed for another reason (a protocol error, an alert, not TLS 1.3, the connection ended)"),
            error(TlsError::TimedOut, "timed-out", "the connect's deadline passed before the handshake finished"),
            error(TlsError::LimitReached, "limit-reached", "the session already holds maximum_streams streams"),
            error(TlsError::NoSuchStream, "no-such-stream", "the id names no open stream of this session (closed, from another session or made up)"),
            error(TlsError::WrongKind, "wrong-kind", "the message does not apply to this stream (accept on a connection, send on a listener, …)"),
            error(TlsError::WouldBlock, "would-block", "without wait: nothing can be done yet (handshake running, no bytes, no room); ask again with wait"),
            error(TlsError::Busy, "busy", "the stream already has a waiting request of this kind, or the session has maximum_waiting"),
            error(TlsError::ShutDown, "shut-down", "this stream's sending side was shut down"),
            error(TlsError::Reset, "reset", "the connection ended without close_notify, or the stream failed earlier; close it"),
            error(TlsError::InvalidName, "invalid-name", "the server name is not a host name"),
            error(TlsError::AddressUnusable, "address-unusable", "the remote address is not one netd can use (family, port 0)"),
            error(TlsError::AddressInUse, "address-in-use", "the port is taken"),
            error(TlsError::NoIdentity, "no-identity", "tlsd holds no server certificate and key: it cannot listen"),
            error(TlsError::NetworkDown, "network-down", "tlsd cannot reach netd"),
            error(TlsError::NameMismatch, "name-mismatch", "verification: the peer's certificate does not carry the server name"),
            error(TlsError::Untrusted, "untrusted", "verification: the peer's chain does not lead to a CA tlsd trusts (unknown issuer, self-signed)"),
            error(TlsError::NotValidNow, "not-valid-now", "verification: a certificate of the chain has expired or is not valid yet at tlsd's time"),
            error(TlsError::BufferUnusable, "buffer-unusable", "no MemCap came with send-buffer, it lacks the read right, it was revoked, or buffer_offset + length lies outside it"));
    }

    static constexpr auto messages()
    {
        using protocol::Done;
        using protocol::message;
        return protocol::messages(
            message<Limits, SessionLimits>("limits", "This session's limits: streams, buffered bytes, waiting requests, bytes per message."),
            message<Connect, Opened>("connect", "A TLS 1.3 client stream to `remote` for `server_name`, answered at once while TCP and the handshake proceed; `established` reports the outcome."),
            message<Establish, Established>("established", "The stream's handshake outcome: answered (with `wait`) once it finished and the peer was verified, or with why it failed."),
            message<Listen, Opened>("listen", "A listener on `port` serving tlsd's own identity, with up to `backlog` connections in their handshake or waiting."),
            message<Accept, Opened>("accept", "The next connection of a listener whose handshake finished, as a new stream of this session; with `wait`, answered when one is there."),
            message<Send, Sent>("send", "Plaintext to the stream: takes what fits its outgoing bound (at least one byte); with `wait`, answered once it took some. No bytes (v2): answered (0) once the bound has room for a whole record, the way to wait before a send-buffer."),
            message<Receive, Received>("receive", "Decrypted bytes of the stream (up to `maximum`); with `wait`, answered once there are some, or `end`."),
            message<Shutdown, Done>("shutdown", "Sends close_notify after the bytes already taken: the stream's sending side ends."),
            message<Close, Done>("close", "Frees the stream's id at once; its waiting requests are answered no-such-stream; a listener's pending connections are dropped. An established connection lingers in the stream's slot (counted against the session's streams) until its buffered bytes and close_notify are out and the peer ended, at most tlsd's linger bound; past it the peer gets a reset if bytes were left."),
            message<ReadCounters, Counters>("counters", "The session's counters: streams held, bytes buffered, bytes sent and received, failed handshakes, refusals, records sealed; and tlsd's own (v3): its rescued turns, wake-ups netd's watch did not bring (0 unless tlsd has a bug)."),
            message<SendBuffer, Sent>("send-buffer",
                "Plaintext from the carried MemCap (read is enough) at `buffer_offset`, `length` bytes (at most 64 KiB), sealed in records of up to 16 KiB: takes what fits the stream's outgoing bound now (at least one byte, else would-block; to wait for room, a send of no bytes with `wait`).")
                .carrying(CapabilityClass::Memory, std::nullopt),
            message<Watch, Watched>("watch", "Readiness of the whole session (v4): with `wait`, answered once anything happened to one of its streams (decrypted bytes, an end, a failure, a handshake finished, records out to netd) since the last watch was answered; without, at once, saying whether it had. One sticky bit per session, cleared by the answer, and with it which streams (bit id % 64); one watch waits at a time (a second is `busy`); spurious answers are possible, missing ones are not."));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(TlsError) { return domain; }

inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

/* A server name as a host name (letters, digits, '-', dots between labels of 1–63): `invalid-name` otherwise. */
[[nodiscard]] ErrorOr<void> check_server_name(ServerName const&);

}
