/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * dnsd's Task: its footprint checked, its server taken from its configuration (ADR 0037), a session with netd opened, the queries' randomness drawn
 * from the platform (High confidence: no entropy, no dnsd), the loop's state placed in its own
 * memory, then every session served from one loop (Server.h).
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
#include <vectra/footprints/dnsd.h>

VECTRA_TASK_ENTRY(dnsd);

/* The server's type decodes exactly what footprint.json declares (the manifest compiler encodes that). */
static_assert(vectra::configuration_matches<vectra::dnsd::ServerConfiguration, vectra::footprints::dnsd_configuration>(),
    "dnsd::ServerConfiguration differs from the \"config\" declared in services/dnsd/footprint.json");

namespace vectra::task_entries {

ErrorOr<i32> dnsd(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::dnsd)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto netd_requests = TRY(bundle.take<RingCap>("netd_requests"));
    auto netd_replies = TRY(bundle.take<RingCap>("netd_replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    dnsd::Configuration configuration;
    auto server = dnsd::server_from(TRY(take_slot_message(bundle, configuration_slot_name)));
    if (server.is_error()) {
        TRY(print_line(console, "dnsd: the server in its configuration is refused: {}", server.error().message()));
        return server.release_error();
    }
    configuration.server_from_link = !server.value().has_value();
    if (server.value().has_value())
        configuration.server = *server.value();
    configuration.try_timeout = Duration::from_milliseconds(CONFIG_DNSD_TRY_TIMEOUT_MS);
    configuration.tries = CONFIG_DNSD_TRIES;
    static PlatformEntropy entropy;
    auto const& address = configuration.server;
    if (configuration.server_from_link)
        TRY(print_line(console, "dnsd: serving up to {} sessions, asking the server the link's DHCP lease names over UDP (TCP after truncation)",
            dnsd::maximum_sessions));
    else
        TRY(print_line(console, "dnsd: serving up to {} sessions, asking {}.{}.{}.{}:{} over UDP (TCP after truncation)",
            dnsd::maximum_sessions, address.bytes[0], address.bytes[1], address.bytes[2], address.bytes[3], address.port));
    TRY(dnsd::run(memory, std::move(netd_requests), std::move(netd_replies), std::move(requests), std::move(replies),
        configuration, entropy, &ready));
    return 0;
}

}
