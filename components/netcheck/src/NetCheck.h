/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What net-server and net-client agree on (image net-loopback): the ports, the byte pattern each
 * direction carries, and the sizes. Each line either Task prints is one the oracle expects, and
 * each is printed after what it reports was checked.
 */

#pragma once

#include <vectra/Bundle.h>
#include <vectra/config.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/net/Address.h>
#include <vectra/net/SocketClient.h>

namespace vectra::netcheck {

inline constexpr u16 stream_port = 4000;   /* TCP, on 127.0.0.1 and ::1 */
inline constexpr u16 datagram_port = 4001; /* UDP, on 127.0.0.1 */
inline constexpr u16 closed_port = 4009;   /* nobody listens: a connect is refused */
inline constexpr u16 restart_port = 4002;  /* TCP, on 127.0.0.1: a connection netd's restart ends, then a new one */
/* A connect to this port makes netd fault once per boot (netd's fault injection; 0: no restart phase). */
inline constexpr u16 fault_port = CONFIG_NETD_FAULT_ON_CONNECT_PORT;
inline constexpr usize restart_bytes = 100; /* each way, before and after the restart */
inline constexpr u8 restart_seed = 11;

inline constexpr usize upload_bytes = 100'000; /* client to server, through the transfer buffer */
inline constexpr usize answer_bytes = 3'000;   /* server to client, received inline in 512-byte pieces */
inline constexpr usize datagram_bytes = 2'000; /* each way: more than a slot, through the transfer buffer */

inline constexpr u8 upload_seed = 7;
inline constexpr u8 answer_seed = 9;
inline constexpr u8 datagram_seed = 3;

[[nodiscard]] inline u8 pattern(usize index, u8 seed) { return u8(index * 31 + seed + index / 251); }

inline void fill(std::span<u8> bytes, usize first, u8 seed)
{
    for (usize index = 0; index < bytes.size(); ++index)
        bytes[index] = pattern(first + index, seed);
}

[[nodiscard]] inline bool holds(std::span<u8 const> bytes, usize first, u8 seed)
{
    for (usize index = 0; index < bytes.size(); ++index) {
        if (bytes[index] != pattern(first + index, seed))
            return false;
    }
    return true;
}

[[nodiscard]] inline net::Address ipv6_loopback(u16 port)
{
    std::array<u8, 16> bytes {};
    bytes[15] = 1;
    return net::ipv6(bytes, port);
}

[[nodiscard]] inline net::Address ipv4_loopback(u16 port) { return net::ipv4(127, 0, 0, 1, port); }

[[nodiscard]] inline char const* name_of(net::Address const& address)
{
    return address.family == u8(net::Family::Ipv6) ? "[::1]" : "127.0.0.1";
}

/* The session with netd through the listener in the Bundle (transfer buffer: the default 16 KiB). */
[[nodiscard]] inline ErrorOr<net::SocketClient> open_client(Bundle& bundle, ReticleCap const& memory)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    return net::SocketClient::open(std::move(requests), std::move(replies), memory);
}

/* Sends `length` bytes of the pattern from a buffer of `chunk` bytes at a time. */
[[nodiscard]] inline ErrorOr<void> send_pattern(
    net::SocketClient& client, net::Socket const& socket, usize length, u8 seed, std::span<u8> chunk)
{
    for (usize sent = 0; sent < length;) {
        usize part = length - sent < chunk.size() ? length - sent : chunk.size();
        fill(chunk.first(part), sent, seed);
        TRY(client.send(socket, chunk.first(part)));
        sent += part;
    }
    return {};
}

/* What a stream brought until its end: how many bytes, in how many receives, all of the pattern. */
struct Drained {
    usize bytes { 0 };
    usize receives { 0 };
    bool intact { true };
};

[[nodiscard]] inline ErrorOr<Drained> drain(net::SocketClient& client, net::Socket const& socket, u8 seed, std::span<u8> buffer)
{
    Drained drained;
    for (;;) {
        auto got = TRY(client.receive(socket, buffer));
        ++drained.receives;
        drained.intact = drained.intact && holds(buffer.first(got.length), drained.bytes, seed);
        drained.bytes += got.length;
        if (got.end)
            return drained;
        if (got.length == 0)
            return Error(ErrorCode::MalformedMessage, "a receive brought neither bytes nor the end");
    }
}

/* Fills `buffer` from the stream; false if the end came first. */
[[nodiscard]] inline ErrorOr<bool> receive_exactly(
    net::SocketClient& client, net::Socket const& socket, std::span<u8> buffer, Duration timeout)
{
    for (usize got = 0; got < buffer.size();) {
        auto incoming = TRY(client.receive(socket, buffer.subspan(got), timeout));
        if (incoming.end)
            return false;
        got += incoming.length;
    }
    return true;
}

}
