/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * frameworks/net Server over streams in memory, on a clock the test moves: requests answered
 * and kept alive (pipelined too), HEAD, request bodies skipped, every refusal answered with its
 * status and the connection closed, and the attacks an operator meets — a slow head (slowloris)
 * cut off with 408 while another client is served, idle connections ended, the connection limit
 * held by evicting idle connections or resetting new ones, peers vanishing mid-request, handlers
 * failing before and after their response started.
 */

#include "HttpFiles.h"
#include "HttpStreams.h"
#include <catch2/catch.hpp>
#include <vector>

using namespace vectra;
using namespace vectra::http;
using namespace vectra::test::http;

namespace {

constexpr u64 second = 1'000'000'000;

struct Fixture {
    MemoryListener listener;
    MapFiles files;
    std::vector<ServerConnection> connections;
    ServerLimits limits;
    std::unique_ptr<Server> server;
    u64 now { 1000 * second };

    explicit Fixture(usize connection_count = 4)
        : connections(connection_count)
    {
        files.files["/a.txt"] = "alpha\n";
        files.files["/docs/b.bin"] = std::string(10000, 'b');
        limits.header_timeout = Duration::from_seconds(10);
        limits.idle_timeout = Duration::from_seconds(15);
        limits.message.body_bytes = 1000;
        server = std::make_unique<Server>(listener, files, std::span<ServerConnection>(connections), limits);
    }

    void turn(u64 advance = 0)
    {
        now += advance;
        for (int round = 0; round < 8; ++round)
            (void)server->turn(now);
    }
};

std::string response_with(u16 status, std::string const& body, bool close, std::string const& type = "text/plain; charset=utf-8")
{
    std::string text = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\nContent-Length: "
        + std::to_string(body.size()) + "\r\n";
    if (close)
        text += "Connection: close\r\n";
    return text + "Content-Type: " + type + "\r\n\r\n" + body;
}

std::string status_response(u16 status, bool close = true)
{
    return response_with(status, std::to_string(status) + " " + reason_phrase(status) + "\n", close);
}

std::string refused_with(std::string const& request, ServerLimits const* limits = nullptr)
{
    Fixture fixture;
    if (limits) {
        fixture.limits = *limits;
        fixture.server = std::make_unique<Server>(fixture.listener, fixture.files,
            std::span<ServerConnection>(fixture.connections), fixture.limits);
    }
    MemoryStream stream;
    stream.queue(request);
    fixture.listener.queue(stream);
    fixture.turn();
    REQUIRE(stream.is_closed());
    REQUIRE(!stream.was_reset());
    REQUIRE(fixture.files.responded == 0);
    REQUIRE(fixture.server->counters().refused == 1);
    return stream.sent();
}

}

TEST_CASE("A GET is answered with the file, and the connection stays for the next")
{
    Fixture fixture;
    MemoryStream stream;
    stream.queue("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    fixture.listener.queue(stream);
    fixture.turn();
    REQUIRE(stream.take_sent() == response_with(200, "alpha\n", false, "application/octet-stream"));
    REQUIRE(!stream.is_closed());
    stream.queue("GET /docs/b.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    fixture.turn();
    auto sent = stream.take_sent();
    REQUIRE(sent == response_with(200, std::string(10000, 'b'), false, "application/octet-stream") + status_response(404));
    REQUIRE(stream.is_closed());
    REQUIRE(!stream.was_reset());
    REQUIRE(fixture.server->counters().requests == 3);
    REQUIRE(fixture.server->counters().accepted == 1);
}

TEST_CASE("An HTTP/1.0 request asking for keep-alive is told the connection stays; without it the connection ends")
{
    Fixture fixture;
    fixture.limits.requests_per_connection = 3;
    fixture.server = std::make_unique<Server>(fixture.listener, fixture.files, std::span<ServerConnection>(fixture.connections), fixture.limits);
    std::string kept = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: keep-alive\r\nContent-Type: application/octet-stream\r\n\r\nalpha\n";
    MemoryStream stream;
    stream.queue("GET /a.txt HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
    fixture.listener.queue(stream);
    fixture.turn();
    REQUIRE(stream.take_sent() == kept);
    REQUIRE(!stream.is_closed());
    /* An HTTP/1.1 request on the same connection is persistent by default: nothing announced. */
    stream.queue("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    fixture.turn();
    REQUIRE(stream.take_sent() == response_with(200, "alpha\n", false, "application/octet-stream"));
    /* The connection's last allowed request says close even when an HTTP/1.0 client asks to keep it. */
    stream.queue("GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    fixture.turn();
    REQUIRE(stream.take_sent() == response_with(200, "alpha\n", true, "application/octet-stream"));
    REQUIRE(stream.is_closed());

    MemoryStream plain;
    plain.queue("GET /a.txt HTTP/1.0\r\n\r\n");
    fixture.listener.queue(plain);
    fixture.turn();
    REQUIRE(plain.sent() == response_with(200, "alpha\n", true, "application/octet-stream"));
    REQUIRE(plain.is_closed());
    REQUIRE(!plain.was_reset());
}

TEST_CASE("A request split into single bytes is answered once whole")
{
    Fixture fixture;
    MemoryStream stream;
    std::string request = "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n";
    for (char character : request)
        stream.queue(std::string(1, character));
    fixture.listener.queue(stream);
    for (usize index = 0; index < request.size() + 2; ++index)
        (void)fixture.server->turn(fixture.now);
    REQUIRE(stream.sent() == response_with(200, "alpha\n", false, "application/octet-stream"));
}

TEST_CASE("HEAD has GET's head and no body; other methods are 405 with Allow")
{
    Fixture fixture;
    MemoryStream stream;
    stream.queue("HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    fixture.listener.queue(stream);
    fixture.turn();
    REQUIRE(stream.take_sent() == "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nContent-Type: application/octet-stream\r\n\r\n");
    stream.queue("DELETE /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    fixture.turn();
    auto sent = stream.take_sent();
    REQUIRE(sent.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0) == 0);
    REQUIRE(sent.find("\r\nAllow: GET, HEAD\r\n") != std::string::npos);
}

TEST_CASE("A request body is skipped after the response, and the next request is read where it starts")
{
    Fixture fixture;
    MemoryStream stream;
    stream.queue("POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\nGET / HTTP/1");
    stream.queue("GET /a.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nGET\r\n0\r\n\r\n");
    stream.queue("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    fixture.listener.queue(stream);
    fixture.turn();
    auto sent = stream.sent();
    REQUIRE(fixture.files.responded == 3);
    REQUIRE(fixture.server->counters().requests == 3);
    REQUIRE(sent.rfind("HTTP/1.1 405", 0) == 0);
    REQUIRE(sent.find(response_with(200, "alpha\n", false, "application/octet-stream") + response_with(200, "alpha\n", false, "application/octet-stream")) != std::string::npos);
}

TEST_CASE("Every refusal is answered with its status and Connection: close")
{
    REQUIRE(refused_with("GARBAGE\r\n\r\n") == status_response(400));
    REQUIRE(refused_with("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") == status_response(400));
    REQUIRE(refused_with("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n") == status_response(400));
    REQUIRE(refused_with("GET / HTTP/2.0\r\nHost: x\r\n\r\n") == status_response(505));
    REQUIRE(refused_with("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n") == status_response(501));
    REQUIRE(refused_with("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n") == status_response(413));
    REQUIRE(refused_with("GET /" + std::string(5000, 'a') + " HTTP/1.1\r\n") == status_response(414));
    std::string many = "GET / HTTP/1.1\r\nHost: x\r\n";
    for (int index = 0; index < 64; ++index)
        many += "X" + std::to_string(index) + ": y\r\n";
    REQUIRE(refused_with(many + "\r\n") == status_response(431));
    REQUIRE(refused_with("GET / HTTP/1.1\r\nHost: x\r\nBig: " + std::string(9000, 'v')) == status_response(431));
}

TEST_CASE("A chunked request body over the limit ends the connection after the response")
{
    Fixture fixture;
    MemoryStream stream;
    stream.queue("POST /a.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + std::string(0x800, 'z'));
    fixture.listener.queue(stream);
    fixture.turn();
    REQUIRE(stream.was_reset());
    REQUIRE(fixture.server->counters().failed == 1);
}

TEST_CASE("A slow head is cut off with 408 while another client is served")
{
    Fixture fixture;
    MemoryStream slow, normal;
    slow.queue("GET /a.txt HTTP/1.1\r\n");
    fixture.listener.queue(slow);
    fixture.turn();
    for (int second_passed = 1; second_passed <= 9; ++second_passed) {
        slow.queue("X-" + std::to_string(second_passed) + ": y\r\n"); /* a header line a second: never idle */
        fixture.turn(second);
        REQUIRE(!slow.is_closed());
    }
    normal.queue("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    fixture.listener.queue(normal);
    fixture.turn(second / 2);
    REQUIRE(normal.sent() == response_with(200, "alpha\n", false, "application/octet-stream"));
    fixture.turn(second);
    REQUIRE(slow.sent() == status_response(408));
    REQUIRE(slow.is_closed());
    REQUIRE(fixture.server->counters().header_timeouts == 1);
    REQUIRE(fixture.files.responded == 1);
}

TEST_CASE("An idle kept-alive connection ends after the idle timeout, not before")
{
    Fixture fixture;
    MemoryStream stream;
    fixture.listener.queue(stream);
    fixture.turn();
    fixture.turn(14 * second);
    REQUIRE(!stream.is_closed());
    fixture.turn(2 * second);
    REQUIRE(stream.is_closed());
    REQUIRE(stream.sent().empty());
    REQUIRE(fixture.server->counters().idle_closed == 1);
}

TEST_CASE("The server's next deadline is the first moment a turn ends a connection by one")
{
    Fixture fixture;
    REQUIRE(!fixture.server->next_deadline()); /* nothing open: a caller may wait for events alone */
    MemoryStream idle, slow;
    fixture.listener.queue(idle);
    fixture.turn();
    u64 opened = fixture.now;
    REQUIRE(fixture.server->next_deadline() == opened + 15 * second + 1);
    fixture.turn(3 * second);
    slow.queue("GET /a.txt HTTP/1.1\r\n"); /* a head started: its 10 s come before the idle one's 15 */
    fixture.listener.queue(slow);
    fixture.turn();
    u64 head_deadline = fixture.now + 10 * second + 1;
    REQUIRE(fixture.server->next_deadline() == head_deadline);
    /* One nanosecond before it nothing ends; at it, the slow head does. */
    fixture.turn(head_deadline - 1 - fixture.now);
    REQUIRE(!slow.is_closed());
    fixture.turn(1);
    REQUIRE(slow.sent() == status_response(408));
    REQUIRE(fixture.server->next_deadline() == opened + 15 * second + 1);
    fixture.turn(opened + 15 * second - fixture.now);
    REQUIRE(!idle.is_closed());
    fixture.turn(1);
    REQUIRE(idle.is_closed());
    REQUIRE(!fixture.server->next_deadline());
}

TEST_CASE("A request body that stops arriving ends its connection")
{
    Fixture fixture;
    MemoryStream stream;
    stream.queue("POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly some");
    fixture.listener.queue(stream);
    fixture.turn();
    REQUIRE(!stream.is_closed());
    fixture.turn(16 * second);
    REQUIRE(stream.was_reset());
}

TEST_CASE("The connection limit: the oldest idle connection makes room, else the newcomer is reset")
{
    Fixture fixture(2);
    MemoryStream first, second_stream, third, fourth;
    fixture.listener.queue(first);
    fixture.turn();
    fixture.listener.queue(second_stream);
    fixture.turn(second);
    fixture.listener.queue(third);
    fixture.turn(second);
    REQUIRE(first.is_closed()); /* the oldest idle one */
    REQUIRE(!second_stream.is_closed());
    REQUIRE(!third.is_closed());
    REQUIRE(fixture.server->counters().evicted == 1);
    second_stream.queue("GET / HTTP/1.1\r\n"); /* both busy now: a request has started on each */
    third.queue("GET / HTTP/1.1\r\n");
    fixture.turn();
    fixture.listener.queue(fourth);
    fixture.turn();
    REQUIRE(fourth.was_reset());
    REQUIRE(fixture.server->counters().rejected == 1);
    REQUIRE(fixture.server->open_connections() == 2);
}

TEST_CASE("Peers that vanish: cleanly between requests, or mid-request")
{
    Fixture fixture;
    MemoryStream clean, midway;
    clean.queue("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    clean.end();
    midway.queue("GET /a.txt HTTP/1.1\r\nHo");
    midway.end();
    fixture.listener.queue(clean);
    fixture.listener.queue(midway);
    fixture.turn();
    REQUIRE(clean.sent() == response_with(200, "alpha\n", false, "application/octet-stream"));
    REQUIRE(clean.is_closed());
    REQUIRE(!clean.was_reset());
    REQUIRE(midway.was_reset());
    REQUIRE(midway.sent().empty());
    REQUIRE(fixture.server->open_connections() == 0);
}

TEST_CASE("A handler failing before its response is answered 500; after it started, the connection is reset")
{
    Fixture fixture;
    MemoryStream before, after;
    fixture.files.failure = MapFiles::Failure::BeforeStart;
    before.queue("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    fixture.listener.queue(before);
    fixture.turn();
    REQUIRE(before.sent() == status_response(500));
    fixture.files.failure = MapFiles::Failure::AfterStart;
    after.queue("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    fixture.listener.queue(after);
    fixture.turn();
    REQUIRE(after.was_reset());
    REQUIRE(fixture.server->counters().failed == 2);
}

TEST_CASE("A peer that takes no bytes is reset, and the server goes on")
{
    Fixture fixture;
    MemoryStream stuck, normal;
    stuck.refuse_sends();
    stuck.queue("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    normal.queue("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    fixture.listener.queue(stuck);
    fixture.listener.queue(normal);
    fixture.turn();
    REQUIRE(stuck.was_reset());
    REQUIRE(normal.sent() == response_with(200, "alpha\n", false, "application/octet-stream"));
}

TEST_CASE("The last request a connection may carry says Connection: close")
{
    Fixture fixture;
    fixture.limits.requests_per_connection = 2;
    fixture.server = std::make_unique<Server>(fixture.listener, fixture.files, std::span<ServerConnection>(fixture.connections), fixture.limits);
    MemoryStream stream;
    stream.queue("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    fixture.listener.queue(stream);
    fixture.turn();
    REQUIRE(stream.sent() == response_with(200, "alpha\n", false, "application/octet-stream") + response_with(200, "alpha\n", true, "application/octet-stream"));
    REQUIRE(stream.is_closed());
    REQUIRE(fixture.files.responded == 2);
}

TEST_CASE("The response writer refuses fields that would split the head, and bodies that break their length")
{
    MemoryStream stream;
    ResponseWriter injected(stream, Duration::from_seconds(1), BodySending::Send, true);
    Header smuggled[] = { { "X", "a\r\nContent-Length: 0" } };
    REQUIRE(injected.start(200, 0, smuggled).error().is(HttpError::InvalidHeaderValue));
    Header bad_name[] = { { "X Y", "a" } };
    REQUIRE(injected.start(200, 0, bad_name).error().is(HttpError::InvalidHeaderName));
    Header own[] = { { "content-length", "5" } };
    REQUIRE(injected.start(200, 0, own).error().is(HttpError::InvalidHeaderName));
    REQUIRE(stream.sent().empty());
    ResponseWriter writer(stream, Duration::from_seconds(1), BodySending::Send, true);
    REQUIRE(!writer.start(200, 3).is_error());
    std::string four = "abcd";
    REQUIRE(writer.write(std::span<u8 const>(reinterpret_cast<u8 const*>(four.data()), 4)).error().is(HttpError::BodyMismatch));
    REQUIRE(!writer.write(std::span<u8 const>(reinterpret_cast<u8 const*>(four.data()), 2)).is_error());
    REQUIRE(writer.finish().error().is(HttpError::BodyMismatch));
}
