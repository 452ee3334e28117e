/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * dnsd over TLS (RFC 7858; services/dnsd TlsChannel.h) with netd's real loop and stack (loopback),
 * tlsd's real loop with BoringSSL, and a DNS-over-TLS server Task that serves through tlsd too
 * (tlsd's identity: a certificate for tls.vectra.test from the build's test CA): answers over one
 * verified connection reused for several queries; `both` answered out of order on it; a server that
 * closes the connection after an answer (the next query opens a new one). As an attacker: a server
 * whose certificate names another host, and one whose chain leads to a CA tlsd does not trust, are
 * never asked anything (dnsd_tls holds no netd session, so nothing can fall back to UDP); forged
 * answers on the connection (wrong id, wrong question) dropped before the real one; malformed
 * answers and a broken frame length end in `server-failure` after the tries, on new connections.
 */

#include "DnsWire.h"
#include "ResolverTestClient.h"
#include "ServiceHarness.h"
#include "TlsdTestTasks.h"
#include <atomic>
#include <catch2/catch.hpp>
#include <dnsd/Configuration.h>
#include <dnsd/Server.h>
#include <vector>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/net/Address.h>

using namespace vectra;
using namespace vectra::test;
using namespace vectra::test::dns_wire;
using resolver::Families;
using resolver::ResolverError;

namespace {

/* ---- the DNS-over-TLS server Task ---- */

struct DotState {
    std::atomic<u16> port { 0 };
    std::atomic<bool> stop { false };
    std::atomic<int> connections { 0 };
    std::atomic<int> queries { 0 };
};

DotState& dot() { static DotState state; return state; }

/* The name dnsd requires the server's certificate to carry (tlsd serves one for tls.vectra.test). */
std::string s_server_name = "tls.vectra.test";

struct Connection {
    u32 stream { 0 };
    bool open { true };
    std::vector<u8> incoming;
    std::vector<Question> held; /* pair.example.com: held until both its questions came */
};

ErrorOr<void> send_framed(tls_stream::Session& tls, Connection const& connection, std::vector<u8> const& message)
{
    std::vector<u8> framed;
    put16(framed, u16(message.size()));
    framed.insert(framed.end(), message.begin(), message.end());
    return tls_stream::send_generated(tls, connection.stream, framed.size(), [&](usize index) { return framed[index]; },
        Duration::from_seconds(10));
}

ErrorOr<void> close_connection(tls_stream::Session& tls, Connection& connection)
{
    connection.open = false;
    TRY(tls.call(tls_stream::Shutdown { connection.stream }));
    TRY(tls.call(tls_stream::Close { connection.stream }));
    return {};
}

ErrorOr<void> answer(tls_stream::Session& tls, Connection& connection, Question const& question)
{
    ++dot().queries;
    auto send = [&](std::vector<u8> const& message) { return send_framed(tls, connection, message); };
    bool aaaa = question.type == type_aaaa;
    if (asks_for(question, "www.example.com")) {
        if (aaaa)
            return send(response(question, answer_flags, { { type_aaaa, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 300 } }));
        return send(response(question, answer_flags, { a(1) }));
    }
    if (asks_for(question, "pair.example.com")) {
        /* Both questions (AAAA, then A) come on one connection before either is answered; answered A first. */
        connection.held.push_back(question);
        if (connection.held.size() < 2)
            return {};
        for (usize index = connection.held.size(); index-- > 0;) {
            auto const& held = connection.held[index];
            if (held.type == type_aaaa)
                TRY(send(response(held, answer_flags, { { type_aaaa, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 }, 300 } })));
            else
                TRY(send(response(held, answer_flags, { a(2) })));
        }
        connection.held.clear();
        return {};
    }
    if (asks_for(question, "forged.example.com")) {
        /* On the verified connection still: another id, then the right id for another question, then the answer. */
        auto wrong = question;
        wrong.id = u16(question.id + 1);
        TRY(send(response(wrong, answer_flags, { { type_a, { 6, 6, 6, 1 }, 300 } })));
        TRY(send(response(question, answer_flags, { { type_a, { 6, 6, 6, 2 }, 300 } }, false, "www.example.com")));
        return send(response(question, answer_flags, { a(4) }));
    }
    if (asks_for(question, "malformed.example.com")) {
        auto message = response(question, answer_flags, { a(9) });
        message[7] = 2; /* two answers announced, one present */
        return send(message);
    }
    if (asks_for(question, "closing.example.com")) {
        TRY(send(response(question, answer_flags, { a(7) })));
        return close_connection(tls, connection);
    }
    if (asks_for(question, "garbage.example.com")) {
        /* A length shorter than a DNS header: the stream's framing is lost. */
        std::vector<u8> broken { 0, 3, 1, 2, 3 };
        return tls_stream::send_generated(tls, connection.stream, broken.size(), [&](usize index) { return broken[index]; },
            Duration::from_seconds(10));
    }
    return send(response(question, 0x8183, {}, true)); /* NXDOMAIN */
}

/* Reads what the connection holds (without waiting) and answers every whole query. */
ErrorOr<void> serve_connection(tls_stream::Session& tls, Connection& connection)
{
    auto got = tls.call(tls_stream::Receive { connection.stream, u32(tls_stream::inline_maximum), false });
    if (got.is_error()) {
        if (got.error().is(tls_stream::TlsError::WouldBlock))
            return {};
        connection.open = false;
        (void)tls.call(tls_stream::Close { connection.stream });
        return {};
    }
    auto data = got.value().data.span();
    connection.incoming.insert(connection.incoming.end(), data.begin(), data.end());
    while (connection.open && connection.incoming.size() >= 2) {
        usize length = usize(connection.incoming[0] << 8 | connection.incoming[1]);
        if (connection.incoming.size() < 2 + length)
            break;
        auto question = read_question(std::span<u8 const>(connection.incoming.data() + 2, length));
        connection.incoming.erase(connection.incoming.begin(), connection.incoming.begin() + 2 + long(length));
        if (!question)
            return Error(ErrorCode::MalformedMessage, "dnsd sent something that is not a query");
        TRY(answer(tls, connection, *question));
    }
    if (got.value().end && connection.open) {
        connection.open = false;
        (void)tls.call(tls_stream::Close { connection.stream });
    }
    return {};
}

ErrorOr<i32> dot_server_task(Bundle& bundle)
{
    auto tls = TRY(open_tls(bundle));
    auto listener = TRY(tls.call(tls_stream::Listen { 0, 4 }));
    dot().port = listener.local.port;
    std::vector<Connection> connections;
    while (!dot().stop) {
        auto accepted = tls.call(tls_stream::Accept { listener.stream, false });
        if (!accepted.is_error()) {
            ++dot().connections;
            Connection connection;
            connection.stream = accepted.value().stream;
            connections.push_back(connection);
        } else if (!accepted.error().is(tls_stream::TlsError::WouldBlock)) {
            return accepted.release_error();
        }
        for (auto& connection : connections)
            if (connection.open)
                TRY(serve_connection(tls, connection));
        system::yield();
    }
    for (auto& connection : connections)
        if (connection.open)
            (void)tls.call(tls_stream::Close { connection.stream });
    TRY(tls.call(tls_stream::Close { listener.stream }));
    return 0;
}

/* ---- dnsd over TLS as a Task ---- */

ErrorOr<i32> dnsd_tls_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto tlsd_requests = TRY(bundle.take<RingCap>("tlsd_requests"));
    auto tlsd_replies = TRY(bundle.take<RingCap>("tlsd_replies"));
    while (dot().port == 0)
        system::yield();
    dnsd::TlsServer server;
    server.address = net::ipv4(127, 0, 0, 1, dot().port);
    for (char character : s_server_name)
        MUST(server.name.try_append(u8(character)));
    server.connect_timeout = Duration::from_seconds(10);
    dnsd::Configuration configuration;
    configuration.server = server.address;
    configuration.try_timeout = Duration::from_milliseconds(500);
    configuration.tries = 2;
    static PatternEntropy entropy;
    TRY(dnsd::run_tls(memory, std::move(tlsd_requests), std::move(tlsd_replies), std::move(requests), std::move(replies),
        configuration, server, entropy, nullptr));
    return 0;
}

/* ---- the harness ---- */

/*
 * netd, tlsd (serving `identity`), the DNS-over-TLS server (a tlsd client), dnsd over TLS (another
 * tlsd client, asking for `server_name`) and `clients` (each on its own dnsd session) until every
 * client ended; then all stop.
 */
void run_with_dnsd_tls(std::string identity, std::string server_name, std::initializer_list<TaskEntry> clients)
{
    tlsd_identity() = std::move(identity);
    s_server_name = std::move(server_name);
    dot().port = 0;
    dot().stop = false;
    dot().connections = 0;
    dot().queries = 0;
    ServiceHarness harness(40 * MiB);
    auto netd_listener = harness.listener();
    auto tlsd_listener = harness.listener();
    auto dnsd_listener = harness.listener();
    Task* netd = harness.spawn("netd", netd_service, 128 * KiB);
    harness.serve(*netd, netd_listener, 64 * KiB);
    Task* tlsd = harness.spawn("tlsd", tlsd_task, 256 * KiB);
    harness.serve(*tlsd, tlsd_listener, 2 * MiB);
    harness.client_slots(*tlsd, "netd_requests", "netd_replies", netd_listener);
    Task* server = harness.spawn("dot-server", dot_server_task, 256 * KiB);
    harness.client_of(*server, tlsd_listener, 256 * KiB);
    Task* dnsd = harness.spawn("dnsd", dnsd_tls_task, 128 * KiB);
    harness.serve(*dnsd, dnsd_listener, 2 * MiB);
    harness.client_slots(*dnsd, "tlsd_requests", "tlsd_replies", tlsd_listener);
    std::vector<Task*> tasks;
    for (auto entry : clients) {
        Task* task = harness.spawn("client", entry, 128 * KiB);
        harness.client_of(*task, dnsd_listener, 256 * KiB);
        tasks.push_back(task);
    }
    run_clients(tasks);
    harness.stop(dnsd, dnsd_listener);
    dot().stop = true;
    i32 server_status = harness.executor().run_until_exit(*server).value();
    INFO("DNS-over-TLS server error: " << server->exit_error().name());
    REQUIRE(server_status == 0);
    harness.stop(tlsd, tlsd_listener);
    harness.stop_netd(netd, netd_listener);
}

/* ---- scenarios ---- */

ErrorOr<i32> answers_on_one_connection(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    auto first = TRY(resolve(client, "www.example.com"));
    EXPECT_IN_TASK(first.addresses.size() == 1 && is_ipv4(first.addresses[0], 192, 0, 2, 1) && !first.from_cache);
    EXPECT_IN_TASK(text_of(first.canonical) == "www.example.com" && first.ttl_left == 300);
    /* Both families: AAAA asked on the same connection (A is cached). */
    auto both = TRY(resolve(client, "www.example.com", Families::Both));
    EXPECT_IN_TASK(both.addresses.size() == 2 && both.addresses[0].family == u8(net::Family::Ipv6));
    /* Two questions pipelined, answered in the other order: each matched by its id. */
    auto pair = TRY(resolve(client, "pair.example.com", Families::Both));
    EXPECT_IN_TASK(pair.addresses.size() == 2 && pair.addresses[0].family == u8(net::Family::Ipv6));
    EXPECT_IN_TASK(pair.addresses[0].bytes[15] == 2 && is_ipv4(pair.addresses[1], 192, 0, 2, 2));
    /* NXDOMAIN over TLS: name-error, cached. */
    EXPECT_IN_TASK(failed_with(resolve(client, "missing.example.com"), ResolverError::NameError));
    EXPECT_IN_TASK(failed_with(resolve(client, "missing.example.com"), ResolverError::NameError));
    EXPECT_IN_TASK(dot().queries == 5);
    EXPECT_IN_TASK(dot().connections == 1); /* five queries, one connection */
    auto counters = TRY(client.call(resolver::ReadCounters {}));
    EXPECT_IN_TASK(counters.queries_sent == 5 && counters.cache_hits == 2 && counters.mismatched_dropped == 0);
    return 0;
}

ErrorOr<i32> a_closed_connection_is_opened_again(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    auto closing = TRY(resolve(client, "closing.example.com"));
    EXPECT_IN_TASK(closing.addresses.size() == 1 && is_ipv4(closing.addresses[0], 192, 0, 2, 7));
    EXPECT_IN_TASK(dot().connections == 1);
    /* The server closed it after answering: the next query goes on a new, verified connection. */
    auto next = TRY(resolve(client, "www.example.com"));
    EXPECT_IN_TASK(next.addresses.size() == 1 && is_ipv4(next.addresses[0], 192, 0, 2, 1));
    EXPECT_IN_TASK(dot().connections == 2 && dot().queries == 2);
    return 0;
}

ErrorOr<i32> forged_answers_are_dropped(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    auto forged = TRY(resolve(client, "forged.example.com"));
    EXPECT_IN_TASK(forged.addresses.size() == 1 && is_ipv4(forged.addresses[0], 192, 0, 2, 4));
    auto counters = TRY(client.call(resolver::ReadCounters {}));
    EXPECT_IN_TASK(counters.mismatched_dropped == 2 && counters.queries_sent == 1);
    /* The cache holds the real answer only. */
    auto again = TRY(resolve(client, "forged.example.com"));
    EXPECT_IN_TASK(again.from_cache && is_ipv4(again.addresses[0], 192, 0, 2, 4));
    return 0;
}

ErrorOr<i32> malformed_answers_fail(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    EXPECT_IN_TASK(failed_with(resolve(client, "malformed.example.com"), ResolverError::ServerFailure));
    /* A frame length shorter than a header: the connection is dropped and the query asked again on a new one (its
       second and last try), which breaks the same way. */
    int connections_before = dot().connections;
    EXPECT_IN_TASK(failed_with(resolve(client, "garbage.example.com"), ResolverError::ServerFailure));
    EXPECT_IN_TASK(dot().connections == connections_before + 1);
    auto counters = TRY(client.call(resolver::ReadCounters {}));
    EXPECT_IN_TASK(counters.malformed_dropped == 4 && counters.queries_sent == 4);
    /* Not cached: asked again. */
    EXPECT_IN_TASK(failed_with(resolve(client, "malformed.example.com"), ResolverError::ServerFailure));
    /* dnsd still answers well-formed names afterwards. */
    auto after = TRY(resolve(client, "www.example.com"));
    EXPECT_IN_TASK(is_ipv4(after.addresses[0], 192, 0, 2, 1));
    return 0;
}

ErrorOr<i32> an_unverified_server_is_never_asked(Bundle& bundle)
{
    auto client = TRY(open_resolver(bundle));
    EXPECT_IN_TASK(failed_with(resolve(client, "www.example.com"), ResolverError::ServerFailure));
    EXPECT_IN_TASK(failed_with(resolve(client, "www.example.com", Families::Both), ResolverError::ServerFailure));
    /* The handshakes happened (and failed verification); no question ever reached the server. */
    EXPECT_IN_TASK(dot().queries == 0);
    auto counters = TRY(client.call(resolver::ReadCounters {}));
    EXPECT_IN_TASK(counters.queries_sent == 0 && counters.cache_hits == 0);
    return 0;
}

}

TEST_CASE("dnsd over TLS asks on one verified connection, pipelined, answers matched by id in any order", "[dnsd][tls]")
{
    run_with_dnsd_tls("server", "tls.vectra.test", { answers_on_one_connection });
}

TEST_CASE("dnsd over TLS opens a new connection when the server closed the last", "[dnsd][tls]")
{
    run_with_dnsd_tls("server", "tls.vectra.test", { a_closed_connection_is_opened_again });
}

TEST_CASE("dnsd over TLS drops forged answers on the connection and takes the real one", "[dnsd][tls]")
{
    run_with_dnsd_tls("server", "tls.vectra.test", { forged_answers_are_dropped });
}

TEST_CASE("dnsd over TLS ends malformed answers and a broken frame length in server-failure", "[dnsd][tls]")
{
    run_with_dnsd_tls("server", "tls.vectra.test", { malformed_answers_fail });
}

TEST_CASE("dnsd over TLS never asks a server whose certificate names another host", "[dnsd][tls]")
{
    run_with_dnsd_tls("server", "other.vectra.test", { an_unverified_server_is_never_asked });
}

TEST_CASE("dnsd over TLS never asks a server whose chain leads to a CA tlsd does not trust", "[dnsd][tls]")
{
    run_with_dnsd_tls("stranger", "tls.vectra.test", { an_unverified_server_is_never_asked });
}

TEST_CASE("dnsd_tls's configuration: port 853 unless named, the name a host name, the address dotted-quad", "[dnsd][tls]")
{
    dnsd::TlsConfiguration configuration;
    configuration.server = MUST(Utf8String<15>::try_from(std::string_view("10.0.2.100")));
    configuration.server_name = MUST(Utf8String<tls_stream::maximum_server_name>::try_from(std::string_view("dns.vectra.test")));
    net::Address address;
    tls_stream::ServerName name;
    REQUIRE(!dnsd::tls_server_from(configuration, address, name).is_error());
    REQUIRE(address == net::ipv4(10, 0, 2, 100, 853));
    REQUIRE(std::string_view(reinterpret_cast<char const*>(name.span().data()), name.size()) == "dns.vectra.test");
    configuration.port = 8853;
    REQUIRE(!dnsd::tls_server_from(configuration, address, name).is_error());
    REQUIRE(address.port == 8853);
    configuration.port = 0;
    REQUIRE(dnsd::tls_server_from(configuration, address, name).error().is(ErrorCode::InvalidArgument));
    configuration.port.reset();
    configuration.server_name = MUST(Utf8String<tls_stream::maximum_server_name>::try_from(std::string_view("not a host")));
    REQUIRE(dnsd::tls_server_from(configuration, address, name).error().is(tls_stream::TlsError::InvalidName));
    configuration.server_name = MUST(Utf8String<tls_stream::maximum_server_name>::try_from(std::string_view("")));
    REQUIRE(dnsd::tls_server_from(configuration, address, name).error().is(tls_stream::TlsError::InvalidName));
    configuration.server_name = MUST(Utf8String<tls_stream::maximum_server_name>::try_from(std::string_view("dns.vectra.test")));
    configuration.server = MUST(Utf8String<15>::try_from(std::string_view("10.0.2")));
    REQUIRE(dnsd::tls_server_from(configuration, address, name).error().is(ErrorCode::InvalidArgument));
}
