/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * dnsd's service loop (docs/adr/0032-dns-messages-and-cache.md §5, amendment): every session of
 * vectra.resolver served from one loop, with the queries behind them (Lookups.h).
 *
 *   - A `resolve` the cache answers whole (or one refused at once) is answered in the same turn;
 *     any other is kept, one per session (a second is `busy`), and answered when every query it
 *     needs ended or its deadline passed.
 *   - `both` asks AAAA and A; the reply holds the addresses of every family answered (IPv6 first),
 *     the smallest TTL among them, and fails only when no family has an address: with the first
 *     failure of the server (server-failure, timed-out, refused), else name-error, else no-address.
 *   - Ring space: a request is taken from a session only while its replies Ring has room for the
 *     reply it is owed plus this one.
 *   - One wait per turn: the listener and every session's doorbell; while queries are in flight,
 *     at most `poll_interval` (netd's replies are read without waiting, see Lookups.h).
 */

#pragma once

#include <dnsd/Lookups.h>
#include <dnsd/TlsChannel.h>
#include <vectra/Entropy.h>
#include <vectra/Session.h>
#include <vectra/config.h>

namespace vectra::dnsd {

inline constexpr usize maximum_sessions = CONFIG_DNSD_SESSIONS;
/* Every session's waiting resolve (two queries at most) finds room among the queries in flight. */
static_assert(2 * maximum_sessions <= maximum_queries);
inline constexpr u64 poll_interval_nanoseconds = 5'000'000;
/* Signal bits: the session table's 0–2 and 8 + n, netd's session 4–6, the loop's timer 7. */
inline constexpr ConnectionBits netd_bits { SignalBit { 4 }, SignalBit { 5 }, SignalBit { 6 } };
inline constexpr SignalBit timer_bit { 7 };
/* A resolve's deadline when it names none. */
inline constexpr u32 default_deadline_ms = 5000;

struct Part {
    dns::RecordType type { dns::RecordType::A };
    bool done { false };
    bool from_cache { false };
    std::optional<dns::CachedAnswer> answer;
    std::optional<Error> error;
};

/* A session's resolve waiting for its queries. */
struct Waiting {
    bool used { false };
    u32 call_id { 0 };
    u64 deadline { 0 };
    dns::Name name;
    usize part_count { 0 };
    Part parts[2];
};

/* Fills `parts` for `families` (IPv6 first); false for an unknown family. */
[[nodiscard]] bool plan(Waiting&, u8 families);
/* The reply a resolve gets once every part is done. */
[[nodiscard]] ErrorOr<resolver::Resolved> compose(Waiting const&);

class Server;

/* One session's handlers (protocol::dispatch calls these). */
class Session {
public:
    Session(Server& server, usize index)
        : m_server(server)
        , m_index(index)
    {
    }
    [[nodiscard]] ErrorOr<resolver::Resolved> handle(resolver::Resolve const&);
    [[nodiscard]] ErrorOr<resolver::Counters> handle(resolver::ReadCounters const&);

private:
    Server& m_server;
    usize m_index;
};

class Server {
public:
    Server(net::SocketClient&, Rng<Confidence::High>&, Configuration const&);
    Server(TlsChannel&, Rng<Confidence::High>&, Configuration const&);
    Server(Server const&) = delete;
    Server& operator=(Server const&) = delete;

    /* Binds the listener and serves until it fails (PeerRestarted when the listener's Rings go). */
    [[nodiscard]] ErrorOr<void> serve(RingCap listen_requests, RingCap listen_replies);

    [[nodiscard]] Waiting& waiting(usize index) { return m_waiting[index]; }
    [[nodiscard]] Lookups& lookups() { return m_lookups; }
    [[nodiscard]] resolver::Counters counters() { return m_lookups.counters(); }
    void closed(usize index) { m_waiting[index] = Waiting(); }

    /* Session's resolve: answered now, or kept (then the handler's reply is not sent). */
    [[nodiscard]] ErrorOr<resolver::Resolved> resolve(usize index, resolver::Resolve const&);

private:
    void make_sessions();
    [[nodiscard]] Session& session(usize index) { return *reinterpret_cast<Session*>(m_sessions[index]); }
    [[nodiscard]] bool take_requests(usize index);
    void handle(usize index, std::span<u8 const> request);
    void finished(Finished const&);
    /* Answers session `index`'s waiting resolve if every part is done or its deadline passed. */
    void answer_if_done(usize index);
    void reply(usize index, usize length);

    Lookups m_lookups;
    session::Table m_table;
    alignas(Session) u8 m_sessions[maximum_sessions][sizeof(Session)];
    Waiting m_waiting[maximum_sessions];
    u32 m_call_id { 0 };
    bool m_kept { false };
    u8 m_request[protocol::payload_capacity<resolver::Protocol>];
    u8 m_reply[protocol::payload_capacity<resolver::Protocol>];
};

/*
 * dnsd from its capabilities to its loop: the queries' generator (High confidence, from `entropy`),
 * a session with netd (its listener's client ends), the loop's state placed in `memory`, `ready`
 * raised (when given), then every session served until the listener fails.
 */
[[nodiscard]] ErrorOr<void> run(ReticleCap const& memory, RingCap netd_requests, RingCap netd_replies,
    RingCap requests, RingCap replies, Configuration const&, EntropySource&, SignalCap const* ready);

/* Signal bits of dnsd's tlsd session (netd's, since dnsd over TLS holds no netd session). */
inline constexpr ConnectionBits tlsd_bits = netd_bits;

/*
 * dnsd over TLS (RFC 7858): as run(), but every query goes to `server` over one verified stream of
 * a session with tlsd (its listener's client ends); dnsd holds no netd session at all.
 */
[[nodiscard]] ErrorOr<void> run_tls(ReticleCap const& memory, RingCap tlsd_requests, RingCap tlsd_replies,
    RingCap requests, RingCap replies, Configuration const&, TlsServer const& server, EntropySource&,
    SignalCap const* ready);

}
