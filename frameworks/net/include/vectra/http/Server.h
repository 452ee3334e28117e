/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * An HTTP/1.1 server over a StreamListener, in one loop that never waits on a single peer
 * (docs/adr/0039-vectranet-http.md). Each turn accepts what waits and, for every open
 * connection, takes the bytes that are there, answers every whole request through the
 * RequestHandler, and applies the deadlines:
 *
 *   - header deadline: a request head must arrive whole within header_timeout of its first byte,
 *     else 408 and the connection ends — a client that trickles a head (slowloris) is cut off;
 *   - idle deadline: a kept-alive connection with no request started ends after idle_timeout,
 *     and a request body that makes no progress for idle_timeout ends its connection;
 *   - a refused request (Error.h) is answered with its status (400, 413, 414, 431, 501, 505) and
 *     Connection: close, since the stream after it cannot be trusted;
 *   - a request body is read (bounded by Limits::body_bytes) and discarded after the response,
 *     so the next request on the connection starts where it should;
 *   - connection limit: `connections` is the most served at once; one more is accepted, and the
 *     oldest idle connection closed to make room for it, or, when none is idle, the new one reset
 *     (the listener therefore holds one more stream than there are connections);
 *   - at most requests_per_connection requests on one connection (the last says close).
 *
 * Time is the caller's (`now`, monotonic nanoseconds), so deadlines are tested without waiting.
 */

#pragma once

#include <array>
#include <optional>
#include <span>
#include <vectra/Duration.h>
#include <vectra/http/BodyDecoder.h>
#include <vectra/http/HeadParser.h>
#include <vectra/http/ResponseWriter.h>
#include <vectra/http/Stream.h>

namespace vectra::http {

struct ServerLimits {
    Limits message;
    Duration header_timeout { Duration::from_seconds(10) };
    Duration idle_timeout { Duration::from_seconds(15) };
    Duration send_timeout { Duration::from_seconds(10) };
    u32 requests_per_connection { 1000 };
};

struct ServerCounters {
    u64 accepted { 0 };
    u64 requests { 0 };         /* answered by the handler */
    u64 refused { 0 };          /* requests that broke a rule, answered with their status */
    u64 header_timeouts { 0 };  /* 408s */
    u64 idle_closed { 0 };
    u64 evicted { 0 };          /* idle connections closed to make room */
    u64 rejected { 0 };         /* new connections reset because every connection was busy */
    u64 failed { 0 };           /* connections ended by a stream error or a handler failure */
};

class RequestHandler {
public:
    virtual ~RequestHandler() = default;
    /* Answers `head` through `writer` (start, write…, finish). An error before start is answered 500. */
    [[nodiscard]] virtual ErrorOr<void> respond(Head const&, ResponseWriter&) = 0;
};

class ServerConnection {
public:
    static constexpr usize input_capacity = 4096;
    static constexpr usize head_capacity = 8192;

    ServerConnection() = default;
    /* The parser points into this object's own buffer: never copied or moved. */
    ServerConnection(ServerConnection const&) = delete;
    ServerConnection& operator=(ServerConnection const&) = delete;

    void open(ByteStream&, ServerLimits const&, u64 now);
    [[nodiscard]] bool is_open() const { return m_stream != nullptr; }
    /* Open, between requests, with nothing of the next one received. */
    [[nodiscard]] bool is_idle() const;
    [[nodiscard]] u64 last_activity() const { return m_last_activity; }
    /* When turn() would next end it by a deadline (the head's or idle), if it is open and one applies. */
    [[nodiscard]] std::optional<u64> deadline(ServerLimits const&) const;

    /* Reads what is there, answers whole requests, applies the deadlines; whether anything happened. */
    bool turn(RequestHandler&, ServerLimits const&, ServerCounters&, u64 now);
    void close(Closing);

private:
    enum class State : u8 {
        Head,
        Body,
    };

    void refuse(Error const&, ServerLimits const&);
    void answer(RequestHandler&, ServerLimits const&, ServerCounters&, u64 now);
    void process(RequestHandler&, ServerLimits const&, ServerCounters&, u64 now);

    ByteStream* m_stream { nullptr };
    std::array<u8, head_capacity> m_head_buffer {};
    std::array<u8, input_capacity> m_input {};
    usize m_input_start { 0 };
    usize m_input_end { 0 };
    HeadParser m_parser { MessageKind::Request, m_head_buffer };
    BodyDecoder m_body;
    State m_state { State::Head };
    bool m_peer_ended { false };
    u64 m_head_started { 0 }; /* when the current head's first byte came; 0: none yet */
    u64 m_last_activity { 0 };
    u32 m_requests { 0 };
};

class Server {
public:
    Server(StreamListener&, RequestHandler&, std::span<ServerConnection> connections, ServerLimits const& = {});

    /* One pass over the listener and every connection; whether anything happened (else the caller may sleep a little). */
    bool turn(u64 now);

    [[nodiscard]] usize open_connections() const;
    /* The earliest time a turn would end a connection by a deadline: the longest a caller may wait for events. */
    [[nodiscard]] std::optional<u64> next_deadline() const;
    [[nodiscard]] ServerCounters const& counters() const { return m_counters; }

private:
    [[nodiscard]] ServerConnection* free_connection(u64 now);

    StreamListener& m_listener;
    RequestHandler& m_handler;
    std::span<ServerConnection> m_connections;
    ServerLimits m_limits;
    ServerCounters m_counters;
};

}
