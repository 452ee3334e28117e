/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tls_server (image tls-loopback): on its own tlsd session, a listener on port 4433 serving tlsd's
 * identity (the build's certificate for tls.vectra.test); the first connection whose handshake
 * finishes is accepted: 64 KiB of the upload pattern received and compared, 64 KiB of the answer
 * pattern sent, close_notify both ways; then the session's counters are checked — including the
 * handshake tls-client's wrong-name connect made fail before it.
 */

#include "TlsCheck.h"
#include <vectra/Service.h>
#include <vectra/TaskEntry.h>
#include <vectra/footprints/tls_server.h>

VECTRA_TASK_ENTRY(tls_server);

namespace vectra::task_entries {

using namespace tlscheck;

namespace {

ErrorOr<i32> serve(ConsoleCap const& console, TlsSession& client)
{
    auto listener = TRY(client.call(tls_stream::Listen { port, 2 }));
    TRY(print_line(console, "tls-server: listening on port {} with tlsd's identity", listener.local.port));
    auto accepted = TRY(client.call(tls_stream::Accept { listener.stream, true }, long_wait));
    if (accepted.remote.family != u8(net::Family::Ipv4) || accepted.remote.port == 0)
        return Error(ErrorCode::MalformedMessage, "accept named no peer");
    usize receives = TRY(receive_pattern(client, accepted.stream, transfer_bytes, upload_seed, false));
    TRY(print_line(console, "tls-server: {} bytes intact in {} receives; answering {}", transfer_bytes, receives,
        transfer_bytes));
    TRY(send_pattern(client, accepted.stream, transfer_bytes, answer_seed));
    TRY(client.call(tls_stream::Shutdown { accepted.stream }));
    auto last = TRY(client.call(tls_stream::Receive { accepted.stream, 16, true }, long_wait));
    if (!last.end)
        return Error(ErrorCode::MalformedMessage, "the client's close_notify did not arrive as the end");
    auto counters = TRY(client.call(tls_stream::ReadCounters {}));
    TRY(print_line(console, "tls-server: counters: {} bytes sent, {} received, {} streams, {} handshakes failed",
        counters.bytes_sent, counters.bytes_received, counters.streams, counters.handshakes_failed));
    if (counters.bytes_sent != transfer_bytes || counters.bytes_received != transfer_bytes || counters.streams != 2)
        return Error(ErrorCode::MalformedMessage, "the server's counters are wrong");
    TRY(client.call(tls_stream::Close { accepted.stream }));
    TRY(client.call(tls_stream::Close { listener.stream }));
    return 0;
}

}

ErrorOr<i32> tls_server(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::tls_server));
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto client = TRY(open_client(bundle));
    auto served = serve(console, client);
    if (served.is_error()) {
        TRY(print_line(console, "tls-server: FAILED: {} ({})", served.error().name(), served.error().message()));
        return 1;
    }
    return served.release_value();
}

}
