/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * https_appliance: the static-file appliance over TLS 1.3 (docs/adr/0039-vectranet-http.md,
 * docs/adr/0038-tlsd-and-the-tls-stream-protocol.md). Through a tlsd session it listens on port
 * 443 (or its configuration's port) with tlsd's identity (the appliance never holds a key); every connection whose handshake
 * finished is a vectra.tls stream, served by VectraNet's server through http::TlsListener. The
 * rest is Appliance.h's, shared with http_appliance. At its end it prints tlsd's counters, rescued
 * turns among them (ADR 0038).
 */

#include "Appliance.h"
#include "FileHandler.h"
#include <vectra/Configuration.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/footprints/https_appliance.h>
#include <vectra/http/TlsStream.h>

VECTRA_TASK_ENTRY(https_appliance);

static_assert(vectra::configuration_matches<vectra::http_appliance::ApplianceConfiguration, vectra::footprints::https_appliance_configuration>(),
    "http_appliance::ApplianceConfiguration differs from the \"config\" declared in https.footprint.json");

namespace vectra::task_entries {

ErrorOr<i32> https_appliance(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::https_appliance)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto settings = TRY(http_appliance::configured(bundle, console, "https-appliance", 443));
    auto pool = TRY(endpoint::carve(memory, session::pool_size<tls_stream::Protocol>()));
    auto tlsd = TRY(tls_stream::Session::open(TRY(bundle.take<RingCap>("tls-requests")),
        TRY(bundle.take<RingCap>("tls-replies")), std::move(pool)));
    auto listening = TRY(tlsd.call(tls_stream::Listen { settings.port, 16 }));
    /* Bodies go to tlsd a file read (16 KiB) at a time through one lent buffer, sealed as one whole record each. */
    auto transfer = TRY(http::TlsTransfer::make(memory, http_appliance::FileHandler::read_bytes));
    http::TlsStream streams[http_appliance::stream_count];
    http::TlsListener listener(tlsd, listening.stream, streams, &transfer);
    TRY(http_appliance::serve_files(bundle, console, memory, listener, { "https-appliance", "TLS 1.3 over TCP", listening.local.port, settings.folder }));
    TRY(tlsd.call(tls_stream::Close { listening.stream }));
    /* tlsd's own count of wake-ups netd's watch did not bring (vectra.tls v3): the image's oracles bound it. */
    auto counters = TRY(tlsd.call(tls_stream::ReadCounters {}));
    TRY(print_line(console, "https-appliance: tlsd: {} records sealed, {} handshakes failed, rescued {}", counters.records_sent,
        counters.handshakes_failed, counters.rescued_turns));
    return 0;
}

}
