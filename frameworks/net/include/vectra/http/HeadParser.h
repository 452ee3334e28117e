/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The head of an HTTP/1.1 message (RFC 9112 §2–§6), read incrementally into a buffer the caller
 * provides and parsed whole once its empty line arrives. Nothing a peer sends is trusted:
 *
 *   - lines end in CRLF only: a CR not followed by LF is `bare-carriage-return`, an LF without its
 *     CR `bare-line-feed` (RFC 9112 §2.2 allows both to be read leniently; a server that reads
 *     them differently from a proxy in front of it is smuggled past, so both are refused);
 *   - a request line is exactly `token SP target SP HTTP/1.x`; a status line `HTTP/1.x SP 3DIGIT
 *     SP reason`; the target in origin form (`/…`), absolute form (`http://host/…`) or `*`, of
 *     visible ASCII only; up to one empty line before a request line is skipped (§2.2);
 *   - field names are tokens (so whitespace before the colon is refused, §5.1), values are VCHAR,
 *     obs-text, SP and HTAB with surrounding whitespace trimmed; a line that starts with SP or HTAB
 *     is `obsolete-line-folding` (§5.2);
 *   - framing (§6.3): Content-Length and Transfer-Encoding together are refused, as is a second
 *     Content-Length (even an equal one) or one that is not 1*DIGIT; the only transfer coding is
 *     exactly `chunked` in one field (anything else is `unsupported-transfer-coding`, 501), and
 *     none in HTTP/1.0; a request has a body only with one of the two;
 *   - an HTTP/1.1 request has exactly one Host (RFC 9112 §3.2);
 *   - limits (Limits.h): the request line, the head's bytes, the number of field lines.
 *
 * The Head's strings are views into the caller's buffer: valid until the parser is reset.
 */

#pragma once

#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <vectra/Error.h>
#include <vectra/http/Limits.h>

namespace vectra::http {

enum class MessageKind : u8 {
    Request,
    Response,
};

enum class Method : u8 {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Options,
    Other, /* a valid token this library has no name for (method_text says which) */
};

enum class Framing : u8 {
    None,       /* no body */
    Length,     /* Content-Length bytes */
    Chunked,    /* Transfer-Encoding: chunked */
    UntilClose, /* a response read until the connection ends */
};

struct Header {
    std::string_view name;
    std::string_view value;
};

struct Head {
    /* Requests. */
    Method method { Method::Other };
    std::string_view method_text;
    std::string_view target;
    /* Responses. */
    u16 status { 0 };
    std::string_view reason;

    u8 version_minor { 1 }; /* HTTP/1.0 or HTTP/1.1 */
    std::array<Header, maximum_header_count> headers {};
    usize header_count { 0 };
    Framing framing { Framing::None };
    u64 content_length { 0 };
    bool keep_alive { true }; /* what the message says of its connection (Connection, the version) */

    [[nodiscard]] std::span<Header const> fields() const { return { headers.data(), header_count }; }
    /* The first field named `name` (ignoring case). */
    [[nodiscard]] std::optional<std::string_view> find(std::string_view name) const;
};

class HeadParser {
public:
    /* `buffer` holds the head (at least limits.head_bytes; its size is the bound otherwise). */
    HeadParser(MessageKind, std::span<u8> buffer, Limits const& = {});

    /*
     * Takes bytes until the head is whole; returns how many it took (all of them, or those up to
     * and including the head's empty line: the rest is the body or the next message). Once an
     * error was returned the parser refuses every call until reset().
     */
    [[nodiscard]] ErrorOr<usize> feed(std::span<u8 const>);

    [[nodiscard]] bool is_complete() const { return m_complete; }
    [[nodiscard]] bool has_started() const { return m_length > 0; }
    /* The parsed head; only when is_complete(). */
    [[nodiscard]] Head const& head() const;

    /* A response's framing depends on its request: a response to HEAD has no body (RFC 9112 §6.3). */
    void set_request_method(Method method) { m_request_method = method; }

    void reset();

private:
    [[nodiscard]] ErrorOr<void> parse();
    [[nodiscard]] ErrorOr<void> parse_request_line(std::string_view);
    [[nodiscard]] ErrorOr<void> parse_status_line(std::string_view);
    [[nodiscard]] ErrorOr<void> parse_field_line(std::string_view);
    [[nodiscard]] ErrorOr<void> decide_framing();

    MessageKind m_kind;
    std::span<u8> m_buffer;
    Limits m_limits;
    usize m_length { 0 };
    usize m_skipped_empty_lines { 0 };
    bool m_seen_line_end { false };
    bool m_complete { false };
    bool m_failed { false };
    Method m_request_method { Method::Get };
    Head m_head;
};

}
