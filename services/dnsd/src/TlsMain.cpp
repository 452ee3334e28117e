/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * dnsd_tls's Task: dnsd asking its server over DNS over TLS only (RFC 7858; TlsChannel.h): its
 * footprint checked, the server's address, port and certificate name taken from its configuration
 * (ADR 0037), a session with tlsd opened, the queries' randomness drawn from the platform (High
 * confidence), then every session served from one loop (Server.h).
 */

#include <dnsd/Configuration.h>
#include <dnsd/Server.h>
#include <vectra/Configuration.h>
#include <vectra/Entropy.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/dnsd_tls.h>

VECTRA_TASK_ENTRY(dnsd_tls);

static_assert(vectra::configuration_matches<vectra::dnsd::TlsConfiguration, vectra::footprints::dnsd_tls_configuration>(),
    "dnsd::TlsConfiguration differs from the \"config\" declared in services/dnsd/dnsd_tls.footprint.json");

namespace vectra::task_entries {

ErrorOr<i32> dnsd_tls(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::dnsd_tls)); /* generated from dnsd_tls.footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto tlsd_requests = TRY(bundle.take<RingCap>("tlsd_requests"));
    auto tlsd_replies = TRY(bundle.take<RingCap>("tlsd_replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    dnsd::TlsConfiguration settings;
    TRY(decode_configuration(TRY(take_slot_message(bundle, configuration_slot_name)), settings));
    dnsd::TlsServer server;
    auto named = dnsd::tls_server_from(settings, server.address, server.name);
    if (named.is_error()) {
        TRY(print_line(console, "dnsd: the DNS-over-TLS server in its configuration is refused: {}", named.error().message()));
        return named.release_error();
    }
    dnsd::Configuration configuration;
    configuration.server = server.address;
    configuration.try_timeout = Duration::from_milliseconds(CONFIG_DNSD_TRY_TIMEOUT_MS);
    configuration.tries = CONFIG_DNSD_TRIES;
    static PlatformEntropy entropy;
    auto const& address = server.address;
    TRY(print_line(console, "dnsd: serving up to {} sessions, asking {}.{}.{}.{}:{} over TLS for {} (RFC 7858, no UDP)",
        dnsd::maximum_sessions, address.bytes[0], address.bytes[1], address.bytes[2], address.bytes[3], address.port,
        settings.server_name.bytes()));
    TRY(dnsd::run_tls(memory, std::move(tlsd_requests), std::move(tlsd_replies), std::move(requests), std::move(replies),
        configuration, server, entropy, &ready));
    return 0;
}

}
