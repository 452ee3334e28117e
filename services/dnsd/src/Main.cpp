/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * dnsd's Task: its footprint checked, a session with netd opened, the queries' randomness drawn
 * from the platform (High confidence: no entropy, no dnsd), the loop's state placed in its own
 * memory, then every session served from one loop (Server.h).
 */

#include <dnsd/Configuration.h>
#include <dnsd/Server.h>
#include <vectra/Entropy.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/dnsd.h>

VECTRA_TASK_ENTRY(dnsd);

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
    configuration.server = TRY(dnsd::parse_server(CONFIG_DNSD_SERVER, CONFIG_DNSD_SERVER_PORT));
    configuration.try_timeout = Duration::from_milliseconds(CONFIG_DNSD_TRY_TIMEOUT_MS);
    configuration.tries = CONFIG_DNSD_TRIES;
    static PlatformEntropy entropy;
    TRY(print_line(console, "dnsd: serving up to {} sessions, asking {}:{} over UDP (TCP after truncation)",
        dnsd::maximum_sessions, CONFIG_DNSD_SERVER, CONFIG_DNSD_SERVER_PORT));
    TRY(dnsd::run(memory, std::move(netd_requests), std::move(netd_replies), std::move(requests), std::move(replies),
        configuration, entropy, &ready));
    return 0;
}

}
