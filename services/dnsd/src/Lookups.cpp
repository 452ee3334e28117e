/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * dnsd's queries: UDP tries with random ids and ports, replies matched and dropped, TCP after
 * truncation, the cache (Lookups.h).
 */

#include <dnsd/Lookups.h>
#include <dnsd/TlsChannel.h>
#include <vectra/dns/Framing.h>
#include <vectra/Connection.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/net/Address.h>
#include <vectra/resolver/Answer.h>

namespace vectra::dnsd {

namespace {

constexpr u16 first_random_port = 49152;
constexpr u32 random_ports = 65536 - first_random_port;
constexpr usize bind_attempts = 8;

u64 system_seconds() { return endpoint::now_nanoseconds() / 1'000'000'000; }

}

Lookups::Lookups(net::SocketClient& network, Rng<Confidence::High>& random, Configuration const& configuration)
    : m_network(&network)
    , m_random(random)
    , m_configuration(configuration)
    , m_cache(std::span<dns::CacheSlot>(m_slots))
{
}

Lookups::Lookups(TlsChannel& tls, Rng<Confidence::High>& random, Configuration const& configuration)
    : m_tls(&tls)
    , m_random(random)
    , m_configuration(configuration)
    , m_cache(std::span<dns::CacheSlot>(m_slots))
{
}

u64 Lookups::now_seconds() const { return m_configuration.seconds ? m_configuration.seconds() : system_seconds(); }

usize Lookups::in_flight() const
{
    usize count = 0;
    for (auto const& query : m_queries)
        count += query.used ? 1 : 0;
    return count;
}

std::optional<dns::CachedAnswer> Lookups::cached(dns::Name const& name, dns::RecordType type)
{
    return m_cache.lookup(name, type, now_seconds());
}

ErrorOr<void> Lookups::ask(dns::Name const& name, dns::RecordType type)
{
    Query* free = nullptr;
    for (auto& query : m_queries) {
        if (query.used && query.question.type == type && query.question.name.equals(name)) {
            ++m_counters.coalesced;
            return {};
        }
        if (!query.used && free == nullptr)
            free = &query;
    }
    if (free == nullptr)
        return Error(resolver::ResolverError::ServerFailure, "every query slot is in flight");
    *free = Query();
    free->question.name = name;
    free->question.type = type;
    free->tries_left = m_configuration.tries;
    free->server = TRY(server_for_query());
    auto sent = send_try(*free);
    if (sent.is_error()) {
        close(*free);
        free->used = false;
        if (m_tls)
            return Error(resolver::ResolverError::ServerFailure, "no verified DNS-over-TLS connection to the server");
        return Error(resolver::ResolverError::NetworkDown, "netd refused the query's socket or datagram");
    }
    free->used = true;
    return {};
}

ErrorOr<net::Address> Lookups::server_for_query()
{
    if (!m_configuration.server_from_link || m_network == nullptr)
        return m_configuration.server;
    auto named = m_network->name_servers();
    if (named.is_error()) {
        if (named.error().is(net::SocketError::AddressPending))
            return Error(resolver::ResolverError::NoServer, "the link's DHCP lease is not bound yet");
        return Error(resolver::ResolverError::NetworkDown, "netd did not answer name-servers");
    }
    if (named.value().servers.size() == 0)
        return Error(resolver::ResolverError::NoServer, "the link's DHCP lease names no DNS server");
    return named.value().servers[0];
}

/* A fresh socket on a random port and a fresh id for every try (RFC 5452). */
ErrorOr<void> Lookups::send_try(Query& query)
{
    if (m_tls)
        return send_over_tls(query);
    close(query);
    std::optional<net::Socket> bound;
    for (usize attempt = 0; attempt < bind_attempts && !bound; ++attempt) {
        auto port = u16(first_random_port + m_random.uniform(random_ports));
        auto socket = m_network->bind(net::unspecified(port));
        if (!socket.is_error())
            bound = socket.release_value();
        else if (!socket.error().is(net::SocketError::AddressInUse))
            return socket.release_error();
    }
    if (!bound)
        return Error(net::SocketError::AddressInUse, "no free random port in eight attempts");
    query.socket = *bound;
    query.question.id = u16(m_random.uniform(65536));
    u8 bytes[dns::maximum_query_bytes];
    usize length = TRY(dns::build_query(query.question, bytes));
    TRY(m_network->send_to(*query.socket, query.server, std::span<u8 const>(bytes, length)));
    ++m_counters.queries_sent;
    --query.tries_left;
    query.try_deadline = deadline_after(m_configuration.try_timeout);
    return {};
}

/* A fresh id no other query in flight holds (answers on the connection are told apart by id), the same question. */
ErrorOr<void> Lookups::send_over_tls(Query& query)
{
    for (;;) {
        query.question.id = u16(m_random.uniform(65536));
        bool taken = false;
        for (auto const& other : m_queries)
            taken |= other.used && &other != &query && other.question.id == query.question.id;
        if (!taken)
            break;
    }
    u8 bytes[dns::length_prefix_bytes + dns::maximum_query_bytes];
    usize length = TRY(dns::frame_query(query.question, bytes));
    --query.tries_left;
    query.try_deadline = deadline_after(m_configuration.try_timeout);
    auto sent = m_tls->send(std::span<u8 const>(bytes, length));
    query.unreachable = sent.is_error();
    TRY(sent);
    ++m_counters.queries_sent;
    return {};
}

std::optional<Finished> Lookups::take(Query& query, std::span<u8 const> message)
{
    auto parsed = dns::parse_response(query.question, message, m_response);
    if (parsed.is_error() && parsed.error().is(dns::DnsError::Mismatch)) {
        ++m_counters.mismatched_dropped;
        return std::nullopt;
    }
    if (parsed.is_error() && (parsed.error().is(dns::DnsError::Malformed) || parsed.error().is(dns::DnsError::Truncated))) {
        ++m_counters.malformed_dropped; /* a stream carries whole answers: a truncated one is broken */
        query.saw_malformed = true;
        return std::nullopt;
    }
    return finish(query, parsed);
}

void Lookups::read_tls(void* context, void (*callback)(void*, Finished const&))
{
    for (;;) {
        auto message = m_tls->next();
        if (message.is_error()) {
            /* The connection ended or broke: what was asked on it is asked again on a new one. */
            bool broken = message.error().is(dns::DnsError::Malformed);
            m_counters.malformed_dropped += broken ? 1 : 0;
            for (auto& query : m_queries) {
                query.try_deadline = 0;
                query.saw_malformed |= broken && query.used;
            }
            return;
        }
        if (!message.value())
            return;
        auto bytes = *message.value();
        u16 id = bytes.size() >= 2 ? u16(bytes[0] << 8 | bytes[1]) : 0;
        Query* owner = nullptr;
        for (auto& query : m_queries)
            if (query.used && query.question.id == id)
                owner = &query;
        if (!owner) {
            ++m_counters.mismatched_dropped; /* no query in flight has this id */
            continue;
        }
        if (auto done = take(*owner, bytes))
            end(*owner, *done, context, callback);
    }
}

void Lookups::close(Query& query)
{
    if (query.socket)
        (void)m_network->close(*query.socket);
    query.socket.reset();
}

Finished Lookups::finish(Query const& query, ErrorOr<void> parsed)
{
    Finished finished;
    finished.name = query.question.name;
    finished.type = query.question.type;
    if (parsed.is_error()) {
        finished.error = resolver::resolver_error_of(parsed.error());
        return finished;
    }
    u64 now = now_seconds();
    m_cache.store(m_response, now);
    dns::CachedAnswer answer;
    answer.outcome = m_response.outcome;
    answer.canonical = m_response.canonical;
    /* The cache's caps hold for an answer given straight away too. */
    u32 cap = m_response.outcome == dns::Outcome::Answer ? dns::maximum_cached_ttl : dns::maximum_negative_ttl;
    answer.ttl_left = m_response.ttl < cap ? m_response.ttl : cap;
    answer.address_count = m_response.address_count;
    answer.addresses = m_response.addresses;
    finished.answer = answer;
    return finished;
}

std::optional<Finished> Lookups::read(Query& query)
{
    for (;;) {
        auto incoming = m_network->try_receive(*query.socket, std::span<u8>(m_message, net::inline_maximum));
        if (incoming.is_error()) {
            if (incoming.error().is(net::SocketError::WouldBlock))
                return std::nullopt;
            return finish(query, Error(dns::DnsError::ServerFailure, "netd failed the query's socket"));
        }
        auto const& datagram = incoming.value();
        if (!(datagram.from == query.server)) {
            ++m_counters.mismatched_dropped; /* not from the server's address and port */
            continue;
        }
        auto parsed = dns::parse_response(query.question, std::span<u8 const>(m_message, datagram.length), m_response);
        if (parsed.is_error() && parsed.error().is(dns::DnsError::Mismatch)) {
            ++m_counters.mismatched_dropped;
            continue;
        }
        if (parsed.is_error() && parsed.error().is(dns::DnsError::Malformed)) {
            ++m_counters.malformed_dropped;
            query.saw_malformed = true;
            continue;
        }
        if (parsed.is_error() && parsed.error().is(dns::DnsError::Truncated)) {
            ++m_counters.truncated;
            return over_tcp(query);
        }
        return finish(query, parsed);
    }
}

/* RFC 7766: the same question over TCP, each message after its two-byte length. */
Finished Lookups::over_tcp(Query& query)
{
    close(query);
    auto exchange = [&]() -> ErrorOr<void> {
        u64 deadline = deadline_after(m_configuration.tcp_timeout);
        auto left = [&] { return Duration::from_nanoseconds(i64(deadline - endpoint::now_nanoseconds())); };
        query.question.id = u16(m_random.uniform(65536));
        u8 bytes[dns::length_prefix_bytes + dns::maximum_query_bytes];
        usize length = TRY(dns::frame_query(query.question, bytes));
        auto connection = TRY(m_network->connect(query.server, m_configuration.tcp_timeout));
        ++m_counters.queries_sent;
        auto closing = [&] { (void)m_network->close(connection, true); };
        auto sent = m_network->send(connection, std::span<u8 const>(bytes, length), left());
        if (sent.is_error()) {
            closing();
            return sent.release_error();
        }
        usize have = 0;
        usize wanted = 2;
        while (have < wanted) {
            if (endpoint::now_nanoseconds() >= deadline) {
                closing();
                return Error(ErrorCode::TimedOut, "the TCP answer did not come in time");
            }
            auto got = m_network->receive(connection, std::span<u8>(m_message + have, wanted - have), left());
            if (got.is_error())
                return got.release_error(); /* a passed deadline closed the socket already */
            have += got.value().length;
            if (have >= 2 && wanted == 2)
                wanted = 2 + (usize(m_message[0]) << 8 | m_message[1]);
            if (got.value().end && have < wanted) {
                closing();
                return Error(dns::DnsError::Malformed, "the TCP answer ended early");
            }
        }
        closing();
        return dns::parse_response(query.question, std::span<u8 const>(m_message + 2, wanted - 2), m_response);
    };
    auto parsed = exchange();
    if (parsed.is_error() && parsed.error().is(ErrorCode::TimedOut))
        ++m_counters.timed_out;
    return finish(query, parsed);
}

void Lookups::end(Query& query, Finished const& finished, void* context, void (*callback)(void*, Finished const&))
{
    close(query);
    query.used = false;
    callback(context, finished);
}

void Lookups::poll(void* context, void (*callback)(void*, Finished const&))
{
    if (m_tls)
        read_tls(context, callback);
    for (auto& query : m_queries) {
        if (!query.used)
            continue;
        auto done = m_tls ? std::nullopt : read(query);
        if (done) {
            end(query, *done, context, callback);
            continue;
        }
        if (endpoint::now_nanoseconds() < query.try_deadline)
            continue;
        if (query.tries_left > 0 && !send_try(query).is_error())
            continue;
        ++m_counters.timed_out;
        Finished finished;
        finished.name = query.question.name;
        finished.type = query.question.type;
        finished.error = query.saw_malformed
            ? Error(resolver::ResolverError::ServerFailure, "the server answered only with malformed replies")
            : query.unreachable
            ? Error(resolver::ResolverError::ServerFailure, "no verified DNS-over-TLS connection to the server")
            : Error(resolver::ResolverError::TimedOut, "the server did not answer any try");
        end(query, finished, context, callback);
    }
}

}
