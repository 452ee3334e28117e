/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as the answer a server gives the HTTP client, to a GET and to a
 * HEAD. The head parser's verdict, head and body do not depend on the split; every accepted
 * response obeys the rules (HttpFuzzing.h) and parses back from its canonical form. Then the
 * real Client reads the same bytes in input-chosen pieces: what it hands its sink is exactly the
 * decoder's body, never more than the limit, and a response it accepts with Content-Length
 * brought exactly that many bytes (none for HEAD, 1xx, 204, 304).
 */

#include "../frameworks/HttpStreams.h"
#include "HttpFuzzing.h"
#include <vectra/http/Client.h>

using namespace vectra;
using namespace vectra::http;
using namespace vectra::fuzz::http;

namespace {

class Collecting final : public BodySink {
public:
    std::string body;
    ErrorOr<void> take(std::span<u8 const> bytes) override
    {
        body.append(reinterpret_cast<char const*>(bytes.data()), bytes.size());
        return {};
    }
};

void check_client(std::span<u8 const> input, usize piece, Method method)
{
    test::http::MemoryStream stream;
    queue_in_pieces(stream, input, piece);
    stream.end();
    auto limits = fuzzing_limits();
    auto client = std::make_unique<Client>(limits);
    Collecting sink;
    auto response = client->request(stream, method, "vectra", "/", sink);
    VERIFY(sink.body.size() <= limits.body_bytes);
    if (response.is_error())
        return;
    VERIFY(response.value().status >= 200);
    VERIFY(response.value().body_bytes == sink.body.size());
    auto const& head = client->head();
    if (method == Method::Head || head.status == 204 || head.status == 304)
        VERIFY(sink.body.empty());
    if (head.framing == Framing::Length)
        VERIFY(sink.body.size() == head.content_length);
}

}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    write_seeds(*argc, *argv, {
        { "chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x\r\npedia\r\n0\r\nT: y\r\n\r\n" },
        { "interim", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno\n" },
        { "until-close", "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nto the end" },
        { "no-content", "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n" },
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    if (size > 32768)
        return 0;
    std::vector<u8> copy(data, data + size);
    std::span<u8 const> bytes(copy.data(), copy.size());
    usize split = split_of(bytes);
    for (Method method : { Method::Get, Method::Head }) {
        check_message(MessageKind::Response, bytes, split, fuzzing_limits(), method);
        check_client(bytes, split, method);
    }
    return 0;
}
