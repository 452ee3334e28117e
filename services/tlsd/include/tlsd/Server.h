/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tlsd's service loop (docs/adr/0038-tlsd-and-the-tls-stream-protocol.md): every session of
 * vectra.tls served from one loop, over one netd session of tlsd's own.
 *
 *   - Streams: each session's streams and listeners in core/net's SocketTable (ids carry slot,
 *     session and generation), at most `maximum_streams`; connections a listener took whose
 *     handshake runs or which wait for `accept` sit in a pool shared by every listener (each
 *     listener holds at most its backlog of it), and move into the accepting session's table.
 *   - Waiting: a request answered `would-block` that asked to wait is kept (at most
 *     `maximum_waiting` per session, one per stream and message) and asked again each turn; its
 *     reply goes when it is no longer `would-block`.
 *   - Ring space: a request is taken from a session only while its replies Ring has room for
 *     every waiting request's reply plus this one.
 *   - Closing: a closed stream whose connection is established lingers in its slot (its id names
 *     nothing) until its buffered bytes, close_notify and a FIN are out and the peer ended, at most
 *     `linger_nanoseconds`; it counts against the session's streams (and tlsd's netd sockets).
 *   - Bytes: a session's decrypted-but-unread bytes are held to `maximum_buffered`; at the bound
 *     its connections are not read, so their peers' TCP windows close.
 *   - One wait per turn: the listener, every session's doorbell and netd's answer to the
 *     `watch` left waiting before the turn (vectra.socket v5: anything happened to tlsd's
 *     sockets), until the earliest real deadline (a handshake's, a linger's) or none. netd is
 *     asked without waiting; its `watch` is what calls back (ADR 0038, amendment "woken by netd").
 *     Only while netd cannot be watched (its session is being opened again) does the loop look
 *     every `poll_interval`.
 */

#pragma once

#include <tlsd/Connection.h>
#include <tlsd/Trust.h>
#include <vectra/Session.h>
#include <vectra/config.h>
#include <vectra/net/SocketTable.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::tlsd {

inline constexpr usize maximum_sessions = CONFIG_TLSD_SESSIONS;
inline constexpr usize maximum_streams = CONFIG_TLSD_STREAMS;
inline constexpr usize maximum_pending = CONFIG_TLSD_PENDING;
inline constexpr usize maximum_waiting = 4;
inline constexpr usize maximum_buffered = CONFIG_TLSD_SESSION_BUFFER_KIB * 1024;
inline constexpr u32 default_deadline_ms = 10'000;
/* How often the loop looks while netd cannot be watched (a watch failed: netd restarting). */
inline constexpr u64 poll_interval_nanoseconds = 1'000'000;
/* How often it looks at every socket anyway while it holds connections: a bound on a missed wake-up (rescued_turns; ADR 0038). */
inline constexpr u64 rescue_interval_nanoseconds = 10'000'000;
/* How long a closed stream may linger to deliver its last bytes and close_notify (ADR 0038, amendment). */
inline constexpr u64 linger_nanoseconds = u64(CONFIG_TLSD_LINGER_MS) * 1'000'000;
/* Signal bits: the session table's 0–2 and 8 + n, netd's session 4–6, the loop's timer 7. */
/* The key a waiting `watch` is kept under (with its message number): it names no stream. */
inline constexpr u32 watch_key = 0;
inline constexpr ConnectionBits netd_bits { SignalBit { 4 }, SignalBit { 5 }, SignalBit { 6 } };
inline constexpr SignalBit timer_bit { 7 };

struct Listener {
    net::Socket socket;
    usize backlog { 0 };
    /* netd may hold a connection to accept: until a try_accept finds none, then until netd names the listener again. */
    bool may_accept { true };
};

/* A stream of a session: a connection, or a listener. */
struct Stream {
    std::optional<Connection> connection;
    std::optional<Listener> listener;
};

/* A connection a listener took, before `accept` gives it to a session. */
struct Pending {
    usize session { 0 };
    u32 listener { 0 };
    std::optional<Connection> connection;
};

struct Waiting {
    bool used { false };
    u32 call_id { 0 };
    u16 message { 0 };
    u32 stream { 0 };
    usize length { 0 };
    u8 request[tls_stream::Protocol::slot_size];
};

class Server;

/* `earliest` lowered to `deadline` when that is sooner (or `earliest` is none). */
inline void lower_to(std::optional<u64>& earliest, std::optional<u64> deadline)
{
    if (deadline && (!earliest || *deadline < *earliest))
        earliest = deadline;
}

/* The MemCap a send-buffer carried, taken from the dispatch's hands and removed when this goes out of scope. */
class CarriedMemory {
public:
    explicit CarriedMemory(protocol::MessageCapabilities&);
    ~CarriedMemory();
    CarriedMemory(CarriedMemory const&) = delete;
    CarriedMemory& operator=(CarriedMemory const&) = delete;
    /* `length` bytes at `offset`: buffer-unusable when none came, another class, no read right, revoked, or out of range (wrapping too). */
    [[nodiscard]] ErrorOr<std::span<u8 const>> bytes(u64 offset, u32 length) const;

private:
    std::optional<ReceivedCapability> m_received;
};

/* One session's handlers (protocol::dispatch calls these) and its streams. */
class Session {
public:
    Session(Server& server, usize index)
        : m_server(server)
        , m_index(index)
        , m_streams(index, maximum_streams)
    {
    }

    [[nodiscard]] ErrorOr<tls_stream::SessionLimits> handle(tls_stream::Limits const&);
    [[nodiscard]] ErrorOr<tls_stream::Opened> handle(tls_stream::Connect const&);
    [[nodiscard]] ErrorOr<tls_stream::Established> handle(tls_stream::Establish const&);
    [[nodiscard]] ErrorOr<tls_stream::Opened> handle(tls_stream::Listen const&);
    [[nodiscard]] ErrorOr<tls_stream::Opened> handle(tls_stream::Accept const&);
    [[nodiscard]] ErrorOr<tls_stream::Sent> handle(tls_stream::Send const&);
    [[nodiscard]] ErrorOr<tls_stream::Sent> handle(tls_stream::SendBuffer const&, protocol::MessageCapabilities&);
    [[nodiscard]] ErrorOr<tls_stream::Received> handle(tls_stream::Receive const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(tls_stream::Shutdown const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(tls_stream::Close const&);
    [[nodiscard]] ErrorOr<tls_stream::Counters> handle(tls_stream::ReadCounters const&);
    /* `would-block` (kept, with `wait`) while nothing was raised; otherwise answered, the bit cleared (v4). */
    [[nodiscard]] ErrorOr<tls_stream::Watched> handle(tls_stream::Watch const&);

    /*
     * Readiness (vectra.tls v4): a turn that moved one of the session's streams (or a listener's
     * connection finished its handshake) raises the session's sticky bit; a `watch`'s answer clears it.
     */
    void raise(u32 id)
    {
        m_raised = true;
        m_raised_streams |= tls_stream::watch_bit(id);
    }
    [[nodiscard]] bool raised() const { return m_raised; }

    /* Moves bytes of every connection; true when any moved. */
    [[nodiscard]] bool pump(u64 now);
    /* Takes new TCP connections of this session's listeners into the pending pool (each up to its backlog). */
    [[nodiscard]] bool accept_connections(u64 now);
    /* Every stream closed (the session ended or tlsd stops). */
    void clear();

    /* Streams and listeners, with closed streams still lingering (they hold a slot, a socket, until they end). */
    [[nodiscard]] usize stream_count() const { return m_streams.count(); }
    [[nodiscard]] usize lingering_count();
    /* netd named `sockets` (net::watch_bit of each id) in a watch's answer: their connections and listeners may move. */
    void notice_events(u64 sockets);
    /* The earliest deadline of the session's connections (Connection::deadline), lowered into `earliest`. */
    void lower_to_deadline(std::optional<u64>& earliest);
    [[nodiscard]] usize buffered() const { return m_buffered; }
    [[nodiscard]] tls_stream::Counters& counters() { return m_counters; }
    [[nodiscard]] Waiting& waiting(usize slot) { return m_waiting[slot]; }
    [[nodiscard]] usize waiting_count() const;
    /* What the last handled request asked for: to be kept while it is would-block (stream id). */
    [[nodiscard]] std::optional<u32> take_wish() { return std::exchange(m_wish, std::nullopt); }

private:
    [[nodiscard]] ErrorOr<Stream*> find(u32 id);
    [[nodiscard]] ErrorOr<Connection*> connection(u32 id);
    [[nodiscard]] ErrorOr<tls_stream::Sent> send_bytes(u32 stream, std::span<u8 const>, bool wait);
    template<typename Result>
    [[nodiscard]] ErrorOr<Result> would_block(u32 stream, bool wait, char const* what);
    void account();

    Server& m_server;
    usize m_index;
    net::SocketTable<Stream, maximum_streams> m_streams;
    usize m_buffered { 0 };
    tls_stream::Counters m_counters;
    Waiting m_waiting[maximum_waiting];
    std::optional<u32> m_wish;
    bool m_raised { false };
    u64 m_raised_streams { 0 };
};

class Server {
public:
    Server(Network&, Contexts const&);
    Server(Server const&) = delete;
    Server& operator=(Server const&) = delete;

    /* Binds the listener and serves until it fails (PeerRestarted when the listener's Rings go). */
    [[nodiscard]] ErrorOr<void> serve(RingCap listen_requests, RingCap listen_replies);

    [[nodiscard]] Network& network() { return m_network; }
    [[nodiscard]] Contexts const& contexts() const { return m_contexts; }
    [[nodiscard]] Session& session(usize index) { return *reinterpret_cast<Session*>(m_sessions[index]); }
    [[nodiscard]] Pending* pending() { return m_pending; }
    /* The pending connection of `listener` (of `session`) whose handshake finished, or nullptr. */
    [[nodiscard]] Pending* ready_for(usize session, u32 listener);
    /* Drops every pending connection of `listener`, or of the whole session when `listener` is empty. */
    void drop_pending(usize session, std::optional<u32> listener);
    [[nodiscard]] usize pending_of(usize session, u32 listener) const;
    [[nodiscard]] Pending* free_pending();
    /* A staging buffer for a new connection (empty when every one is taken: cannot happen within the limits). */
    [[nodiscard]] StagingBuffer staging();
    [[nodiscard]] u64 handshakes_failed() const { return m_handshakes_failed; }
    /* Turns the loop made (each one a pass over every session and connection): what an idle tlsd must not do. */
    [[nodiscard]] u64 turns() const { return m_turns; }
    /* The earliest deadline of a connection (handshake, linger), if any has one. */
    [[nodiscard]] std::optional<u64> next_deadline();
    /* Whether any stream or pending connection exists (the rescue look runs only then). */
    [[nodiscard]] bool holds_connections();
    /* Rescue looks whose turn asking every socket moved something after a turn like any other moved nothing: a wake-up nothing brought (vectra.tls v3's counters). */
    [[nodiscard]] u64 rescued_turns() const { return m_rescued_turns; }
    /* netd named `sockets` in a watch's answer: every session's and every pending connection's that match may move. */
    void notice_events(u64 sockets);

    /* One request of session `index` (already taken from its Ring, with the capability it carried): answered now, or kept. */
    void handle(usize index, std::span<u8 const> request, protocol::MessageCapabilities&);
    /* One turn without waiting: requests taken, connections pumped, listeners accepted, waiting requests asked again. */
    [[nodiscard]] bool turn();

private:
    [[nodiscard]] bool take_requests(usize index);
    [[nodiscard]] bool pump_pending(u64 now);
    /* Whether it answered any: an answer may free what a turn's earlier steps waited for (budget, a pending slot). */
    [[nodiscard]] bool retry_waiting(usize index);
    void reply(usize index, usize length);
    void closed(usize index);

    Network& m_network;
    Contexts const& m_contexts;
    session::Table m_table;
    alignas(Session) u8 m_sessions[maximum_sessions][sizeof(Session)];
    /* One per connection tlsd may hold: every session's streams, and the pending pool (declared first: connections give theirs back as they go). */
    static constexpr usize staging_count = maximum_sessions * maximum_streams + maximum_pending;
    u8 m_staging[staging_count][staged_bytes];
    bool m_staging_used[staging_count] {};
    Pending m_pending[maximum_pending];
    u64 m_handshakes_failed { 0 };
    u64 m_turns { 0 };
    u64 m_rescued_turns { 0 };
    u8 m_request[tls_stream::Protocol::slot_size];
    u8 m_reply[tls_stream::Protocol::slot_size];
};

/*
 * tlsd from its capabilities to its loop: a session with netd (its listener's client ends), the
 * loop's state placed in `memory`, `ready` raised (when given), then every session served until
 * the listener fails.
 */
[[nodiscard]] ErrorOr<void> run(ReticleCap const& memory, RingCap netd_requests, RingCap netd_replies, RingCap requests,
    RingCap replies, Contexts const&, SignalCap const* ready);

}
