/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The byte stream HTTP runs over (docs/adr/0039-vectranet-http.md): an ordered, reliable,
 * two-way stream with an end — what a netd TCP socket is (SocketStream.h) and what a tlsd stream
 * is. Nothing here names the transport, so the server and the client run over either.
 */

#pragma once

#include <optional>
#include <span>
#include <vectra/Duration.h>
#include <vectra/Error.h>
#include <vectra/SignalBit.h>
#include <vectra/Try.h>

namespace vectra::http {

/* What one receive brought: bytes, and whether the peer ended its side after them. */
struct Received {
    usize length { 0 };
    bool end { false };
};

enum class Closing : u8 {
    Orderly, /* the bytes sent so far are delivered, then the end */
    Reset,   /* dropped at once (a peer that broke a rule, a deadline passed) */
};

class ByteStream {
public:
    virtual ~ByteStream() = default;
    /* Waits until there are bytes or the end; `timed-out` when `timeout` passes (the stream is then unusable). */
    [[nodiscard]] virtual ErrorOr<Received> receive(std::span<u8> buffer, Duration timeout) = 0;
    /* What is there now: { 0, false } when nothing is. */
    [[nodiscard]] virtual ErrorOr<Received> try_receive(std::span<u8> buffer) = 0;
    /* Every byte, or an error (`timed-out` when the peer does not take them in time). */
    [[nodiscard]] virtual ErrorOr<void> send(std::span<u8 const> bytes, Duration timeout) = 0;
    /*
     * send(), then receive() — for a request written and its answer read. A stream that can do
     * both in one step (a netd socket: one send-receive call) does; by default, the two calls.
     */
    [[nodiscard]] virtual ErrorOr<Received> send_receive(std::span<u8 const> bytes, std::span<u8> buffer, Duration timeout)
    {
        TRY(send(bytes, timeout));
        return receive(buffer, timeout);
    }
    /* Ends the stream; the object may be reused for another stream afterwards. */
    virtual void close(Closing) = 0;
};

/* A listener's first stream object not attached to a stream (free for the next accept), or nullptr. */
template<typename Stream>
[[nodiscard]] Stream* first_detached(std::span<Stream> streams)
{
    for (auto& stream : streams) {
        if (!stream.is_attached())
            return &stream;
    }
    return nullptr;
}

/* Where a server's streams come from. */
class StreamListener {
public:
    virtual ~StreamListener() = default;
    /* The next waiting stream, or nullptr when none waits (never waits). Valid until its close(). */
    [[nodiscard]] virtual ErrorOr<ByteStream*> try_accept() = 0;
    /*
     * Waits until the transport says something happened to the listener or one of its streams
     * since the caller last tried them all (a connection to accept, bytes, an end, send room), or
     * until `deadline` (monotonic nanoseconds; none: no bound), whose timer raises `timer`. An
     * event after the caller's last try is never missed; a return with nothing new is possible.
     * True when the transport told of an event (at once, or ending the wait), false when the
     * deadline ended the wait without one. An error (the transport's session ended) says the
     * caller must look again by itself.
     */
    [[nodiscard]] virtual ErrorOr<bool> wait_for_event(std::optional<u64> deadline, SignalBit timer) = 0;
};

}
