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
#include <vectra/tlsstream/Transfer.h>

namespace vectra::tlscheck {

using TlsSession = tls_stream::Session;
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

/* `bytes` of the pattern sent; `bytes` received and compared (then the end, with `expect_end`). */
[[nodiscard]] inline ErrorOr<void> send_pattern(TlsSession& client, u32 stream, usize bytes, u8 seed)
{
    return tls_stream::send_generated(client, stream, bytes, [seed](usize index) { return pattern(index, seed); }, long_wait);
}

[[nodiscard]] inline ErrorOr<usize> receive_pattern(TlsSession& client, u32 stream, usize bytes, u8 seed, bool expect_end)
{
    return tls_stream::receive_checked(
        client, stream, bytes, [seed](usize index) { return pattern(index, seed); }, expect_end, long_wait);
}

}
