/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The client of vectra.socket over a netd session (docs/adr/0024-netd-and-the-socket-protocol.md):
 * a session opened through netd's listener, and blocking calls — listen, connect, accept, send,
 * receive, shutdown, close, UDP bind and datagrams — that wait on the session's doorbell until a
 * deadline. Errors come back typed: netd's (error.is(SocketError::Refused)), or kernel and L0 codes.
 *
 * Bytes. Up to inline_maximum travel in the request's slot; more travel through the client's own
 * transfer buffer, a MemCap it made from its memory and lends netd for each call (read-only for a
 * send, writable for a receive). send() hands over every byte (in as many messages as it takes);
 * receive() returns what one reply brought.
 *
 * Deadlines. A call that waits (connect, accept, send, receive) and whose deadline passes reports
 * TimedOut and **resets and closes its socket**: netd cannot take a waiting request back, and one
 * left waiting would later move bytes (into or out of the transfer buffer) the caller no longer
 * expects. The client waits for the close's reply, so nothing of that request outlives the call.
 *
 * Restart. When netd restarts, the call that sees it reports PeerRestarted, and every socket of the
 * session is gone: the next call opens a new session, and a Socket of the old one is refused here
 * (no-such-socket) without reaching netd — its id could name another socket in the new session.
 */

#pragma once

#include <span>
#include <vectra/Connection.h>
#include <vectra/Duration.h>
#include <vectra/net/Protocol.h>
#include <vectra/protocol/Envelope.h>

namespace vectra::net {

/* A socket of this client: netd's id, the session it belongs to, and its addresses. */
struct Socket {
    u32 id { 0 };
    u32 session { 0 }; /* which of the client's sessions made it (a new one after each netd restart) */
    Address local;
    Address remote;
};

/* What one receive brought. */
struct Incoming {
    usize length { 0 };
    Address from;              /* UDP: the datagram's source; TCP: the peer */
    bool end { false };        /* TCP: the peer shut its sending side and every byte was read */
    bool truncated { false };  /* UDP: the datagram was longer than the buffer; the rest is gone */
};

/* Memory a request lends netd: a copy of `memory` with the `keep` rights travels with it. */
struct Lent {
    MemCap const* memory { nullptr };
    Rights keep { 0 };
};

class SocketClient {
public:
    static constexpr Duration default_timeout = Duration::from_seconds(5);
    /* The transfer buffer's default size: bytes one send or receive message moves through a MemCap. */
    static constexpr usize default_transfer_bytes = 16 * 1024;

    /*
     * A session through netd's listener. From `memory` (RightRetype) come the session's pool
     * (session::pool_size) and the transfer buffer (`transfer_bytes`, rounded up to pages; at most
     * inline_maximum means no buffer: every message inline).
     */
    [[nodiscard]] static ErrorOr<SocketClient> open(RingCap listen_requests, RingCap listen_replies,
        ReticleCap const& memory, usize transfer_bytes = default_transfer_bytes, ConnectionBits bits = {});

    [[nodiscard]] ErrorOr<SessionLimits> limits();
    [[nodiscard]] ErrorOr<Counters> counters();
    /* The DNS servers the link's DHCP lease names (`address-pending` while it waits for one). */
    [[nodiscard]] ErrorOr<NameServers> name_servers();

    /* A TCP listener on `local` (port 0: any free one; the Socket says which). */
    [[nodiscard]] ErrorOr<Socket> listen(Address const& local, u16 backlog);
    /* A connection to `remote`, returned once it is up (refused, timed-out, unreachable otherwise; the socket is closed then). */
    [[nodiscard]] ErrorOr<Socket> connect(Address const& remote, Duration timeout = default_timeout);
    /* The next connection of `listener`. */
    [[nodiscard]] ErrorOr<Socket> accept(Socket const& listener, Duration timeout = default_timeout);
    /*
     * Without waiting, for a loop that serves others meanwhile (tlsd): a connection to `remote`
     * answered at once while it is set up (its first send or receive says how that went:
     * would-block while it is set up, then refused, timed-out, unreachable).
     */
    [[nodiscard]] ErrorOr<Socket> start_connect(Address const& remote);
    /* As accept(), without waiting: `would-block` at once when no connection waits (the listener stays open). */
    [[nodiscard]] ErrorOr<Socket> try_accept(Socket const& listener);
    /* A UDP socket on `local`. */
    [[nodiscard]] ErrorOr<Socket> bind(Address const& local);

    /* Every byte of `bytes` to a connected TCP socket, waiting for the stack's buffer as often as it takes. */
    [[nodiscard]] ErrorOr<void> send(Socket const&, std::span<u8 const> bytes, Duration timeout = default_timeout);
    /* As much of `bytes` (not empty) as the stack takes now, without waiting: `would-block` when it takes none. */
    [[nodiscard]] ErrorOr<usize> try_send(Socket const&, std::span<u8 const> bytes);
    /* One datagram to `to` (at most maximum_datagram bytes, and at most the transfer buffer). */
    [[nodiscard]] ErrorOr<void> send_to(Socket const&, Address const& to, std::span<u8 const> bytes,
        Duration timeout = default_timeout);
    /* Bytes (TCP) or one datagram (UDP) into `buffer` (not empty), waiting until there is something or the end. */
    [[nodiscard]] ErrorOr<Incoming> receive(Socket const&, std::span<u8> buffer, Duration timeout = default_timeout);
    /* As receive(), without waiting: `would-block` at once when nothing is there (the socket stays open). */
    [[nodiscard]] ErrorOr<Incoming> try_receive(Socket const&, std::span<u8> buffer);

    /*
     * Every byte of `bytes` to a connected TCP socket, then bytes into `buffer` (not empty) as
     * receive() brings them — in one send-receive call when the stack takes the bytes at once
     * (the last inline_maximum of them; any before go by send()), at most inline_maximum received.
     * For a request and its answer, or an answer and the next request. A passed deadline resets
     * and closes the socket, as for send() and receive().
     */
    [[nodiscard]] ErrorOr<Incoming> send_receive(
        Socket const&, std::span<u8 const> bytes, std::span<u8> buffer, Duration timeout = default_timeout);

    [[nodiscard]] ErrorOr<void> shutdown(Socket const&, ShutdownHow);
    /* Frees the socket (an orderly close, or a reset). */
    [[nodiscard]] ErrorOr<void> close(Socket const&, bool reset = false);

    /*
     * Readiness (v5; ADR 0024, amendment "readiness events"), for a loop that tries its sockets
     * without waiting (tlsd). watch() leaves one `watch` waiting in netd (nothing when one already
     * waits); its answer — met by any later call, which keeps it aside, or by take_event() — is
     * remembered with the sockets it names. take_event() receives what already arrived without
     * waiting and says which sockets events were seen on since it last said so (bits
     * net::watch_bit(id); all of them when netd could not tell, or the session ended). When it
     * says none (0), wait on event_bit(): the answer's arrival raises it. A session that ended
     * counts as an event (the next call says how: PeerRestarted).
     */
    [[nodiscard]] ErrorOr<void> watch();
    [[nodiscard]] ErrorOr<u64> take_event();
    [[nodiscard]] SignalBit event_bit() const { return m_bits.reply; }
    [[nodiscard]] bool is_watching() const { return m_watch_call_id != 0; }

    /* Ends the session: netd resets and releases every socket of it. */
    void end();

    [[nodiscard]] u32 session_number() const { return m_session_number; }
    [[nodiscard]] bool is_open() const { return m_session.has_value(); }

    SocketClient(SocketClient&&) = default;
    SocketClient& operator=(SocketClient&&) = delete;
    ~SocketClient();

private:
    SocketClient(Connection listener, ReticleCap pool, MemCap transfer, std::span<u8> transfer_bytes, ConnectionBits bits)
        : m_listener(std::move(listener))
        , m_pool(std::move(pool))
        , m_transfer(std::move(transfer))
        , m_transfer_bytes(transfer_bytes)
        , m_bits(bits)
    {
    }

    /*
     * Sends `request` (reopening the session first if it ended) and waits for its reply until
     * `deadline`, decoded into `into` (a slot-sized reply is not copied on its way to the caller).
     */
    template<typename Request>
    [[nodiscard]] ErrorOr<void> exchange(Request const&, protocol::ReplyOf<Protocol, Request>& into, u64 deadline, Lent = {});
    /* As exchange(), for a request that waits on `socket`: a passed deadline resets and closes the socket. */
    template<typename Request>
    [[nodiscard]] ErrorOr<void> exchange_waiting(
        Socket const&, Request const&, protocol::ReplyOf<Protocol, Request>& into, u64 deadline, Lent = {});
    /* exchange() and exchange_waiting() with the reply returned. */
    template<typename Request>
    [[nodiscard]] ErrorOr<protocol::ReplyOf<Protocol, Request>> call(Request const&, u64 deadline, Lent = {});
    template<typename Request>
    [[nodiscard]] ErrorOr<protocol::ReplyOf<Protocol, Request>> call_waiting(
        Socket const&, Request const&, u64 deadline, Lent = {});
    [[nodiscard]] ErrorOr<void> ensure_session(u64 deadline);
    /* The session ended under a call (netd restarted): forget it and every socket of it. */
    [[nodiscard]] Error session_lost();
    [[nodiscard]] ErrorOr<void> check(Socket const&) const;
    [[nodiscard]] Socket socket_of(Opened const&) const;
    [[nodiscard]] ErrorOr<Incoming> receive_once(Socket const&, std::span<u8> buffer, u64 deadline, bool wait);
    /* Every byte of `bytes`, in as many waiting sends as it takes. */
    [[nodiscard]] ErrorOr<void> send_all(Socket const&, std::span<u8 const> bytes, u64 deadline);
    [[nodiscard]] ErrorOr<usize> send_once(Socket const&, Address const& to, std::span<u8 const> bytes, u64 deadline, bool wait);
    /* Whether a reply answers the waiting watch (then its sockets are remembered as events). */
    [[nodiscard]] bool answers_watch(protocol::Envelope const&, std::span<u8 const> message);

    Connection m_listener;
    ReticleCap m_pool;       /* one session's Rings at a time */
    MemCap m_transfer;       /* empty: every message inline */
    std::span<u8> m_transfer_bytes;
    ConnectionBits m_bits;
    std::optional<Connection> m_session;
    u32 m_session_number { 0 };
    u32 m_next_call_id { 1 };
    u32 m_watch_call_id { 0 }; /* the waiting watch's; 0: none waits */
    u64 m_event_sockets { 0 }; /* watch_bit()s of the answers seen since take_event() last said */
};

}
