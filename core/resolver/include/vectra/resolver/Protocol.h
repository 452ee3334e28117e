/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.resolver, declared once (docs/adr/0032-dns-messages-and-cache.md §5): what dnsd serves on
 * each session. Encoding, schema id, client, dispatch and docs/protocols/vectra.resolver.md all come
 * from this declaration (core/concurrent's protocol library).
 *
 * Resolving. `resolve` names a host (presentation form, at most 253 characters, letters, digits,
 * '-' and '_' only: anything else is `invalid-name`) and the families wanted; the reply carries up to
 * 16 addresses (core/net's Address, port 0; with `both`, IPv6 ones first), the seconds they stay
 * valid (the smallest TTL left of every record behind them), the canonical name (the end of the
 * CNAME chain) and whether the answer came from dnsd's cache. It is answered when dnsd has the answer
 * or the deadline passes (`timed-out`); dnsd bounds the deadline by its own.
 *
 * Limits. A session has at most one `resolve` waiting: a second one is answered `busy` at once. So
 * a session's replies always fit its Ring (one waiting resolve and the requests answered at once).
 *
 * Restart. When dnsd restarts, a client's next call fails with `PeerRestarted` (the session's Rings
 * are gone); the client opens a new session and asks again. The cache is lost with dnsd.
 */

#pragma once

#include <vectra/BoundedVector.h>
#include <vectra/net/Protocol.h>
#include <vectra/protocol/Declaration.h>

namespace vectra::resolver {

/* Errors a program can act on; kernel and L0 errors (malformed-message, …) travel as themselves. */
enum class ResolverError : u16 {
    NameError = 1,
    NoAddress = 2,
    ServerFailure = 3,
    TimedOut = 4,
    Refused = 5,
    InvalidName = 6,
    NetworkDown = 7,
    Busy = 8,
    NoServer = 9,
};

inline constexpr usize maximum_name_text = 253;
inline constexpr usize maximum_addresses = 16;
/* The longest a resolve may wait, whatever deadline it asks for. */
inline constexpr u32 maximum_deadline_ms = 30'000;

enum class Families : u8 {
    Ipv4 = 4,
    Ipv6 = 6,
    Both = 10,
};

using NameText = BoundedVector<u8, maximum_name_text>;

struct Resolve {
    NameText name;
    u8 families { u8(Families::Ipv4) }; /* Families */
    u32 deadline_ms { 0 };              /* 0: dnsd's own deadline; above maximum_deadline_ms: that */
    static constexpr auto fields()
    {
        return vectra::fields(
            field("name", &Resolve::name), field("families", &Resolve::families), field("deadline_ms", &Resolve::deadline_ms));
    }
};

struct Resolved {
    BoundedVector<net::Address, maximum_addresses> addresses;
    u32 ttl_left { 0 };      /* seconds the addresses stay valid from now */
    NameText canonical;      /* the end of the CNAME chain (the asked name when there is none) */
    bool from_cache { false };
    static constexpr auto fields()
    {
        return vectra::fields(field("addresses", &Resolved::addresses), field("ttl_left", &Resolved::ttl_left),
            field("canonical", &Resolved::canonical), field("from_cache", &Resolved::from_cache));
    }
};

struct ReadCounters {
    static constexpr auto fields() { return vectra::fields(); }
};

/* dnsd's counters, over every session since it started. */
struct Counters {
    u64 resolves { 0 };          /* resolve requests answered */
    u64 queries_sent { 0 };      /* DNS queries sent (UDP datagrams and TCP exchanges) */
    u64 cache_hits { 0 };        /* lookups answered from the cache */
    u64 coalesced { 0 };         /* lookups that joined a query already in flight */
    u64 mismatched_dropped { 0 }; /* replies dropped: another source, id, or question */
    u64 malformed_dropped { 0 }; /* replies the parser refused as malformed */
    u64 truncated { 0 };         /* answers that came truncated (then asked over TCP) */
    u64 timed_out { 0 };         /* queries no server answered in time */
    static constexpr auto fields()
    {
        return vectra::fields(field("resolves", &Counters::resolves), field("queries_sent", &Counters::queries_sent),
            field("cache_hits", &Counters::cache_hits), field("coalesced", &Counters::coalesced),
            field("mismatched_dropped", &Counters::mismatched_dropped),
            field("malformed_dropped", &Counters::malformed_dropped), field("truncated", &Counters::truncated),
            field("timed_out", &Counters::timed_out));
    }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.resolver";
    static constexpr u16 version = 2;
    static constexpr u32 slot_count = 4;
    static constexpr u32 slot_size = 1024;
    using Errors = ResolverError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(
            error(ResolverError::NameError, "name-error", "the name does not exist (NXDOMAIN)"),
            error(ResolverError::NoAddress, "no-address", "the name exists but has no address of the families asked"),
            error(ResolverError::ServerFailure, "server-failure", "the server failed, or answered only with malformed or unusable replies; ask again later"),
            error(ResolverError::TimedOut, "timed-out", "no answer before the deadline (every try of every query)"),
            error(ResolverError::Refused, "refused", "the server refused to answer (REFUSED): it does not serve this client"),
            error(ResolverError::InvalidName, "invalid-name", "not a host name: empty labels, a label over 63 bytes, over 253 characters, or a character other than letters, digits, '-' and '_'"),
            error(ResolverError::NetworkDown, "network-down", "dnsd cannot reach netd or send to the configured server"),
            error(ResolverError::Busy, "busy", "this session already has a resolve waiting"),
            error(ResolverError::NoServer, "no-server", "dnsd's configuration names no server and the link's DHCP lease names none, or is not bound yet; ask again later"));
    }

    static constexpr auto messages()
    {
        using protocol::message;
        return protocol::messages(
            message<Resolve, Resolved>("resolve", "The addresses of `name` of the families asked (IPv6 first with both), their seconds left, the canonical name, and whether the cache answered; answered when known or at the deadline."),
            message<ReadCounters, Counters>("counters", "dnsd's counters: resolves, queries sent, cache hits, coalesced lookups, replies dropped, truncations, timeouts."));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(ResolverError) { return domain; }

inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

}
