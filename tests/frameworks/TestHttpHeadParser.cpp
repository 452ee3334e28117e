/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * frameworks/net HeadParser: requests and responses as RFC 9112 writes them, fed whole and a
 * byte at a time, then attacked one rule at a time — every smuggling shape (CL with TE, two CLs,
 * obs-fold, bare CR, bare LF, whitespace before the colon, a TE other than chunked, TE in
 * HTTP/1.0), bad tokens and targets, and every limit — each refused with its own error.
 */

#include <array>
#include <catch2/catch.hpp>
#include <string>
#include <vectra/http/Error.h>
#include <vectra/http/HeadParser.h>

using namespace vectra;
using namespace vectra::http;
using namespace std::string_literals;

namespace {

struct Parsed {
    std::array<u8, 16384> buffer {};
    HeadParser parser;
    ErrorOr<usize> result { usize(0) };

    Parsed(MessageKind kind, std::string const& text, Limits const& limits, bool byte_at_a_time)
        : parser(kind, buffer, limits)
    {
        if (!byte_at_a_time) {
            result = parser.feed(std::span<u8 const>(reinterpret_cast<u8 const*>(text.data()), text.size()));
            return;
        }
        usize taken = 0;
        for (usize index = 0; index < text.size() && !parser.is_complete(); ++index) {
            auto fed = parser.feed(std::span<u8 const>(reinterpret_cast<u8 const*>(text.data()) + index, 1));
            if (fed.is_error()) {
                result = fed.release_error();
                return;
            }
            taken += fed.value();
        }
        result = taken;
    }
};

std::unique_ptr<Parsed> parse_request(std::string const& text, Limits const& limits = {}, bool byte_at_a_time = false)
{
    return std::make_unique<Parsed>(MessageKind::Request, text, limits, byte_at_a_time);
}

HttpError refusal_both_ways(std::string const& text, Limits const& limits = {})
{
    auto whole = parse_request(text, limits, false);
    auto bytes = parse_request(text, limits, true);
    REQUIRE(whole->result.is_error());
    REQUIRE(bytes->result.is_error());
    REQUIRE(whole->result.error().domain_code() == bytes->result.error().domain_code());
    return static_cast<HttpError>(whole->result.error().domain_code());
}

}

TEST_CASE("A GET request parses whole and byte by byte to the same head")
{
    std::string text = "GET /index.html?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent:  curl/7.88 \r\nAccept: */*\r\n\r\nNEXT";
    for (bool byte_at_a_time : { false, true }) {
        auto parsed = parse_request(text, {}, byte_at_a_time);
        REQUIRE(!parsed->result.is_error());
        REQUIRE(parsed->result.value() == text.size() - 4); /* the bytes after the head are not taken */
        REQUIRE(parsed->parser.is_complete());
        auto const& head = parsed->parser.head();
        REQUIRE(head.method == Method::Get);
        REQUIRE(head.method_text == "GET");
        REQUIRE(head.target == "/index.html?x=1");
        REQUIRE(head.version_minor == 1);
        REQUIRE(head.header_count == 3);
        REQUIRE(head.find("user-agent").value() == "curl/7.88");
        REQUIRE(head.find("HOST").value() == "example.com");
        REQUIRE(!head.find("cookie").has_value());
        REQUIRE(head.framing == Framing::None);
        REQUIRE(head.keep_alive);
    }
}

TEST_CASE("Methods are named, and any other token is carried as text")
{
    auto head_request = parse_request("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
    REQUIRE(head_request->parser.head().method == Method::Head);
    auto other = parse_request("PROPFIND / HTTP/1.1\r\nHost: a\r\n\r\n");
    REQUIRE(other->parser.head().method == Method::Other);
    REQUIRE(other->parser.head().method_text == "PROPFIND");
    /* Methods are case-sensitive (RFC 9110 §9.1): "get" is some other method. */
    REQUIRE(parse_request("get / HTTP/1.1\r\nHost: a\r\n\r\n")->parser.head().method == Method::Other);
}

TEST_CASE("Connection and the version decide keep-alive")
{
    REQUIRE(!parse_request("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n")->parser.head().keep_alive);
    REQUIRE(!parse_request("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade, close\r\n\r\n")->parser.head().keep_alive);
    REQUIRE(!parse_request("GET / HTTP/1.0\r\n\r\n")->parser.head().keep_alive);
    auto old = parse_request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    REQUIRE(old->parser.head().keep_alive);
    REQUIRE(old->parser.head().version_minor == 0);
}

TEST_CASE("Content-Length and chunked frame a request's body; nothing else does")
{
    auto length = parse_request("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n");
    REQUIRE(length->parser.head().framing == Framing::Length);
    REQUIRE(length->parser.head().content_length == 12);
    auto chunked = parse_request("POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n");
    REQUIRE(chunked->parser.head().framing == Framing::Chunked);
    REQUIRE(parse_request("POST /a HTTP/1.1\r\nHost: a\r\n\r\n")->parser.head().framing == Framing::None);
}

TEST_CASE("One empty line before a request line is skipped, a second is refused")
{
    auto parsed = parse_request("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    REQUIRE(parsed->parser.is_complete());
    REQUIRE(parsed->parser.head().target == "/");
    REQUIRE(refusal_both_ways("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n") == HttpError::InvalidRequestLine);
}

TEST_CASE("Request smuggling shapes are refused, each with its own error")
{
    REQUIRE(refusal_both_ways("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")
        == HttpError::LengthAndTransferEncoding);
    REQUIRE(refusal_both_ways("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n")
        == HttpError::DuplicateContentLength);
    REQUIRE(refusal_both_ways("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n") == HttpError::InvalidContentLength);
    REQUIRE(refusal_both_ways("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n") == HttpError::InvalidContentLength);
    REQUIRE(refusal_both_ways("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n")
        == HttpError::InvalidContentLength);
    REQUIRE(refusal_both_ways("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n") == HttpError::InvalidContentLength);
    REQUIRE(refusal_both_ways("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n") == HttpError::ObsoleteLineFolding);
    REQUIRE(refusal_both_ways("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n") == HttpError::ObsoleteLineFolding);
    REQUIRE(refusal_both_ways("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n") == HttpError::BareCarriageReturn);
    REQUIRE(refusal_both_ways("GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n") == HttpError::BareLineFeed);
    REQUIRE(refusal_both_ways("GET / HTTP/1.1\n\n") == HttpError::BareLineFeed);
    REQUIRE(refusal_both_ways("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n") == HttpError::InvalidHeaderName);
    REQUIRE(refusal_both_ways("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
        == HttpError::UnsupportedTransferCoding);
    REQUIRE(refusal_both_ways("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n")
        == HttpError::UnsupportedTransferCoding);
    REQUIRE(refusal_both_ways("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n") == HttpError::UnsupportedTransferCoding);
    REQUIRE(refusal_both_ways("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") == HttpError::TransferEncodingInHttp10);
}

TEST_CASE("Host is required once in HTTP/1.1")
{
    REQUIRE(refusal_both_ways("GET / HTTP/1.1\r\n\r\n") == HttpError::MissingHost);
    REQUIRE(refusal_both_ways("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n") == HttpError::DuplicateHost);
    REQUIRE(parse_request("GET / HTTP/1.0\r\n\r\n")->parser.is_complete());
}

TEST_CASE("Request lines out of grammar are refused")
{
    REQUIRE(refusal_both_ways("GET /\r\n\r\n") == HttpError::InvalidRequestLine);
    REQUIRE(refusal_both_ways("GET  / HTTP/1.1\r\nHost: a\r\n\r\n") == HttpError::InvalidRequestLine);
    REQUIRE(refusal_both_ways("GET / HTTP/1.1 \r\nHost: a\r\n\r\n") == HttpError::InvalidRequestLine);
    REQUIRE(refusal_both_ways("GET / HTTP/1.1 x\r\nHost: a\r\n\r\n") == HttpError::InvalidRequestLine);
    REQUIRE(refusal_both_ways("GET / HTTP/11\r\nHost: a\r\n\r\n") == HttpError::InvalidRequestLine);
    REQUIRE(refusal_both_ways("GET / http/1.1\r\nHost: a\r\n\r\n") == HttpError::InvalidRequestLine);
    REQUIRE(refusal_both_ways("G(T / HTTP/1.1\r\nHost: a\r\n\r\n") == HttpError::InvalidMethod);
    REQUIRE(refusal_both_ways("GET / HTTP/2.0\r\nHost: a\r\n\r\n") == HttpError::UnsupportedVersion);
    REQUIRE(refusal_both_ways("GET / HTTP/1.2\r\nHost: a\r\n\r\n") == HttpError::UnsupportedVersion);
}

TEST_CASE("Targets are origin, absolute or asterisk form of visible ASCII, without a fragment")
{
    REQUIRE(parse_request("GET http://a/b HTTP/1.1\r\nHost: a\r\n\r\n")->parser.is_complete());
    REQUIRE(parse_request("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n")->parser.is_complete());
    REQUIRE(refusal_both_ways("GET * HTTP/1.1\r\nHost: a\r\n\r\n") == HttpError::InvalidTarget);
    REQUIRE(refusal_both_ways("GET a/b HTTP/1.1\r\nHost: a\r\n\r\n") == HttpError::InvalidTarget);
    REQUIRE(refusal_both_ways("GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n") == HttpError::InvalidTarget);
    REQUIRE(refusal_both_ways("GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n") == HttpError::InvalidTarget);
    REQUIRE(refusal_both_ways("GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n") == HttpError::InvalidTarget);
    REQUIRE(refusal_both_ways("GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n"s) == HttpError::InvalidTarget);
}

TEST_CASE("Field lines: names are tokens, values have no control bytes")
{
    REQUIRE(refusal_both_ways("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n") == HttpError::InvalidHeaderName);
    REQUIRE(refusal_both_ways("GET / HTTP/1.1\r\nHost: a\r\n: value\r\n\r\n") == HttpError::InvalidHeaderName);
    REQUIRE(refusal_both_ways("GET / HTTP/1.1\r\nHost: a\r\nX(y): v\r\n\r\n") == HttpError::InvalidHeaderName);
    REQUIRE(refusal_both_ways("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n"s) == HttpError::InvalidHeaderValue);
    REQUIRE(refusal_both_ways("GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n") == HttpError::InvalidHeaderValue);
    /* obs-text (0x80–0xFF) is allowed in a value. */
    REQUIRE(parse_request("GET / HTTP/1.1\r\nHost: a\r\nX: caf\xc3\xa9\r\n\r\n")->parser.is_complete());
    REQUIRE(parse_request("GET / HTTP/1.1\r\nHost: a\r\nX:\r\n\r\n")->parser.head().find("x").value().empty());
}

TEST_CASE("Every limit is kept, and each says which it was")
{
    Limits limits;
    limits.request_line_bytes = 64;
    limits.head_bytes = 256;
    limits.header_count = 4;
    std::string long_target = "GET /" + std::string(80, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n";
    REQUIRE(refusal_both_ways(long_target, limits) == HttpError::TargetTooLong);
    /* A request line that never ends is refused at the limit, before its CRLF. */
    auto endless = parse_request("GET /" + std::string(200, 'a'), limits);
    REQUIRE(endless->result.is_error());
    REQUIRE(endless->result.error().is(HttpError::TargetTooLong));
    std::string many = "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
    REQUIRE(refusal_both_ways(many, limits) == HttpError::TooManyHeaders);
    std::string large = "GET / HTTP/1.1\r\nHost: a\r\nA: " + std::string(300, 'x') + "\r\n\r\n";
    REQUIRE(refusal_both_ways(large, limits) == HttpError::HeadersTooLarge);
    /* Just under: the head of exactly head_bytes is taken. */
    std::string exact = "GET / HTTP/1.1\r\nHost: a\r\nA: ";
    exact += std::string(256 - exact.size() - 4, 'x') + "\r\n\r\n";
    REQUIRE(exact.size() == 256);
    REQUIRE(parse_request(exact, limits)->parser.is_complete());
    /* The header table never holds more than maximum_header_count, whatever Limits asks. */
    Limits generous;
    generous.header_count = 100000;
    std::string hundred_one = "GET / HTTP/1.1\r\n";
    for (int index = 0; index <= 100; ++index)
        hundred_one += "H" + std::to_string(index) + ": v\r\n";
    REQUIRE(refusal_both_ways(hundred_one + "\r\n", generous) == HttpError::TooManyHeaders);
}

TEST_CASE("A refused parser stays refused until reset, and a reset parser reads the next message")
{
    auto parsed = parse_request("GET / HTTP/1.1\r\nHost: a\r\nX : y\r\n\r\n");
    REQUIRE(parsed->result.is_error());
    std::string next = "GET /b HTTP/1.1\r\nHost: a\r\n\r\n";
    std::span<u8 const> bytes(reinterpret_cast<u8 const*>(next.data()), next.size());
    REQUIRE(parsed->parser.feed(bytes).is_error());
    parsed->parser.reset();
    REQUIRE(parsed->parser.feed(bytes).value() == next.size());
    REQUIRE(parsed->parser.head().target == "/b");
}

TEST_CASE("Responses: status lines, framing by status, method and fields")
{
    auto response = [](std::string const& text, Method method = Method::Get) {
        auto parsed = std::make_unique<Parsed>(MessageKind::Response, "", Limits {}, false);
        parsed->parser.set_request_method(method);
        parsed->result = parsed->parser.feed(std::span<u8 const>(reinterpret_cast<u8 const*>(text.data()), text.size()));
        return parsed;
    };
    auto ok = response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
    REQUIRE(ok->parser.head().status == 200);
    REQUIRE(ok->parser.head().reason == "OK");
    REQUIRE(ok->parser.head().framing == Framing::Length);
    REQUIRE(response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", Method::Head)->parser.head().framing == Framing::None);
    REQUIRE(response("HTTP/1.1 204 No Content\r\n\r\n")->parser.head().framing == Framing::None);
    REQUIRE(response("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n")->parser.head().framing == Framing::None);
    REQUIRE(response("HTTP/1.1 100 Continue\r\n\r\n")->parser.head().framing == Framing::None);
    REQUIRE(response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")->parser.head().framing == Framing::Chunked);
    auto until_close = response("HTTP/1.1 200 OK\r\n\r\n");
    REQUIRE(until_close->parser.head().framing == Framing::UntilClose);
    REQUIRE(!until_close->parser.head().keep_alive);
    REQUIRE(response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")->parser.head().framing == Framing::UntilClose);
    REQUIRE(response("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n")->parser.head().reason.empty());
    REQUIRE(response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")->result.error().is(
        HttpError::LengthAndTransferEncoding));
    REQUIRE(response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")->result.error().is(
        HttpError::DuplicateContentLength));
    REQUIRE(response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")->result.error().is(
        HttpError::UnsupportedTransferCoding));
    for (char const* bad : { "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 099 Low\r\n\r\n",
             "HTTP/1.1  200 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "ICY 200 OK\r\n\r\n", "HTTP/1.1 200 O\x01K\r\n\r\n" })
        REQUIRE(response(bad)->result.error().is(HttpError::InvalidStatusLine));
    REQUIRE(response("HTTP/3.0 200 OK\r\n\r\n")->result.error().is(HttpError::UnsupportedVersion));
}
