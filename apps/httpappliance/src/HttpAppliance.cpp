/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * http_appliance: a static-file HTTP/1.1 server (docs/adr/0039-vectranet-http.md). Through a netd
 * session it listens on TCP port 80 (or its configuration's port); the rest — vfsd, the connections, the loop and its end — is
 * Appliance.h's, shared with https_appliance.
 */

#include "Appliance.h"
#include <vectra/Configuration.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/footprints/http_appliance.h>
#include <vectra/http/SocketStream.h>
#include <vectra/net/Address.h>

VECTRA_TASK_ENTRY(http_appliance);

static_assert(vectra::configuration_matches<vectra::http_appliance::ApplianceConfiguration, vectra::footprints::http_appliance_configuration>(),
    "http_appliance::ApplianceConfiguration differs from the \"config\" declared in http.footprint.json");

namespace vectra::task_entries {

ErrorOr<i32> http_appliance(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::http_appliance)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto settings = TRY(http_appliance::configured(bundle, console, "http-appliance", 80));
    auto netd = TRY(net::SocketClient::open(TRY(bundle.take<RingCap>("net-requests")),
        TRY(bundle.take<RingCap>("net-replies")), memory, http_appliance::transfer_bytes));
    auto listening = TRY(netd.listen(net::unspecified(settings.port), 16));
    http::SocketStream streams[http_appliance::stream_count];
    http::SocketListener listener(netd, listening, streams);
    TRY(http_appliance::serve_files(bundle, console, memory, listener, { "http-appliance", "TCP", listening.local.port, settings.folder }));
    /* What netd did with connections before the server saw them (vectra.socket v2's counters). */
    auto counters = TRY(netd.counters());
    TRY(print_line(console, "http-appliance: netd reset {} connections at arrival (the backlog full), {} waiting at the end",
        counters.connections_refused, counters.pending));
    TRY(netd.close(listening));
    return 0;
}

}
