/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * dnsd's queries (docs/adr/0032-dns-messages-and-cache.md §5, amendment): every (name, type) dnsd is
 * asking the configured server about, driven by the service loop without ever waiting for the
 * server (only for netd's immediate answers):
 *
 *   - one query per (name, type) in flight: a second lookup of it joins the first (coalescing);
 *   - each try goes over UDP from a fresh socket on a random port (49152–65535) with a random id,
 *     both from a High-confidence generator (RFC 5452); a datagram is taken only from the server's
 *     address and port, and only when core/dns's parser matches its id and question — everything
 *     else is dropped and counted, and the query keeps waiting (a flood of forged replies cannot end
 *     it); a malformed reply is dropped the same way, and a query whose tries all ran out after one
 *     is a `server-failure` instead of `timed-out`;
 *   - a try that gets no answer in `try_timeout` is sent again (new id, new port) up to `tries`
 *     times; then the query ends `timed-out`;
 *   - a truncated answer (TC) is asked again over TCP (RFC 7766), one exchange bounded by
 *     `tcp_timeout` during which the loop waits (the one blocking step: a server that accepts and
 *     never answers holds dnsd for that long);
 *   - without a configured server, each new query asks netd for the DNS servers the link's DHCP
 *     lease names (vectra.socket `name-servers`) and asks the first; none yet, or the lease not
 *     bound (`address-pending`), ends the lookup at once with `no-server` (never a hang);
 *   - answers, NXDOMAIN and NODATA go into the cache (core/dns: TTLs honoured and capped, negative
 *     answers for their SOA's TTL); failures are not cached.
 *
 * Over TLS instead (RFC 7858, TlsChannel.h; then no UDP and no TCP at all): every try is sent on
 * the one connection to the server, with an id no other query in flight holds; answers are taken in
 * any order, each matched by id and question like a datagram (a mismatched or malformed one is
 * dropped and counted, a truncated one counts as malformed); when the connection ends or fails,
 * every query in flight is sent again at once on a new connection while it has tries left; a
 * connection that cannot be opened or verified ends the query `server-failure` (no fallback).
 */

#pragma once

#include <optional>
#include <vectra/Duration.h>
#include <vectra/Random.h>
#include <vectra/dns/Cache.h>
#include <vectra/net/SocketClient.h>
#include <vectra/resolver/Protocol.h>

namespace vectra::dnsd {
class TlsChannel;
}

namespace vectra::dnsd {

struct Configuration {
    net::Address server;                                 /* the DNS server, port 53 normally */
    bool server_from_link { false };                     /* no server configured: the first the link's DHCP lease names (netd's name-servers) */
    Duration try_timeout { Duration::from_milliseconds(1000) };
    u32 tries { 2 };
    Duration tcp_timeout { Duration::from_milliseconds(2000) };
    u64 (*seconds)() { nullptr };                        /* the cache's monotonic clock; nullptr: the system's */
};

/* How a query ended: a parsed response (answer, NODATA or NXDOMAIN), or an error of the vectra.resolver domain. */
struct Finished {
    dns::Name name;
    dns::RecordType type { dns::RecordType::A };
    std::optional<dns::CachedAnswer> answer;
    std::optional<Error> error;
};

inline constexpr usize maximum_queries = 15; /* netd grants a session 16 sockets: 15 UDP queries and a TCP exchange */
inline constexpr usize cache_entries = 64;

class Lookups {
public:
    /* Over UDP (TCP after truncation) through netd. */
    Lookups(net::SocketClient&, Rng<Confidence::High>&, Configuration const&);
    /* Over TLS through tlsd (RFC 7858). */
    Lookups(TlsChannel&, Rng<Confidence::High>&, Configuration const&);

    /* The cached answer for (name, type), if live. */
    [[nodiscard]] std::optional<dns::CachedAnswer> cached(dns::Name const&, dns::RecordType);
    /* Makes sure a query for (name, type) is in flight: joins one, or sends one (`network-down` when netd refuses). */
    [[nodiscard]] ErrorOr<void> ask(dns::Name const&, dns::RecordType);
    /* Reads what arrived, retries what timed out; calls `finished(context, Finished const&)` for each query that ended. */
    void poll(void* context, void (*finished)(void*, Finished const&));

    [[nodiscard]] usize in_flight() const;
    [[nodiscard]] resolver::Counters& counters() { return m_counters; }
    [[nodiscard]] u64 now_seconds() const;

private:
    struct Query {
        bool used { false };
        dns::Query question;
        std::optional<net::Socket> socket;
        u64 try_deadline { 0 };
        u32 tries_left { 0 };
        bool saw_malformed { false };
        bool unreachable { false }; /* over TLS: the last try found no verified connection */
        net::Address server;        /* where this query's tries go (the link's server may change between queries) */
    };

    /* The server a new query asks: the configured one, or the link's (`no-server` when netd names none yet). */
    [[nodiscard]] ErrorOr<net::Address> server_for_query();

    [[nodiscard]] ErrorOr<void> send_try(Query&);
    [[nodiscard]] ErrorOr<void> send_over_tls(Query&);
    /* Over TLS: takes every whole answer the connection holds; a connection that ended has every query sent again. */
    void read_tls(void* context, void (*finished)(void*, Finished const&));
    /* Over TLS: what a taken answer means for `query` (nothing: dropped, keep waiting). */
    [[nodiscard]] std::optional<Finished> take(Query&, std::span<u8 const> message);
    void end(Query&, Finished const&, void* context, void (*finished)(void*, Finished const&));
    /* Reads every datagram waiting on the query's socket; the query's end, if one came. */
    [[nodiscard]] std::optional<Finished> read(Query&);
    [[nodiscard]] Finished over_tcp(Query&);
    [[nodiscard]] Finished finish(Query const&, ErrorOr<void> parsed);
    void close(Query&);

    net::SocketClient* m_network { nullptr };
    TlsChannel* m_tls { nullptr };
    Rng<Confidence::High>& m_random;
    Configuration m_configuration;
    Query m_queries[maximum_queries];
    dns::CacheSlot m_slots[cache_entries];
    dns::Cache m_cache;
    dns::Response m_response;
    u8 m_message[dns::maximum_message_bytes + 2];
    resolver::Counters m_counters;
};

}
