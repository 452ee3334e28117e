/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * frameworks/net BodyDecoder: Content-Length, chunked and until-the-end bodies decoded from any
 * split of their bytes to the same body, and chunked's grammar attacked one rule at a time:
 * sizes without digits or over 16 of them, whitespace, bare CR and LF, a missing CRLF after the
 * data, extensions and trailers over their limits, and bodies over theirs.
 */

#include <catch2/catch.hpp>
#include <string>
#include <vectra/http/BodyDecoder.h>
#include <vectra/http/Error.h>

using namespace vectra;
using namespace vectra::http;

namespace {

struct Decoded {
    std::string body;
    usize consumed { 0 };
    bool done { false };
    std::optional<Error> error;
};

/* Feeds `input` in pieces of `piece` bytes (0: whole). */
Decoded decode(Framing framing, u64 length, std::string const& input, usize piece = 0, Limits const& limits = {})
{
    BodyDecoder decoder(framing, length, limits);
    Decoded result;
    usize at = 0;
    while (at < input.size() && !decoder.is_done()) {
        usize size = piece == 0 ? input.size() - at : std::min(piece, input.size() - at);
        std::span<u8 const> window(reinterpret_cast<u8 const*>(input.data()) + at, size);
        while (!window.empty() && !decoder.is_done()) {
            auto step = decoder.step(window);
            if (step.is_error()) {
                result.error = step.error();
                return result;
            }
            result.body.append(reinterpret_cast<char const*>(step.value().data.data()), step.value().data.size());
            window = window.subspan(step.value().consumed);
            at += step.value().consumed;
        }
    }
    result.consumed = at;
    result.done = decoder.is_done();
    return result;
}

HttpError chunked_refusal(std::string const& input, Limits const& limits = {})
{
    for (usize piece : { usize(0), usize(1), usize(3) }) {
        auto decoded = decode(Framing::Chunked, 0, input, piece, limits);
        REQUIRE(decoded.error.has_value());
        REQUIRE(decoded.error->domain() == &domain);
        if (piece == 3)
            return static_cast<HttpError>(decoded.error->domain_code());
    }
    return HttpError::Truncated;
}

}

TEST_CASE("A Content-Length body ends at its length, whatever the split")
{
    for (usize piece : { usize(0), usize(1), usize(2), usize(7) }) {
        auto decoded = decode(Framing::Length, 11, "hello worldGET / HTTP/1.1", piece);
        REQUIRE(decoded.body == "hello world");
        REQUIRE(decoded.consumed == 11);
        REQUIRE(decoded.done);
    }
    REQUIRE(BodyDecoder(Framing::Length, 0).is_done());
    REQUIRE(BodyDecoder(Framing::None, 0).is_done());
}

TEST_CASE("A chunked body decodes to its data, with extensions and trailers, whatever the split")
{
    std::string input = "5\r\nhello\r\n6;name=value\r\n world\r\nA\r\n0123456789\r\n0\r\nExpires: never\r\nX: y\r\n\r\nNEXT";
    for (usize piece : { usize(0), usize(1), usize(2), usize(5) }) {
        auto decoded = decode(Framing::Chunked, 0, input, piece);
        REQUIRE(!decoded.error.has_value());
        REQUIRE(decoded.body == "hello world0123456789");
        REQUIRE(decoded.consumed == input.size() - 4);
        REQUIRE(decoded.done);
    }
    REQUIRE(decode(Framing::Chunked, 0, "0\r\n\r\n").done);
    REQUIRE(decode(Framing::Chunked, 0, "00000a\r\n0123456789\r\n0\r\n\r\n").body == "0123456789");
}

TEST_CASE("Chunked grammar is strict")
{
    REQUIRE(chunked_refusal("\r\nhello\r\n0\r\n\r\n") == HttpError::InvalidChunk);
    REQUIRE(chunked_refusal("g\r\n") == HttpError::InvalidChunk);
    REQUIRE(chunked_refusal("5 \r\nhello\r\n0\r\n\r\n") == HttpError::InvalidChunk);
    REQUIRE(chunked_refusal(" 5\r\nhello\r\n0\r\n\r\n") == HttpError::InvalidChunk);
    REQUIRE(chunked_refusal("-5\r\n") == HttpError::InvalidChunk);
    REQUIRE(chunked_refusal("0x5\r\n") == HttpError::InvalidChunk);
    REQUIRE(chunked_refusal("5\nhello\r\n") == HttpError::BareLineFeed);
    REQUIRE(chunked_refusal("5\rhello\r\n") == HttpError::BareCarriageReturn);
    REQUIRE(chunked_refusal("5\r\nhelloX\r\n0\r\n\r\n") == HttpError::InvalidChunk);
    REQUIRE(chunked_refusal("5\r\nhello\n0\r\n\r\n") == HttpError::BareLineFeed);
    REQUIRE(chunked_refusal("5;a\x01\r\nhello\r\n") == HttpError::InvalidChunk);
    REQUIRE(chunked_refusal("0\r\n Folded: x\r\n\r\n") == HttpError::ObsoleteLineFolding);
    REQUIRE(chunked_refusal("0\r\nNoColon\r\n\r\n") == HttpError::InvalidHeaderName);
    REQUIRE(chunked_refusal("0\r\n: value\r\n\r\n") == HttpError::InvalidHeaderName);
    REQUIRE(chunked_refusal("0\r\nX: a\x7f\r\n\r\n") == HttpError::InvalidHeaderValue);
}

TEST_CASE("Chunk sizes, lines, trailers and bodies are bounded")
{
    /* 17 hex digits can not be a size; 16 can, and is then over the body limit. */
    REQUIRE(chunked_refusal("10000000000000000\r\n") == HttpError::InvalidChunk);
    REQUIRE(chunked_refusal("ffffffffffffffff\r\n") == HttpError::BodyTooLarge);
    Limits limits;
    limits.chunk_line_bytes = 16;
    limits.trailer_bytes = 16;
    limits.body_bytes = 8;
    REQUIRE(chunked_refusal("5;" + std::string(20, 'e') + "\r\n", limits) == HttpError::InvalidChunk);
    REQUIRE(chunked_refusal("0\r\nX: " + std::string(20, 'v') + "\r\n\r\n", limits) == HttpError::HeadersTooLarge);
    REQUIRE(chunked_refusal("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", limits) == HttpError::BodyTooLarge);
    auto length = decode(Framing::Length, 9, "123456789", 0, limits);
    REQUIRE(length.error->is(HttpError::BodyTooLarge));
    auto until_close = decode(Framing::UntilClose, 0, "123456789", 1, limits);
    REQUIRE(until_close.error->is(HttpError::BodyTooLarge));
    REQUIRE(until_close.body == "12345678");
}

TEST_CASE("The stream's end completes only a body read until the end")
{
    BodyDecoder until_close(Framing::UntilClose, 0);
    REQUIRE(!until_close.end_of_stream().is_error());
    REQUIRE(until_close.is_done());
    BodyDecoder length(Framing::Length, 3);
    REQUIRE(length.end_of_stream().error().is(HttpError::Truncated));
    BodyDecoder chunked(Framing::Chunked, 0);
    REQUIRE(chunked.end_of_stream().error().is(HttpError::Truncated));
}
