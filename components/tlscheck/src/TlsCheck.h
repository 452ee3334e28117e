/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What tls-server and tls-client agree on (image tls-loopback): the port, the server's name, the
 * byte pattern each direction carries and its size, and the session with tlsd both open. Each
 * line either Task prints is one the oracle expects, printed after what it reports was checked.
 */

#pragma once

#include <vectra/Bundle.h>
#include <vectra/Session.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/net/Address.h>
#include <vectra/tlsstream/Protocol.h>

namespace vectra::tlscheck {

using TlsSession = session::SessionClient<tls_stream::Protocol>;
using tls_stream::TlsError;

inline constexpr u16 port = 4433;
inline constexpr std::string_view server_name = "tls.vectra.test";  /* the name the build's certificate carries */
inline constexpr std::string_view wrong_name = "other.vectra.test"; /* a name it does not */
inline constexpr usize transfer_bytes = 64 * 1024;                    /* each way */
inline constexpr u8 upload_seed = 1;
inline constexpr u8 answer_seed = 2;
inline constexpr Duration long_wait = Duration::from_seconds(60);

[[nodiscard]] inline u8 pattern(usize index, u8 seed) { return u8(index * 31 + seed + index / 251); }

/* The session with tlsd through the listener in the Bundle. */
[[nodiscard]] inline ErrorOr<TlsSession> open_client(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto pool = TRY(endpoint::carve(memory, session::pool_size<tls_stream::Protocol>()));
    return TlsSession::open(std::move(requests), std::move(replies), std::move(pool));
}

/* `bytes` of the pattern sent, a message's worth at a time. */
[[nodiscard]] inline ErrorOr<void> send_pattern(TlsSession& client, u32 stream, usize bytes, u8 seed)
{
    for (usize sent = 0; sent < bytes;) {
        tls_stream::Send send;
        send.stream = stream;
        usize piece = bytes - sent < tls_stream::inline_maximum ? bytes - sent : tls_stream::inline_maximum;
        for (usize index = 0; index < piece; ++index)
            MUST(send.data.try_append(pattern(sent + index, seed)));
        auto taken = TRY(client.call(send, long_wait)).length;
        if (taken == 0 || taken > piece)
            return Error(ErrorCode::MalformedMessage, "tlsd took no bytes, or more than were sent");
        sent += taken;
    }
    return {};
}

/* `bytes` of the pattern received and compared, then (with `expect_end`) the end of the stream. */
[[nodiscard]] inline ErrorOr<usize> receive_pattern(TlsSession& client, u32 stream, usize bytes, u8 seed, bool expect_end)
{
    usize received = 0;
    usize receives = 0;
    while (received < bytes) {
        auto got = TRY(client.call(tls_stream::Receive { stream, u32(tls_stream::inline_maximum), true }, long_wait));
        ++receives;
        if (got.end)
            return Error(ErrorCode::PeerClosed, "the stream ended early");
        if (got.data.size() > bytes - received)
            return Error(ErrorCode::MalformedMessage, "more bytes than were sent");
        for (usize index = 0; index < got.data.size(); ++index) {
            if (got.data.span()[index] != pattern(received + index, seed))
                return Error(ErrorCode::MalformedMessage, "the bytes received differ from the bytes sent");
        }
        received += got.data.size();
    }
    if (expect_end) {
        auto last = TRY(client.call(tls_stream::Receive { stream, 16, true }, long_wait));
        if (!last.end || last.data.size() != 0)
            return Error(ErrorCode::MalformedMessage, "more bytes than were sent, or no end");
    }
    return receives;
}

}
