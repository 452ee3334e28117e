/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * frameworks/net Client: GET and HEAD against the Server (streams in memory, the server turned
 * whenever the client waits), bodies streamed to a sink in pieces and never held whole,
 * keep-alive across requests, responses framed by length, chunks or the end, 1xx skipped, and
 * what it refuses: truncated bodies, bodies over the limit, smuggling shapes in a response,
 * request text that would split its own request.
 */

#include "HttpFiles.h"
#include "HttpStreams.h"
#include <catch2/catch.hpp>
#include <vectra/http/Client.h>

using namespace vectra;
using namespace vectra::http;
using namespace vectra::test::http;

namespace {

class CollectingSink final : public BodySink {
public:
    std::string body;
    usize pieces { 0 };
    usize largest_piece { 0 };
    ErrorOr<void> take(std::span<u8 const> bytes) override
    {
        body.append(reinterpret_cast<char const*>(bytes.data()), bytes.size());
        ++pieces;
        largest_piece = std::max(largest_piece, bytes.size());
        return {};
    }
};

/* A client's stream joined to a server's: what one sends the other receives. */
struct Connected {
    MemoryListener listener;
    MapFiles files;
    std::array<ServerConnection, 2> connections;
    Server server { listener, files, connections };
    MemoryStream client_side, server_side;

    Connected()
    {
        client_side.connect_to(server_side);
        server_side.connect_to(client_side);
        client_side.set_pump([this] { (void)server.turn(1); });
        listener.queue(server_side);
    }
};

ErrorOr<ClientResponse> get_from(std::string const& response, CollectingSink& sink, Limits const& limits = {},
    Method method = Method::Get)
{
    MemoryStream stream;
    for (usize at = 0; at < response.size(); at += 7)
        stream.queue(response.substr(at, 7));
    stream.end();
    Client client(limits);
    return client.request(stream, method, "example.com", "/", sink);
}

}

TEST_CASE("The client GETs files from the server over one kept-alive connection, streaming the body")
{
    Connected connected;
    connected.files.files["/big.bin"] = std::string(300000, 'x');
    connected.files.files["/big.bin"][123456] = 'y';
    connected.files.files["/a.txt"] = "alpha\n";
    Client client;
    CollectingSink big;
    auto response = MUST(client.get(connected.client_side, "vectra", "/big.bin", big));
    REQUIRE(response.status == 200);
    REQUIRE(response.keep_alive);
    REQUIRE(response.body_bytes == 300000);
    REQUIRE(big.body == connected.files.files["/big.bin"]);
    REQUIRE(big.largest_piece <= Client::input_capacity);
    CollectingSink small, missing;
    REQUIRE(MUST(client.get(connected.client_side, "vectra", "/a.txt", small)).status == 200);
    REQUIRE(small.body == "alpha\n");
    REQUIRE(client.head().find("content-type").value() == "application/octet-stream");
    REQUIRE(MUST(client.get(connected.client_side, "vectra", "/nothing", missing)).status == 404);
    CollectingSink head_only;
    auto head = MUST(client.request(connected.client_side, Method::Head, "vectra", "/a.txt", head_only));
    REQUIRE(head.status == 200);
    REQUIRE(head.body_bytes == 0);
    REQUIRE(client.head().content_length == 6);
    REQUIRE(connected.server.counters().accepted == 1);
    REQUIRE(connected.server.counters().requests == 4);
}

TEST_CASE("Responses framed by chunks or by the end, and interim responses skipped")
{
    CollectingSink chunked;
    auto response = MUST(get_from("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                  "4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n",
        chunked));
    REQUIRE(response.status == 200);
    REQUIRE(chunked.body == "Wikipedia");
    CollectingSink until_end;
    auto closing = MUST(get_from("HTTP/1.0 200 OK\r\n\r\nall of it", until_end));
    REQUIRE(until_end.body == "all of it");
    REQUIRE(!closing.keep_alive);
}

TEST_CASE("The client refuses truncated, oversized and smuggling-shaped responses")
{
    CollectingSink sink;
    REQUIRE(get_from("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", sink).error().is(HttpError::Truncated));
    REQUIRE(get_from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", sink).error().is(HttpError::Truncated));
    REQUIRE(get_from("HTTP/1.1 200 OK\r\nContent-", sink).error().is(HttpError::Truncated));
    Limits small;
    small.body_bytes = 4;
    REQUIRE(get_from("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", sink, small).error().is(HttpError::BodyTooLarge));
    REQUIRE(get_from("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello", sink)
                .error()
                .is(HttpError::LengthAndTransferEncoding));
    REQUIRE(get_from("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", sink).error().is(HttpError::ObsoleteLineFolding));
}

TEST_CASE("Request text that could split the request is refused before anything is sent")
{
    MemoryStream stream;
    CollectingSink sink;
    Client client;
    REQUIRE(client.get(stream, "example.com", "/a b", sink).error().is(HttpError::InvalidTarget));
    REQUIRE(client.get(stream, "example.com", "/a\r\nX: y", sink).error().is(HttpError::InvalidTarget));
    REQUIRE(client.get(stream, "evil.com/x", "/", sink).error().is(HttpError::InvalidTarget));
    REQUIRE(client.get(stream, "example.com\r\n", "/", sink).error().is(HttpError::InvalidTarget));
    REQUIRE(client.get(stream, "example.com", "relative", sink).error().is(HttpError::InvalidTarget));
    REQUIRE(client.request(stream, Method::Post, "example.com", "/", sink).error().is(ErrorCode::Unsupported));
    REQUIRE(stream.sent().empty());
}
