/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What both HTTP fuzz targets check of a head: the parser's verdict does not depend on how the
 * bytes were split (whole, in two at an input-chosen point, a byte at a time), every head it
 * accepts obeys the rules it promises (tokens, field values without CR, LF or NUL and trimmed,
 * one framing, the limits), and a canonical re-serialisation of an accepted head parses back to
 * the same head. The body after it decodes to the same bytes whatever the split.
 */

#pragma once

#include <array>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <utility>
#include <memory>
#include <string>
#include <vector>
#include <vectra/Panic.h>
#include <vectra/http/BodyDecoder.h>
#include <vectra/http/Characters.h>
#include <vectra/http/Error.h>
#include <vectra/http/HeadParser.h>
#include "../frameworks/HttpStreams.h"
#include "SeedFolder.h"

namespace vectra::fuzz::http {

using namespace vectra::http;
using vectra::fuzz::write_seeds;

/* The input queued on a stream in pieces of `piece` bytes. */
inline void queue_in_pieces(test::http::MemoryStream& stream, std::span<u8 const> input, usize piece)
{
    for (usize at = 0; at < input.size(); at += piece)
        stream.queue(std::string(reinterpret_cast<char const*>(input.data()) + at, std::min(piece, input.size() - at)));
}

/* The split point an input chooses for itself: 1 to 97 bytes. */
inline usize split_of(std::span<u8 const> input) { return input.empty() ? 1 : 1 + input[0] % 97; }

struct Outcome {
    std::unique_ptr<std::array<u8, 16384>> buffer { std::make_unique<std::array<u8, 16384>>() };
    std::unique_ptr<HeadParser> parser;
    bool accepted { false };
    u16 error { 0 };
    usize consumed { 0 };
};

inline Outcome parse(MessageKind kind, std::span<u8 const> bytes, usize split, Limits const& limits, Method request_method)
{
    Outcome outcome;
    outcome.parser = std::make_unique<HeadParser>(kind, *outcome.buffer, limits);
    outcome.parser->set_request_method(request_method);
    usize at = 0;
    while (at < bytes.size() && !outcome.parser->is_complete()) {
        usize size = split == 0 ? bytes.size() - at : std::min(split, bytes.size() - at);
        auto fed = outcome.parser->feed(bytes.subspan(at, size));
        if (fed.is_error()) {
            VERIFY(fed.error().domain() == &domain);
            outcome.error = fed.error().domain_code();
            return outcome;
        }
        VERIFY(fed.value() <= size);
        at += fed.value();
    }
    outcome.accepted = outcome.parser->is_complete();
    outcome.consumed = at;
    return outcome;
}

inline bool same_head(Head const& left, Head const& right)
{
    if (left.method_text != right.method_text || left.target != right.target || left.status != right.status
        || left.reason != right.reason || left.version_minor != right.version_minor || left.header_count != right.header_count
        || left.framing != right.framing || left.content_length != right.content_length || left.keep_alive != right.keep_alive)
        return false;
    for (usize index = 0; index < left.header_count; ++index) {
        if (left.headers[index].name != right.headers[index].name || left.headers[index].value != right.headers[index].value)
            return false;
    }
    return true;
}

inline void check_rules(MessageKind kind, Head const& head, Limits const& limits)
{
    VERIFY(head.header_count <= limits.header_count);
    usize lengths = 0, encodings = 0, hosts = 0;
    for (auto const& field : head.fields()) {
        VERIFY(is_token(field.name));
        VERIFY(trim_whitespace(field.value) == field.value);
        for (char character : field.value)
            VERIFY(is_field_value_character(u8(character)));
        lengths += equals_ignoring_case(field.name, "content-length") ? 1 : 0;
        encodings += equals_ignoring_case(field.name, "transfer-encoding") ? 1 : 0;
        hosts += equals_ignoring_case(field.name, "host") ? 1 : 0;
    }
    VERIFY(lengths <= 1 && !(lengths == 1 && encodings > 0));
    VERIFY(head.version_minor <= 1);
    if (kind == MessageKind::Request) {
        VERIFY(is_token(head.method_text));
        VERIFY(!head.target.empty());
        for (char character : head.target)
            VERIFY(u8(character) > 0x20 && u8(character) < 0x7f);
        VERIFY(hosts <= 1 && (head.version_minor == 0 || hosts == 1));
        VERIFY(head.framing != Framing::UntilClose);
    } else {
        VERIFY(head.status >= 100 && head.status <= 999);
    }
    if (head.framing == Framing::Chunked)
        VERIFY(encodings == 1);
}

/* The head written back canonically, then parsed again: the same head. */
inline void check_round_trip(MessageKind kind, Head const& head, Limits const& limits, Method request_method)
{
    std::string text;
    std::string version = head.version_minor == 1 ? "HTTP/1.1" : "HTTP/1.0";
    if (kind == MessageKind::Request)
        text = std::string(head.method_text) + " " + std::string(head.target) + " " + version + "\r\n";
    else
        text = version + " " + std::to_string(head.status) + " " + std::string(head.reason) + "\r\n";
    for (auto const& field : head.fields())
        text += std::string(field.name) + ": " + std::string(field.value) + "\r\n";
    text += "\r\n";
    Limits generous = limits;
    generous.head_bytes = 16384;
    generous.request_line_bytes = 16384;
    auto again = parse(kind, std::span<u8 const>(reinterpret_cast<u8 const*>(text.data()), text.size()), 0, generous, request_method);
    VERIFY(again.accepted);
    VERIFY(same_head(head, again.parser->head()));
}

struct BodyOutcome {
    std::string body;
    bool failed { false };
    bool done { false };
};

inline BodyOutcome decode_body(Head const& head, std::span<u8 const> rest, usize split, Limits const& limits, bool stream_ends)
{
    BodyOutcome outcome;
    BodyDecoder decoder(head.framing, head.content_length, limits);
    usize at = 0;
    while (at < rest.size() && !decoder.is_done()) {
        usize size = split == 0 ? rest.size() - at : std::min(split, rest.size() - at);
        auto window = rest.subspan(at, size);
        while (!window.empty() && !decoder.is_done()) {
            auto step = decoder.step(window);
            if (step.is_error()) {
                outcome.failed = true;
                return outcome;
            }
            VERIFY(step.value().consumed <= window.size());
            VERIFY(step.value().consumed > 0 || decoder.is_done());
            outcome.body.append(reinterpret_cast<char const*>(step.value().data.data()), step.value().data.size());
            window = window.subspan(step.value().consumed);
            at += step.value().consumed;
        }
    }
    if (stream_ends && !decoder.is_done() && decoder.end_of_stream().is_error())
        outcome.failed = true;
    outcome.done = decoder.is_done();
    VERIFY(outcome.body.size() <= limits.body_bytes);
    VERIFY(decoder.decoded_bytes() >= outcome.body.size());
    if (head.framing == Framing::Length && outcome.done)
        VERIFY(outcome.body.size() == head.content_length);
    return outcome;
}

/* Whole, split in two at an input-chosen point, and a byte at a time: one verdict, one head, one body. */
/* Small limits, so that every limit is within a fuzzer's reach. */
inline Limits fuzzing_limits()
{
    Limits limits;
    limits.request_line_bytes = 256;
    limits.head_bytes = 1024;
    limits.header_count = 16;
    limits.body_bytes = 4096;
    limits.chunk_line_bytes = 64;
    limits.trailer_bytes = 256;
    return limits;
}

inline void check_message(MessageKind kind, std::span<u8 const> bytes, usize split, Limits const& limits, Method request_method)
{
    auto whole = parse(kind, bytes, 0, limits, request_method);
    auto halves = parse(kind, bytes, split, limits, request_method);
    VERIFY(whole.accepted == halves.accepted && whole.error == halves.error && whole.consumed == halves.consumed);
    if (bytes.size() <= 4096) {
        auto single = parse(kind, bytes, 1, limits, request_method);
        VERIFY(whole.accepted == single.accepted && whole.error == single.error);
    }
    if (!whole.accepted)
        return;
    auto const& head = whole.parser->head();
    VERIFY(same_head(head, halves.parser->head()));
    VERIFY(whole.consumed >= 4 && std::memcmp(bytes.data() + whole.consumed - 4, "\r\n\r\n", 4) == 0);
    check_rules(kind, head, limits);
    check_round_trip(kind, head, limits, request_method);
    auto rest = bytes.subspan(whole.consumed);
    auto body = decode_body(head, rest, 0, limits, kind == MessageKind::Response);
    auto body_split = decode_body(head, rest, split, limits, kind == MessageKind::Response);
    auto body_bytes = decode_body(head, rest, 1, limits, kind == MessageKind::Response);
    VERIFY(body.failed == body_split.failed && body.failed == body_bytes.failed);
    if (!body.failed)
        VERIFY(body.body == body_split.body && body.body == body_bytes.body);
    VERIFY(body.done == body_split.done && body.done == body_bytes.done);
}

}
