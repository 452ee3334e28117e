/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tls_client (image tls-loopback): on its own tlsd session, to tls-server through tlsd on both
 * ends — first a connect for a name the server's certificate does not carry, refused with
 * name-mismatch; then one for tls.vectra.test: TLS 1.3, 64 KiB of the upload pattern sent, 64 KiB
 * of the answer pattern received and compared, then the end; a send after shutdown refused.
 */

#include "TlsCheck.h"
#include <vectra/Service.h>
#include <vectra/TaskEntry.h>
#include <vectra/footprints/tls_client.h>

VECTRA_TASK_ENTRY(tls_client);

namespace vectra::task_entries {

using namespace tlscheck;

namespace {

constexpr SignalBit pause_bit { 5 };

tls_stream::ServerName name_of(std::string_view text)
{
    tls_stream::ServerName name;
    for (char character : text)
        MUST(name.try_append(u8(character)));
    return name;
}

/*
 * A stream to tls-server for `name` and its handshake's outcome; tls-server may not listen yet: a
 * refused connect is tried again for up to 30 s. The stream is closed when the handshake failed.
 */
ErrorOr<u32> connect_when_listening(TlsSession& client, std::string_view name, tls_stream::Established& outcome)
{
    u64 give_up = deadline_after(Duration::from_seconds(30));
    for (;;) {
        auto opened = TRY(client.call(tls_stream::Connect { net::ipv4(127, 0, 0, 1, port), name_of(name), 30'000 }));
        auto established = client.call(tls_stream::Establish { opened.stream, true }, long_wait);
        if (!established.is_error()) {
            outcome = established.release_value();
            return opened.stream;
        }
        TRY(client.call(tls_stream::Close { opened.stream }));
        if (!established.error().is(TlsError::Refused) || endpoint::now_nanoseconds() >= give_up)
            return established.release_error();
        (void)endpoint::wait_until(0, deadline_after(Duration::from_milliseconds(50)), pause_bit);
    }
}

ErrorOr<void> refused_for_wrong_name(ConsoleCap const& console, TlsSession& client)
{
    tls_stream::Established outcome;
    auto connected = connect_when_listening(client, wrong_name, outcome);
    if (!connected.is_error())
        return Error(ErrorCode::MalformedMessage, "a connect for a name the certificate does not carry was established");
    if (!connected.error().is(TlsError::NameMismatch))
        return connected.release_error();
    TRY(print_line(console, "tls-client: 127.0.0.1:{} for {}: refused: {}", port, wrong_name, connected.error().name()));
    return {};
}

ErrorOr<void> exchange(ConsoleCap const& console, TlsSession& client)
{
    tls_stream::Established outcome;
    u64 started = endpoint::now_nanoseconds();
    u32 stream = TRY(connect_when_listening(client, server_name, outcome));
    u64 established_at = endpoint::now_nanoseconds();
    if (outcome.version != 0x0304 || outcome.cipher == 0 || outcome.group == 0)
        return Error(ErrorCode::MalformedMessage, "not TLS 1.3, or no cipher or group");
    TRY(print_line(console, "tls-client: 127.0.0.1:{} for {}: TLS 1.3 (cipher {:#x}, group {:#x}), chain and name verified ({} ms)",
        port, server_name, outcome.cipher, outcome.group, (established_at - started) / 1'000'000));
    TRY(send_pattern(client, stream, transfer_bytes, upload_seed));
    usize receives = TRY(receive_pattern(client, stream, transfer_bytes, answer_seed, true));
    TRY(client.call(tls_stream::Shutdown { stream }));
    tls_stream::Send late;
    late.stream = stream;
    MUST(late.data.try_append(1));
    auto refused = client.call(late);
    if (!refused.is_error() || !refused.error().is(TlsError::ShutDown))
        return Error(ErrorCode::MalformedMessage, "a send after shutdown was not refused shut-down");
    TRY(client.call(tls_stream::Close { stream }));
    TRY(print_line(console, "tls-client: sent {} bytes; {} bytes came back intact in {} receives, then the end ({} ms); a send after shutdown: {}",
        transfer_bytes, transfer_bytes, receives, (endpoint::now_nanoseconds() - established_at) / 1'000'000,
        refused.error().name()));
    return {};
}

}

ErrorOr<i32> tls_client(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::tls_client));
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto client = TRY(open_client(bundle));
    auto checked = refused_for_wrong_name(console, client);
    if (!checked.is_error())
        checked = exchange(console, client);
    if (checked.is_error()) {
        TRY(print_line(console, "tls-client: FAILED: {} ({})", checked.error().name(), checked.error().message()));
        return 1;
    }
    return 0;
}

}
