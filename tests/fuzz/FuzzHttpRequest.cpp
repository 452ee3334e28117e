/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as what a client sends an HTTP server. The head parser's verdict,
 * head and body do not depend on how the bytes are split; every accepted request obeys the rules
 * (HttpFuzzing.h) and parses back from its canonical form; its target becomes a Path with no
 * "." or ".." and no separator, or is refused. Then the same bytes reach a real Server (streams
 * in memory, the test's file handler), in pieces the input chooses, with the clock moved past
 * every deadline: every byte the server sends is a sequence of responses our own response
 * parser accepts, each with Content-Length, and the connection is closed in the end.
 * There is no second parser on the host to compare with (Debian's http-parser is not a build
 * dependency), so the reference is the rules themselves and the parser's own consistency.
 */

#include "../frameworks/HttpFiles.h"
#include "../frameworks/HttpStreams.h"
#include "HttpFuzzing.h"
#include <vectra/http/Target.h>

using namespace vectra;
using namespace vectra::http;
using namespace vectra::fuzz::http;

namespace {

void check_target(std::string_view target)
{
    auto parsed = parse_target_path(target);
    if (parsed.is_error()) {
        VERIFY(parsed.error().domain() == &domain);
        return;
    }
    for (usize index = 0; index < parsed.value().path.component_count(); ++index) {
        auto component = parsed.value().path.component(index);
        VERIFY(!component.empty() && component != "." && component != "..");
        for (char character : component)
            VERIFY(character != '/' && character != '\\' && u8(character) >= 0x20 && u8(character) != 0x7f);
    }
}

/* Every byte the server sent parses as whole responses with Content-Length (a HEAD's without its body). */
void check_responses(std::string const& sent, std::vector<Method> const& methods)
{
    std::span<u8 const> bytes(reinterpret_cast<u8 const*>(sent.data()), sent.size());
    for (usize index = 0; !bytes.empty(); ++index) {
        Method method = index < methods.size() ? methods[index] : Method::Get;
        auto response = parse(MessageKind::Response, bytes, 0, Limits {}, method);
        VERIFY(response.accepted);
        auto const& head = response.parser->head();
        VERIFY(head.find("content-length").has_value());
        u64 body = method == Method::Head ? 0 : head.content_length;
        VERIFY(head.framing == (method == Method::Head ? Framing::None : Framing::Length));
        VERIFY(response.consumed + body <= bytes.size());
        bytes = bytes.subspan(response.consumed + body);
    }
}

void check_server(std::span<u8 const> input, usize piece)
{
    test::http::MemoryListener listener;
    test::http::MapFiles files;
    files.files["/a.txt"] = "alpha\n";
    files.files["/d/b"] = std::string(3000, 'b');
    std::array<ServerConnection, 1> connections;
    ServerLimits limits;
    limits.message = fuzzing_limits();
    Server server(listener, files, connections, limits);
    test::http::MemoryStream stream;
    queue_in_pieces(stream, input, piece);
    listener.queue(stream);
    u64 now = 1;
    for (usize turn = 0; turn < input.size() / piece + 4; ++turn)
        (void)server.turn(now);
    now += u64(Duration::from_seconds(60).nanoseconds());
    (void)server.turn(now);
    VERIFY(stream.is_closed());
    check_responses(stream.sent(), files.methods);
}

}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    write_seeds(*argc, *argv, {
        { "pipelined", "GET /a.txt HTTP/1.1\r\nHost: v\r\n\r\nHEAD /d/b HTTP/1.1\r\nHost: v\r\nConnection: close\r\n\r\n" },
        { "chunked", "POST /x HTTP/1.1\r\nHost: v\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\nT: 1\r\n\r\n" },
        { "length", "PUT /x HTTP/1.0\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabcGET / HTTP/1.1\r\nHost: v\r\n\r\n" },
        { "smuggle", "POST / HTTP/1.1\r\nHost: v\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" },
        { "escape", "GET /%2e%2e/%2fetc HTTP/1.1\r\nHost: v\r\n\r\n" },
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
    auto limits = fuzzing_limits();
    check_message(MessageKind::Request, bytes, split, limits, Method::Get);
    auto parsed = parse(MessageKind::Request, bytes, 0, limits, Method::Get);
    if (parsed.accepted)
        check_target(parsed.parser->head().target);
    check_server(bytes, split);
    return 0;
}
