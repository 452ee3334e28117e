/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.socket, declared once (docs/adr/0024-netd-and-the-socket-protocol.md): what netd serves on
 * each session. Encoding, schema id, client, dispatch and docs/protocols/vectra.socket.md all come
 * from this declaration (core/concurrent's protocol library).
 *
 * Sockets. A socket id names a socket of *this session only* (SocketTable.h: slot, session and
 * generation bits), so an id from another session, a closed socket's id or a made-up one is
 * `no-such-socket` (never another socket). A session holds at most `maximum_sockets` sockets
 * (from `limits`); one more is `limit-reached`.
 *
 * Waiting. `tcp-accept`, `send` and `receive` with `wait` set are answered when they can be (a
 * connection arrived, buffer space, bytes or end of stream), so replies come in any order and are
 * matched by call id; without `wait` they are answered at once, `would-block` when nothing can be
 * done yet. `tcp-connect` is answered at once with the socket while the connection is set up; its
 * first send or receive reports how that went (a send of no bytes with `wait` is answered once the
 * connection is up). A socket has at most one waiting request of each direction (accept or
 * receive; send): a second is `busy`. netd takes a request from a session only while the
 * session's replies Ring has a free slot for every request it keeps waiting plus this one, so a
 * client that stops reading replies stops its own requests (its requests Ring fills and its sends
 * wait for space: Ring space bits) and no one else's.
 *
 * Data. Up to `inline_maximum` bytes travel in the slot (`data`); more travel in a MemCap the client
 * owns: `send` reads `length` bytes at `offset` of a carried MemCap (read-only is enough),
 * `receive` writes up to `maximum` bytes at `offset` of a carried MemCap (it must be writable). netd
 * deletes its copy before it replies. A session's received-but-unread bytes are bounded
 * (`maximum_buffered`): past it netd stops taking bytes from the stack, so the peer's window closes
 * (TCP) or datagrams are dropped and counted (UDP).
 *
 * Send-receive (v4): a send and then a receive in one request and one reply, inline only (the
 * message's own comment below), so a request written and its answer read, or an answer and the
 * wait for the next request, cost one call through netd instead of two.
 *
 * Readiness (v5; ADR 0024 amendment "readiness events"): `watch` with `wait` is a waiting request
 * of the session itself, answered once anything happened to one of the session's sockets since the
 * last `watch` was answered — bytes, an end or a reset arrived, a connection to accept, a connect
 * finished, acknowledgements gave send room back. The session keeps one sticky bit: the stack
 * raises it, answering a `watch` clears it. At most one `watch` waits per session (a second is
 * `busy`), and like every waiting request its reply's slot is kept free by the Ring-space rule: an
 * event is never dropped and never queued twice, and a client that never reads costs netd nothing.
 * A client's loop: try every socket without waiting, send `watch`, wait for its reply (or other
 * work); a raise after its try is still set when the `watch` arrives, so no wake-up is lost. An
 * answer may be spurious (the bit is per session, and a backend that cannot tell which session is
 * concerned raises every one), never missing.
 *
 * Lingering close (v6; ADR 0024 amendment "a close that lingers"): `close` with `linger` (and without
 * `reset`) on a TCP connection shuts its sending side (a FIN after the buffered bytes) and is a
 * waiting request, answered once the peer acknowledged every byte sent and the FIN — the bytes
 * reached it — or, when the connection failed first, with its error (`reset`, `timed-out`); either
 * way the socket is freed by the answer. It holds both directions of its socket while it waits
 * (another waiting request on it is `busy`). A program that must know its bytes arrived before it
 * ends — an echo check whose machine powers off after it — closes this way; an orderly close
 * without it is answered at once and the stack goes on sending after. The host's sockets answer
 * it at once: the host's kernel keeps sending after netd lets go, whatever becomes of netd.
 *
 * Name servers (v3; ADR 0029 amendment "IPv6 from the manifest", ADR 0024): `name-servers` gives
 * the DNS servers the link's DHCP lease names. While the link asks DHCP and holds no lease yet,
 * `name-servers`, and a `tcp-connect` or datagram to an IPv4 address outside 127/8, are
 * `address-pending` (answered at once, never held), so a client tells "not yet" from "no route".
 *
 * Restart. netd keeps nothing across a restart: when it restarts, a client's next call fails with
 * `PeerRestarted` (the session's Rings are gone), the client opens a new session, and every socket of
 * the old session is gone — its connections reset, its listeners and bindings released. Socket ids
 * of the old session are meaningless in the new one; clients drop them.
 */

#pragma once

#include <array>
#include <vectra/BoundedVector.h>
#include <vectra/protocol/Declaration.h>

namespace vectra::net {

/* Errors a program can act on; kernel and L0 errors (malformed-message, …) travel as themselves. */
enum class SocketError : u16 {
    Refused = 1,
    Reset = 2,
    TimedOut = 3,
    Unreachable = 4,
    AddressInUse = 5,
    WouldBlock = 6,
    LimitReached = 7,
    NoSuchSocket = 8,
    WrongKind = 9,
    NotConnected = 10,
    ShutDown = 11,
    Busy = 12,
    AddressUnusable = 13,
    BufferUnusable = 14,
    DatagramTooLarge = 15,
    NetworkDown = 16,
    AddressPending = 17,
};

/* The most bytes a request or reply carries in its slot; more travel in a MemCap. */
inline constexpr usize inline_maximum = 1536;

enum class Family : u8 {
    Unspecified = 0, /* only as a local address: any address, any family the stack has */
    Ipv4 = 4,
    Ipv6 = 6,
};

/*
 * An IPv4 or IPv6 address and port. IPv4 uses bytes[0..3] and leaves the rest zero; a family other
 * than these three, or non-zero bytes an address does not use, is `address-unusable` (one address,
 * one encoding). Port 0 as a local port means "any free port".
 */
struct Address {
    u8 family { 0 }; /* Family */
    std::array<u8, 16> bytes {};
    u16 port { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("family", &Address::family), field("bytes", &Address::bytes), field("port", &Address::port));
    }
};

using Data = BoundedVector<u8, inline_maximum>;

struct Limits {
    static constexpr auto fields() { return vectra::fields(); }
};

struct SessionLimits {
    u16 maximum_sockets { 0 };   /* sockets this session may hold at once */
    u32 maximum_buffered { 0 };  /* received bytes netd holds for this session before it stops taking more */
    u16 maximum_backlog { 0 };   /* the largest backlog tcp-listen grants */
    u16 inline_maximum { 0 };    /* bytes a slot carries (net::inline_maximum) */
    u32 maximum_datagram { 0 };  /* the largest UDP payload send accepts */
    u16 maximum_pending { 0 };   /* connections the stack accepted that may wait for a tcp-accept, across the session's listeners */
    static constexpr auto fields()
    {
        return vectra::fields(field("maximum_sockets", &SessionLimits::maximum_sockets),
            field("maximum_buffered", &SessionLimits::maximum_buffered), field("maximum_backlog", &SessionLimits::maximum_backlog),
            field("inline_maximum", &SessionLimits::inline_maximum), field("maximum_datagram", &SessionLimits::maximum_datagram),
            field("maximum_pending", &SessionLimits::maximum_pending));
    }
};

struct TcpListen {
    Address local;
    u16 backlog { 0 }; /* connections accepted by the stack and not yet by tcp-accept (outside the session's sockets, within its maximum_pending); above maximum_backlog is clipped to it */
    static constexpr auto fields() { return vectra::fields(field("local", &TcpListen::local), field("backlog", &TcpListen::backlog)); }
};

struct TcpConnect {
    Address remote;
    Address local; /* Unspecified, port 0: any */
    static constexpr auto fields() { return vectra::fields(field("remote", &TcpConnect::remote), field("local", &TcpConnect::local)); }
};

struct TcpAccept {
    u32 socket { 0 };
    bool wait { true };
    static constexpr auto fields() { return vectra::fields(field("socket", &TcpAccept::socket), field("wait", &TcpAccept::wait)); }
};

struct UdpBind {
    Address local;
    static constexpr auto fields() { return vectra::fields(field("local", &UdpBind::local)); }
};

/* A new socket and its addresses (remote: the peer for connect and accept, Unspecified otherwise). */
struct Opened {
    u32 socket { 0 };
    Address local;
    Address remote;
    static constexpr auto fields()
    {
        return vectra::fields(field("socket", &Opened::socket), field("local", &Opened::local), field("remote", &Opened::remote));
    }
};

struct Send {
    u32 socket { 0 };
    Address to;          /* UDP: the destination; TCP: Unspecified */
    u64 offset { 0 };    /* with a carried MemCap: the first byte sent */
    u32 length { 0 };    /* with a carried MemCap: how many bytes; without, must be 0 (data says) */
    Data data;           /* without a MemCap: the bytes; with one, must be empty */
    bool wait { true };
    static constexpr auto fields()
    {
        return vectra::fields(field("socket", &Send::socket), field("to", &Send::to), field("offset", &Send::offset),
            field("length", &Send::length), field("data", &Send::data), field("wait", &Send::wait));
    }
};

/* TCP: how many bytes the stack took (at least one; fewer than asked when its buffer filled). UDP: the datagram's length. */
struct Sent {
    u32 length { 0 };
    static constexpr auto fields() { return vectra::fields(field("length", &Sent::length)); }
};

struct Receive {
    u32 socket { 0 };
    u64 offset { 0 };    /* with a carried MemCap: where the first byte goes */
    u32 maximum { 0 };   /* the most bytes wanted (inline: at most inline_maximum) */
    bool wait { true };
    static constexpr auto fields()
    {
        return vectra::fields(field("socket", &Receive::socket), field("offset", &Receive::offset),
            field("maximum", &Receive::maximum), field("wait", &Receive::wait));
    }
};

/* Bytes (inline, or `length` written into the MemCap); `end`: the peer shut its sending side and every byte was read. */
struct Received {
    u32 length { 0 };
    Data data;
    Address from; /* UDP: the datagram's source; TCP: the peer */
    bool end { false };
    bool truncated { false }; /* UDP: the datagram was longer than maximum; the rest is gone */
    static constexpr auto fields()
    {
        return vectra::fields(field("length", &Received::length), field("data", &Received::data), field("from", &Received::from),
            field("end", &Received::end), field("truncated", &Received::truncated));
    }
};

/*
 * A send, then a receive, answered once (v4): `data` to a connected TCP socket, then up to `maximum`
 * bytes back, in one request and one reply — a request written and its answer read, or an echo's
 * answer and the next request. Inline only (no MemCap: `data` and `maximum` at most
 * inline_maximum). The send comes first and does not wait for all of `data`: when the stack takes
 * fewer bytes (its buffer filled) the reply says how many at once and nothing is received; when it
 * takes none, the request waits (with `wait`) like a send. Once every byte is taken it is a receive:
 * with `wait`, answered when there is something (or `end`); without, answered at once with what is
 * there (possibly nothing). It holds both of its socket's directions while it waits: another
 * waiting send, receive or send-receive on the socket is `busy`, and once its bytes went so is any
 * send, receive or send-receive without `wait` — nothing goes between its bytes and its answer. An
 * error after the send (the connection reset, timed out) is the reply's status; the bytes it took
 * are then of no use. With no `data` it is a receive.
 */
struct SendReceive {
    u32 socket { 0 };
    Data data;         /* the bytes to send */
    u32 maximum { 0 }; /* the most bytes wanted back (at most inline_maximum) */
    bool wait { true };
    static constexpr auto fields()
    {
        return vectra::fields(field("socket", &SendReceive::socket), field("data", &SendReceive::data),
            field("maximum", &SendReceive::maximum), field("wait", &SendReceive::wait));
    }
};

/* `sent`: bytes of `data` the stack took (fewer than sent only when its buffer filled: then nothing was received). The rest as Received. */
struct SentReceived {
    u32 sent { 0 };
    Data data;
    bool end { false };
    static constexpr auto fields()
    {
        return vectra::fields(field("sent", &SentReceived::sent), field("data", &SentReceived::data), field("end", &SentReceived::end));
    }
};

/* Tell this session when something happened to its sockets (v5): with `wait`, answered once it has; without, at once. */
struct Watch {
    bool wait { true };
    static constexpr auto fields() { return vectra::fields(field("wait", &Watch::wait)); }
};

/*
 * `raised`: something happened since the last watch was answered (always set for one that waited).
 * `sockets`: bit (id % 64) of each socket it happened to — all ones when netd cannot tell which.
 */
struct Watched {
    bool raised { false };
    u64 sockets { 0 };
    static constexpr auto fields() { return vectra::fields(field("raised", &Watched::raised), field("sockets", &Watched::sockets)); }
};

/* The bit of `Watched::sockets` that names socket `id`. */
[[nodiscard]] constexpr u64 watch_bit(u32 id) { return u64(1) << (id % 64); }

enum class ShutdownHow : u8 {
    Receive = 1,
    Send = 2,
    Both = 3,
};

struct Shutdown {
    u32 socket { 0 };
    u8 how { 0 }; /* ShutdownHow */
    static constexpr auto fields() { return vectra::fields(field("socket", &Shutdown::socket), field("how", &Shutdown::how)); }
};

struct Close {
    u32 socket { 0 };
    bool reset { false };  /* TCP: abort (RST) instead of an orderly close */
    bool linger { false }; /* TCP, orderly (v6): answered once the peer acknowledged every byte and the end */
    static constexpr auto fields()
    {
        return vectra::fields(field("socket", &Close::socket), field("reset", &Close::reset), field("linger", &Close::linger));
    }
};

struct ReadCounters {
    static constexpr auto fields() { return vectra::fields(); }
};

struct Counters {
    u16 sockets { 0 };
    u32 buffered { 0 };
    u64 bytes_sent { 0 };
    u64 bytes_received { 0 };
    u64 datagrams_dropped { 0 }; /* UDP datagrams dropped because the session's buffer was full */
    u64 refused { 0 };           /* requests answered with an error */
    u16 pending { 0 };           /* connections accepted by the stack, waiting for a tcp-accept (outside `sockets`) */
    u64 connections_refused { 0 }; /* connections reset at arrival: their listener's backlog or the session's pending room was full */
    static constexpr auto fields()
    {
        return vectra::fields(field("sockets", &Counters::sockets), field("buffered", &Counters::buffered),
            field("bytes_sent", &Counters::bytes_sent), field("bytes_received", &Counters::bytes_received),
            field("datagrams_dropped", &Counters::datagrams_dropped), field("refused", &Counters::refused),
            field("pending", &Counters::pending), field("connections_refused", &Counters::connections_refused));
    }
};

struct ReadNameServers {
    static constexpr auto fields() { return vectra::fields(); }
};

inline constexpr usize maximum_name_servers = 3;

/* The link's DNS servers, each with port 53: IPv6 ones (RDNSS or DHCPv6) first, then the DHCP lease's (option 6) in its order. */
struct NameServers {
    BoundedVector<Address, maximum_name_servers> servers;
    static constexpr auto fields() { return vectra::fields(field("servers", &NameServers::servers)); }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.socket";
    static constexpr u16 version = 6;
    static constexpr u32 slot_count = 16;
    static constexpr u32 slot_size = 2048;
    using Errors = SocketError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(
            error(SocketError::Refused, "refused", "the peer refused the connection (RST to a SYN, or ICMP port unreachable for UDP)"),
            error(SocketError::Reset, "reset", "the connection was reset by the peer or aborted; the socket is dead, close it"),
            error(SocketError::TimedOut, "timed-out", "the peer stopped answering (connect or retransmissions gave up); the socket is dead, close it"),
            error(SocketError::Unreachable, "unreachable", "no route to the remote address"),
            error(SocketError::AddressInUse, "address-in-use", "the local address and port are taken"),
            error(SocketError::WouldBlock, "would-block", "without wait: nothing can be done yet (no connection, no bytes, no buffer space); ask again with wait"),
            error(SocketError::LimitReached, "limit-reached", "the session already holds maximum_sockets sockets (a connection a tcp-accept would claim keeps waiting)"),
            error(SocketError::NoSuchSocket, "no-such-socket", "the id names no open socket of this session (closed, from another session or made up)"),
            error(SocketError::WrongKind, "wrong-kind", "the message does not apply to this socket (accept on a connection, send on a listener, …)"),
            error(SocketError::NotConnected, "not-connected", "the TCP socket is not (yet) connected"),
            error(SocketError::ShutDown, "shut-down", "this direction of the socket was shut down"),
            error(SocketError::Busy, "busy", "the socket already has a waiting request of this direction (a waiting send-receive holds both), or the session already has a waiting watch"),
            error(SocketError::AddressUnusable, "address-unusable", "an unknown family, bytes the family does not use set, port 0 as a remote, or a family the socket does not speak"),
            error(SocketError::BufferUnusable, "buffer-unusable", "a MemCap came with inline data, none came with a length, it lacks the right (write for receive), offset + length lies outside it, or inline maximum above inline_maximum"),
            error(SocketError::DatagramTooLarge, "datagram-too-large", "a UDP payload above maximum_datagram"),
            error(SocketError::NetworkDown, "network-down", "netd has no usable link or address"),
            error(SocketError::AddressPending, "address-pending", "the link asks DHCP and holds no lease yet: an IPv4 connection or datagram through it, and the lease's name servers, wait for it; ask again later"));
    }

    static constexpr auto messages()
    {
        using protocol::Done;
        using protocol::message;
        return protocol::messages(
            message<Limits, SessionLimits>("limits", "This session's limits: sockets, buffered bytes, backlog, inline bytes, datagram size."),
            message<TcpListen, Opened>("tcp-listen", "A TCP listener on `local` (port 0: any free port; the reply says which) with up to `backlog` connections waiting for tcp-accept; more are refused."),
            message<TcpConnect, Opened>("tcp-connect", "A TCP connection to `remote`, answered at once with its socket while it is set up; its first send or receive reports the outcome (refused, timed-out, unreachable)."),
            message<TcpAccept, Opened>("tcp-accept", "The next connection of a listener, as a new socket of this session; with `wait`, answered when one arrives."),
            message<UdpBind, Opened>("udp-bind", "A UDP socket on `local` (port 0: any free port)."),
            message<Send, Sent>("send", "Bytes to a connected TCP socket (from the carried MemCap, or `data`), or one datagram to `to` from a UDP socket; with `wait`, answered once the stack took at least one byte. TCP bytes go out as soon as the peer's window allows: no Nagle (a short segment is not held until the last one is acknowledged).")
                .carrying(CapabilityClass::Memory, std::nullopt),
            message<Receive, Received>("receive", "Bytes from a TCP socket (into the carried MemCap, or `data`), or one datagram from a UDP socket; with `wait`, answered once there is something (or `end`).")
                .carrying(CapabilityClass::Memory, std::nullopt),
            message<Shutdown, Done>("shutdown", "Stops receiving (later bytes are discarded), sending (a FIN after the buffered bytes), or both."),
            message<Close, Done>("close", "Frees the socket and its id: an orderly close (or a reset with `reset`); a listener's waiting connections are reset; waiting requests on it are answered reset. With `linger` (a TCP connection, orderly): shuts its sending side and is answered once the peer acknowledged every byte and the end, or with the connection's error when it failed first; holds both directions while it waits."),
            message<ReadCounters, Counters>("counters", "The session's counters: sockets held, bytes buffered, bytes sent and received, datagrams dropped, refusals, connections waiting for tcp-accept and connections refused at arrival."),
            message<ReadNameServers, NameServers>("name-servers", "The link's DNS servers, up to 3, port 53: its IPv6 servers first when its configuration names their source (RDNSS or DHCPv6), then those its DHCP lease names (option 6, in its order); none when nothing names any (a static address, loopback only, the host's sockets); `address-pending` while the link waits for its lease and knows no IPv6 server."),
            message<SendReceive, SentReceived>("send-receive", "Bytes to a connected TCP socket, then bytes from it, in one call (inline only): `sent` says how many the stack took; fewer than `data` when its buffer filled (then nothing was received). With every byte taken it is a receive: with `wait`, answered once there is something (or `end`). Holds both directions of its socket while it waits."),
            message<Watch, Watched>("watch", "Readiness of the whole session: with `wait`, answered once the stack reported anything on one of its sockets (bytes, an end, a reset, a connection to accept, a connect finished, send room back) since the last watch was answered; without, at once, saying whether it had. One sticky bit per session, cleared by the answer, and with it which sockets (bit id % 64; all when netd cannot tell); one watch waits at a time (a second is `busy`); spurious answers are possible, missing ones are not."));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(SocketError) { return domain; }

inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

}
