/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * dnsd's loop as a Task, with netd's real loop and stack (loopback) and a test DNS server Task on
 * 127.0.0.1 (DnsTestServer.h), clients on sessions of vectra.resolver: A, AAAA and both; NXDOMAIN
 * and NODATA; cache hits (the server counts queries) and TTL expiry on a test clock; truncation
 * then TCP; lookups from three sessions coalesced into one query; and as an attacker: forged
 * replies (wrong id, wrong question, wrong source port, a flood) never accepted, a malformed reply,
 * a server that never answers while dnsd serves others, a second resolve on a session (`busy`).
 */

#include "DnsTestServer.h"
#include "DnsWire.h"
#include "ResolverTestClient.h"
#include "ServiceHarness.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <dnsd/Configuration.h>
#include <dnsd/Server.h>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/Try.h>
#include <vectra/kernel/Executor.h>
#include <vectra/net/Address.h>
#include <vectra/net/SocketClient.h>
#include <vectra/resolver/Protocol.h>

using namespace vectra;
using namespace vectra::test;
using namespace vectra::test::dns_wire;
namespace server = vectra::test::dns_server;
using resolver::Families;
using resolver::ResolverError;

namespace {

/* The test clock: real seconds plus what a test added. */
std::atomic<u64> s_clock_offset { 0 };
u64 test_seconds() { return endpoint::now_nanoseconds() / 1'000'000'000 + s_clock_offset; }

std::atomic<bool> s_silent_done { false };

/* ---- the DNS server Task ---- */

std::optional<usize> name_index(Question const& question)
{
    for (usize index = 0; index < server::Names; ++index) {
        std::vector<u8> wire;
        put_name(wire, server::names[index]);
        if (wire.size() == question.name_wire.size()
            && std::equal(wire.begin(), wire.end(), question.name_wire.begin(),
                [](u8 left, u8 right) { return (left | 0x20) == (right | 0x20); }))
            return index;
    }
    return std::nullopt;
}


ErrorOr<void> answer_over_tcp(net::SocketClient& network, net::Socket const& listener)
{
    auto connection = TRY(network.accept(listener, Duration::from_seconds(5)));
    u8 bytes[600];
    usize have = 0;
    while (have < 2 || have < 2 + usize(bytes[0] << 8 | bytes[1])) {
        auto got = TRY(network.receive(connection, std::span<u8>(bytes + have, sizeof(bytes) - have)));
        if (got.length == 0)
            return Error(ErrorCode::MalformedMessage, "the TCP query ended early");
        have += got.length;
    }
    auto question = read_question(std::span<u8 const>(bytes + 2, have - 2));
    if (!question)
        return Error(ErrorCode::MalformedMessage, "not a query");
    ++server::state().tcp_queries;
    if (auto index = name_index(*question))
        ++server::state().queries[*index];
    std::vector<Record> records;
    for (u8 last = 1; last <= 20; ++last)
        records.push_back({ type_a, { 10, 0, 0, last }, 300 });
    auto message = response(*question, answer_flags, records);
    std::vector<u8> framed;
    put16(framed, u16(message.size()));
    framed.insert(framed.end(), message.begin(), message.end());
    TRY(network.send(connection, framed));
    TRY(network.close(connection));
    return {};
}

ErrorOr<void> serve_query(net::SocketClient& network, net::Socket const& socket, net::Socket const& other_port,
    net::Socket const& listener, std::span<u8 const> bytes, net::Address const& from)
{
    auto question = read_question(bytes);
    if (!question)
        return {};
    auto index = name_index(*question);
    if (!index)
        return {};
    int count = server::state().queries[*index]++;
    if (*index == server::Silent && count < 2) {
        server::state().silent_ids[count] = question->id;
        server::state().silent_ports[count] = from.port;
    }
    auto send = [&](std::vector<u8> const& message) { return network.send_to(socket, from, message); };
    bool aaaa = question->type == type_aaaa;
    switch (*index) {
    case server::Www:
        if (aaaa)
            return send(response(*question, answer_flags, { { type_aaaa, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 300 } }));
        return send(response(*question, answer_flags, { a(1) }));
    case server::Short:
        return send(response(*question, answer_flags, aaaa ? std::vector<Record> {} : std::vector<Record> { a(2, 60) }, aaaa));
    case server::Missing:
        return send(response(*question, 0x8183, {}, true));
    case server::Empty:
        return send(response(*question, answer_flags, aaaa ? std::vector<Record> {} : std::vector<Record> { a(3) }, true));
    case server::Big:
        TRY(send(response(*question, 0x8380, {})));
        return answer_over_tcp(network, listener);
    case server::Forged: {
        /* Each forged reply names 6.6.6.x: none may be taken. A flood with wrong ids first (fewer than
           netd queues per socket, so the real one still fits), then the right id for another question,
           then the right id and question from another port, then the real answer. */
        for (u8 count = 0; count < 10; ++count) {
            auto wrong = *question;
            wrong.id = u16(question->id + 1 + count);
            TRY(send(response(wrong, answer_flags, { { type_a, { 6, 6, 6, count }, 300 } })));
        }
        TRY(send(response(*question, answer_flags, { { type_a, { 6, 6, 6, 100 }, 300 } }, false, "www.example.com")));
        TRY(network.send_to(other_port, from, response(*question, answer_flags, { { type_a, { 6, 6, 6, 101 }, 300 } })));
        return send(response(*question, answer_flags, { a(4) }));
    }
    case server::Malformed: {
        auto message = response(*question, answer_flags, { a(9) });
        message[7] = 2; /* two answers announced, one present */
        return send(message);
    }
    case server::Silent:
        return {};
    case server::Long:
        return send(response(*question, answer_flags, { a(6, 200'000) }));
    case server::Slow: {
        u64 until = endpoint::now_nanoseconds() + 100'000'000;
        while (endpoint::now_nanoseconds() < until)
            system::yield();
        return send(response(*question, answer_flags, { a(5) }));
    }
    default:
        return {};
    }
}

ErrorOr<i32> dns_server_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto network = TRY(net::SocketClient::open(std::move(requests), std::move(replies), memory));
    auto socket = TRY(network.bind(net::ipv4(127, 0, 0, 1, 0)));
    auto other_port = TRY(network.bind(net::ipv4(127, 0, 0, 1, 0)));
    auto listener = TRY(network.listen(net::ipv4(127, 0, 0, 1, socket.local.port), 2));
    server::state().port = socket.local.port;
    u8 bytes[1536];
    while (!server::state().stop) {
        auto got = network.try_receive(socket, bytes);
        if (got.is_error()) {
            if (!got.error().is(net::SocketError::WouldBlock))
                return got.release_error();
            system::yield();
            continue;
        }
        TRY(serve_query(network, socket, other_port, listener, std::span<u8 const>(bytes, got.value().length), got.value().from));
    }
    TRY(network.close(listener));
    TRY(network.close(other_port));
    TRY(network.close(socket));
    return 0;
}

/* ---- dnsd as a Task ---- */

/* Set: dnsd is configured with no server and asks netd for the link's (loopback only here: none). */
bool s_server_from_link = false;

ErrorOr<i32> dnsd_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto netd_requests = TRY(bundle.take<RingCap>("netd_requests"));
    auto netd_replies = TRY(bundle.take<RingCap>("netd_replies"));
    while (server::state().port == 0)
        system::yield();
    dnsd::Configuration configuration;
    configuration.server = net::ipv4(127, 0, 0, 1, server::state().port);
    configuration.server_from_link = s_server_from_link;
    configuration.try_timeout = Duration::from_milliseconds(300);
    configuration.tries = 2;
    configuration.tcp_timeout = Duration::from_seconds(2);
    configuration.seconds = test_seconds;
    static PatternEntropy entropy;
    TRY(dnsd::run(memory, std::move(netd_requests), std::move(netd_replies), std::move(requests), std::move(replies),
        configuration, entropy, nullptr));
    return 0;
}

/* ---- clients ---- */

int queries(server::Name name) { return server::state().queries[name]; }


/* ---- the harness ---- */

/* The dnsd listener's requests Ring, for a client that ends dnsd (a restart test); set while dnsd runs. */
std::atomic<Ring*> s_dnsd_listener { nullptr };
std::atomic<bool> s_restarted { false };

/*
 * netd, the DNS server, dnsd and `clients` (each on its own dnsd session) until every client ended;
 * then all stop. With `restart`, a client is expected to end dnsd first (resetting its listener, as
 * a supervisor does): a new dnsd is started on the same listener and s_restarted raised.
 */
void run_with_dnsd(std::initializer_list<TaskEntry> clients, bool restart = false)
{
    for (auto& count : server::state().queries)
        count = 0;
    server::state().tcp_queries = 0;
    for (usize index = 0; index < 2; ++index) {
        server::state().silent_ids[index] = 0;
        server::state().silent_ports[index] = 0;
    }
    server::state().stop = false;
    server::state().port = 0;
    ServiceHarness harness(24 * MiB);
    auto netd_listener = harness.listener();
    auto dnsd_listener = harness.listener();
    Task* netd = harness.spawn("netd", netd_service, 128 * KiB);
    harness.serve(*netd, netd_listener, 64 * KiB);
    Task* dns_server = harness.spawn("dns-server", dns_server_task, 128 * KiB);
    harness.client_of(*dns_server, netd_listener, 1 * MiB);
    auto start_dnsd = [&] {
        Task* dnsd = harness.spawn("dnsd", dnsd_task, 128 * KiB);
        harness.serve(*dnsd, dnsd_listener, 2 * MiB);
        harness.client_slots(*dnsd, "netd_requests", "netd_replies", netd_listener);
        return dnsd;
    };
    Task* dnsd = start_dnsd();
    std::vector<Task*> tasks;
    for (auto entry : clients) {
        Task* task = harness.spawn("client", entry, 128 * KiB);
        harness.client_of(*task, dnsd_listener, 256 * KiB);
        tasks.push_back(task);
    }
    s_dnsd_listener = dnsd_listener.requests_ring;
    s_restarted = false;
    if (restart) {
        REQUIRE(harness.executor().run_until_exit(*dnsd).value() == 1);
        REQUIRE(dnsd->exit_error().code() == ErrorCode::PeerRestarted);
        dnsd = start_dnsd();
        s_restarted = true;
    }
    run_clients(tasks);
    s_dnsd_listener = nullptr;
    /* dnsd ends when its listener goes; the DNS server when told; then netd. */
    harness.stop(dnsd, dnsd_listener);
    server::state().stop = true;
    i32 server_status = harness.executor().run_until_exit(*dns_server).value();
    INFO("dns server error: " << dns_server->exit_error().name());
    REQUIRE(server_status == 0);
    harness.stop_netd(netd, netd_listener);
}

/* ---- scenarios ---- */

ErrorOr<i32> answers_and_cache(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    auto first = TRY(resolve(client, "www.example.com"));
    EXPECT_IN_TASK(first.addresses.size() == 1 && is_ipv4(first.addresses[0], 192, 0, 2, 1));
    EXPECT_IN_TASK(first.ttl_left == 300 && !first.from_cache && text_of(first.canonical) == "www.example.com");
    EXPECT_IN_TASK(queries(server::Www) == 1);
    /* Again, in another case: the cache answers, the server sees nothing. */
    auto second = TRY(resolve(client, "WWW.Example.com"));
    EXPECT_IN_TASK(second.from_cache && second.addresses.size() == 1 && is_ipv4(second.addresses[0], 192, 0, 2, 1));
    EXPECT_IN_TASK(queries(server::Www) == 1);
    /* Both families: AAAA asked (A is cached), IPv6 first. */
    auto both = TRY(resolve(client, "www.example.com", Families::Both));
    EXPECT_IN_TASK(both.addresses.size() == 2 && both.addresses[0].family == u8(net::Family::Ipv6));
    EXPECT_IN_TASK(both.addresses[0].bytes[0] == 0x20 && both.addresses[0].bytes[15] == 1);
    EXPECT_IN_TASK(both.addresses[1].family == u8(net::Family::Ipv4) && !both.from_cache);
    EXPECT_IN_TASK(queries(server::Www) == 2);
    /* NXDOMAIN: name-error, cached (negative TTL from the SOA). */
    EXPECT_IN_TASK(failed_with(resolve(client, "missing.example.com"), ResolverError::NameError));
    EXPECT_IN_TASK(failed_with(resolve(client, "missing.example.com"), ResolverError::NameError));
    EXPECT_IN_TASK(queries(server::Missing) == 1);
    /* NODATA: no-address for IPv6 only; with both, the A answer stands. */
    EXPECT_IN_TASK(failed_with(resolve(client, "empty.example.com", Families::Ipv6), ResolverError::NoAddress));
    auto empty_both = TRY(resolve(client, "empty.example.com", Families::Both));
    EXPECT_IN_TASK(empty_both.addresses.size() == 1 && is_ipv4(empty_both.addresses[0], 192, 0, 2, 3));
    EXPECT_IN_TASK(queries(server::Empty) == 2); /* AAAA once (cached negative), A once */
    /* A TTL above a day is capped, straight from the server and from the cache alike. */
    EXPECT_IN_TASK(TRY(resolve(client, "long.example.com")).ttl_left == 86'400);
    auto long_cached = TRY(resolve(client, "long.example.com"));
    EXPECT_IN_TASK(long_cached.from_cache && long_cached.ttl_left >= 86'399 && long_cached.ttl_left <= 86'400);
    /* Not a host name: refused without a query. */
    EXPECT_IN_TASK(failed_with(resolve(client, "bad name.example.com"), ResolverError::InvalidName));
    EXPECT_IN_TASK(failed_with(resolve(client, ""), ResolverError::InvalidName));
    auto bad_family = client.call(request("www.example.com", Families(7)));
    EXPECT_IN_TASK(bad_family.is_error() && bad_family.error().is(ErrorCode::InvalidArgument));
    auto counters = TRY(client.call(resolver::ReadCounters {}));
    EXPECT_IN_TASK(counters.cache_hits == 5 && counters.queries_sent == 6 && counters.mismatched_dropped == 0);
    return 0;
}

ErrorOr<i32> ttl_expiry(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    auto first = TRY(resolve(client, "short.example.com"));
    EXPECT_IN_TASK(first.ttl_left == 60 && is_ipv4(first.addresses[0], 192, 0, 2, 2));
    s_clock_offset += 58; /* (a real second may pass as well) */
    auto cached = TRY(resolve(client, "short.example.com"));
    EXPECT_IN_TASK(cached.from_cache && cached.ttl_left >= 1 && cached.ttl_left <= 2 && queries(server::Short) == 1);
    s_clock_offset += 3; /* past the TTL: asked again */
    auto again = TRY(resolve(client, "short.example.com"));
    EXPECT_IN_TASK(!again.from_cache && again.ttl_left == 60 && queries(server::Short) == 2);
    /* The negative answer's TTL (30 s from the SOA) runs out too. */
    EXPECT_IN_TASK(failed_with(resolve(client, "missing.example.com"), ResolverError::NameError));
    s_clock_offset += 31;
    EXPECT_IN_TASK(failed_with(resolve(client, "missing.example.com"), ResolverError::NameError));
    EXPECT_IN_TASK(queries(server::Missing) == 2);
    return 0;
}

ErrorOr<i32> no_server_from_the_link(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    auto started = monotonic_now();
    EXPECT_IN_TASK(failed_with(resolve(client, "www.example.com"), ResolverError::NoServer));
    EXPECT_IN_TASK(failed_with(resolve(client, "short.example.com"), ResolverError::NoServer));
    /* Answered at once (never held until the deadline), nothing sent, nothing cached. */
    EXPECT_IN_TASK(monotonic_now() - started < Duration::from_seconds(2));
    auto counters = TRY(client.call(resolver::ReadCounters {}));
    EXPECT_IN_TASK(counters.queries_sent == 0 && counters.cache_hits == 0 && queries(server::Www) == 0);
    return 0;
}

ErrorOr<i32> truncation_then_tcp(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    auto big = TRY(resolve(client, "big.example.com"));
    EXPECT_IN_TASK(big.addresses.size() == 16 && is_ipv4(big.addresses[0], 10, 0, 0, 1) && is_ipv4(big.addresses[15], 10, 0, 0, 16));
    EXPECT_IN_TASK(server::state().tcp_queries == 1 && queries(server::Big) == 2);
    auto counters = TRY(client.call(resolver::ReadCounters {}));
    EXPECT_IN_TASK(counters.truncated == 1 && counters.queries_sent == 2);
    return 0;
}

ErrorOr<i32> forged_replies(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    auto forged = TRY(resolve(client, "forged.example.com"));
    EXPECT_IN_TASK(forged.addresses.size() == 1 && is_ipv4(forged.addresses[0], 192, 0, 2, 4));
    auto counters = TRY(client.call(resolver::ReadCounters {}));
    /* Ten wrong ids, one wrong question, one from another port: all dropped, none taken. */
    EXPECT_IN_TASK(counters.mismatched_dropped == 12 && counters.queries_sent == 1);
    /* The cache holds the real answer only. */
    auto cached = TRY(resolve(client, "forged.example.com"));
    EXPECT_IN_TASK(cached.from_cache && is_ipv4(cached.addresses[0], 192, 0, 2, 4));
    /* A malformed reply on every try: dropped, then server-failure (not cached: asked again next time). */
    EXPECT_IN_TASK(failed_with(resolve(client, "malformed.example.com"), ResolverError::ServerFailure));
    counters = TRY(client.call(resolver::ReadCounters {}));
    EXPECT_IN_TASK(counters.malformed_dropped == 2 && queries(server::Malformed) == 2);
    return 0;
}

ErrorOr<i32> silent_server(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    auto silent = resolve(client, "silent.example.com");
    s_silent_done = true;
    EXPECT_IN_TASK(failed_with(silent, ResolverError::TimedOut));
    EXPECT_IN_TASK(queries(server::Silent) == 2);
    /* Each try from a fresh random port (49152–65535) with a fresh id (RFC 5452). */
    auto& seen = server::state();
    EXPECT_IN_TASK(seen.silent_ports[0] >= 49152 && seen.silent_ports[1] >= 49152);
    EXPECT_IN_TASK(seen.silent_ports[0] != seen.silent_ports[1] && seen.silent_ids[0] != seen.silent_ids[1]);
    auto counters = TRY(client.call(resolver::ReadCounters {}));
    EXPECT_IN_TASK(counters.timed_out == 1);
    return 0;
}

ErrorOr<i32> served_meanwhile(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    while (queries(server::Silent) == 0)
        system::yield();
    auto www = TRY(resolve(client, "www.example.com"));
    EXPECT_IN_TASK(is_ipv4(www.addresses[0], 192, 0, 2, 1));
    EXPECT_IN_TASK(!s_silent_done); /* answered while the silent query still waited */
    return 0;
}

ErrorOr<i32> second_resolve_is_busy(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    auto* connection = client.connection();
    u8 bytes[protocol::payload_capacity<resolver::Protocol>];
    u64 deadline = deadline_after(Duration::from_seconds(10));
    usize length = TRY(protocol::encode_request<resolver::Protocol>(request("silent.example.com", Families::Ipv4, 200), 1, bytes));
    TRY(connection->send(std::span<u8 const>(bytes, length), deadline));
    length = TRY(protocol::encode_request<resolver::Protocol>(request("www.example.com", Families::Ipv4), 2, bytes));
    TRY(connection->send(std::span<u8 const>(bytes, length), deadline));
    /* The second is answered at once, busy; the first at its deadline (200 ms), timed-out. */
    auto first_reply = TRY(connection->receive(bytes, deadline));
    auto envelope = TRY(protocol::read_envelope(std::span<u8 const>(bytes, first_reply.length)));
    EXPECT_IN_TASK(envelope.call_id == 2 && envelope.status == u16(ResolverError::Busy));
    auto second_reply = TRY(connection->receive(bytes, deadline));
    envelope = TRY(protocol::read_envelope(std::span<u8 const>(bytes, second_reply.length)));
    EXPECT_IN_TASK(envelope.call_id == 1 && envelope.status == u16(ResolverError::TimedOut));
    return 0;
}

std::atomic<int> s_slow_answers { 0 };

ErrorOr<i32> slow_lookup(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    auto slow = TRY(resolve(client, "slow.example.com"));
    EXPECT_IN_TASK(is_ipv4(slow.addresses[0], 192, 0, 2, 5) && !slow.from_cache);
    ++s_slow_answers;
    return 0;
}

ErrorOr<i32> coalescing_counters(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    while (s_slow_answers < 3)
        system::yield();
    EXPECT_IN_TASK(queries(server::Slow) == 1);
    auto counters = TRY(client.call(resolver::ReadCounters {}));
    EXPECT_IN_TASK(counters.coalesced == 2 && counters.queries_sent == 1);
    return 0;
}

ErrorOr<i32> across_a_restart(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    auto first = TRY(resolve(client, "www.example.com"));
    EXPECT_IN_TASK(!first.from_cache && queries(server::Www) == 1);
    /* dnsd goes (its listener reset, as its supervisor does) and a new one starts. */
    s_dnsd_listener.load()->reset();
    while (!s_restarted)
        system::yield();
    /* The call that meets the ended session fails and the client opens a new one; the next is served. */
    auto met = resolve(client, "www.example.com");
    if (met.is_error())
        EXPECT_IN_TASK(met.error().is(ErrorCode::PeerClosed) || met.error().is(ErrorCode::Revoked)
            || met.error().is(ErrorCode::PeerRestarted));
    auto again = met.is_error() ? TRY(resolve(client, "www.example.com")) : met.value();
    /* The cache went with the old dnsd: the server is asked again. */
    EXPECT_IN_TASK(!again.from_cache && is_ipv4(again.addresses[0], 192, 0, 2, 1) && queries(server::Www) == 2);
    return 0;
}

}

TEST_CASE("dnsd answers A, AAAA and both, NXDOMAIN and NODATA, and its cache saves queries", "[dnsd]")
{
    run_with_dnsd({ answers_and_cache });
}

TEST_CASE("dnsd's cache entries expire with their TTL on dnsd's clock, negative ones too", "[dnsd]")
{
    run_with_dnsd({ ttl_expiry });
}

TEST_CASE("without a configured server dnsd asks netd's name-servers; none named is no-server at once", "[dnsd][attack]")
{
    s_server_from_link = true;
    run_with_dnsd({ no_server_from_the_link });
    s_server_from_link = false;
}

TEST_CASE("dnsd asks again over TCP after a truncated answer", "[dnsd]")
{
    run_with_dnsd({ truncation_then_tcp });
}

TEST_CASE("dnsd takes no forged reply (wrong id, question or port, a flood) and drops a malformed one", "[dnsd][attack]")
{
    run_with_dnsd({ forged_replies });
}

TEST_CASE("a server that never answers times out one lookup while dnsd serves others", "[dnsd][attack]")
{
    s_silent_done = false;
    run_with_dnsd({ silent_server, served_meanwhile });
}

TEST_CASE("a second resolve on a session is busy; the first is answered at its deadline", "[dnsd][attack]")
{
    run_with_dnsd({ second_resolve_is_busy });
}

TEST_CASE("three sessions asking one name at once share one query", "[dnsd]")
{
    s_slow_answers = 0;
    run_with_dnsd({ slow_lookup, slow_lookup, slow_lookup, coalescing_counters });
}

TEST_CASE("dnsd's server address: dotted-quad IPv4 only", "[dnsd]")
{
    auto parsed = dnsd::parse_server("10.0.2.2", 53);
    REQUIRE(!parsed.is_error());
    REQUIRE(parsed.value() == net::ipv4(10, 0, 2, 2, 53));
    for (auto bad : { "", "10.0.2", "10.0.2.2.1", "10.0.2.256", "10..2.2", "010.0.2.2", "10.0.2.2 ", "a.b.c.d", "1.2.3.4444" })
        REQUIRE(dnsd::parse_server(bad, 53).is_error());
    REQUIRE(dnsd::parse_server("10.0.2.2", 0).is_error());
}

TEST_CASE("dnsd's server from its configuration: the compiler's bytes, defaults, refusals", "[dnsd]")
{
    /* What tools/manifest/compile.py emits for {"server": "10.0.2.2", "port": 5353} (tests/tools/test_manifest.py). */
    u8 const bytes[] = { 0x01, 0x00, 0x10, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, '1', '0', '.', '0', '.', '2', '.', '2',
        0x01, 0xe9, 0x14 };
    auto server = dnsd::server_from(std::span<u8 const>(bytes));
    REQUIRE(!server.is_error());
    REQUIRE(server.value() == net::ipv4(10, 0, 2, 2, 5353));
    /* Nothing configured: none, the link's (netd's name-servers). A server without a port: 53. */
    u8 const none[] = { 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 };
    REQUIRE(!dnsd::server_from(std::span<u8 const>(none)).value().has_value());
    dnsd::ServerConfiguration plain;
    plain.server = Utf8String<15>::try_from(std::string_view("10.0.2.3")).release_value();
    REQUIRE(dnsd::server_from(plain).value() == net::ipv4(10, 0, 2, 3, 53));
    dnsd::ServerConfiguration port_alone;
    port_alone.port = 5353;
    REQUIRE(dnsd::server_from(port_alone).error().is(ErrorCode::InvalidArgument));
    dnsd::ServerConfiguration port_zero = plain;
    port_zero.port = 0;
    REQUIRE(dnsd::server_from(port_zero).error().is(ErrorCode::InvalidArgument));
    dnsd::ServerConfiguration name;
    name.server = Utf8String<15>::try_from(std::string_view("dns.example")).release_value();
    REQUIRE(dnsd::server_from(name).error().is(ErrorCode::InvalidArgument)); /* the compiler checks length, dnsd the form */
    /* Malformed bytes: the decoder's error, never an address. */
    for (usize length = 0; length < sizeof(bytes); ++length)
        REQUIRE(dnsd::server_from(std::span<u8 const>(bytes, length)).error().is(ErrorCode::MalformedMessage));
    u8 long_name[sizeof(bytes)];
    memcpy(long_name, bytes, sizeof(bytes));
    long_name[7] = 16;
    REQUIRE(dnsd::server_from(std::span<u8 const>(long_name)).error().is(ErrorCode::TooLarge));
}

TEST_CASE("a restarted dnsd serves the client's next session, its cache gone", "[dnsd]")
{
    run_with_dnsd({ across_a_restart }, true);
}
