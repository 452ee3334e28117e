/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What both appliance entries share (http_appliance over netd, https_appliance over tlsd): the
 * vfsd session, the connections' buffers retyped from the Task's memory, FileHandler on /www, and
 * the loop — a server turn, or when nothing happened one wait on the transport's readiness
 * watch (netd's or tlsd's) until the server's next deadline, at most 1.5 s (a look whose
 * turn then moves something is counted: a wake-up the watch did not bring) — until
 * CONFIG_HTTP_APPLIANCE_REQUESTS requests were answered (0: for ever); then the counters.
 * Only the listener differs: the entry makes it from its netd or tlsd session.
 */

#pragma once

#include <httpappliance/Configuration.h>
#include <vectra/Bundle.h>
#include <vectra/config.h>
#include <vectra/http/Stream.h>

namespace vectra::http_appliance {

inline constexpr usize connection_count = CONFIG_HTTP_APPLIANCE_CONNECTIONS;
/* One stream more than connections: the server accepts one over its limit to evict or reset it. */
inline constexpr usize stream_count = connection_count + 1;
/* The vfsd and netd sessions' transfer buffers (a read, a send): FileHandler::read_bytes. */
inline constexpr usize transfer_bytes = 64 * 1024;

struct Serving {
    std::string_view name;      /* "http-appliance", the console lines' prefix */
    std::string_view transport; /* "TCP", "TLS 1.3 over TCP" */
    u16 port { 0 };
    Path folder;                /* of vfsd's namespace, served read-only */
};

/* The port and folder from the Bundle's "config" slot (Configuration.h); a refusal is printed with its reason. */
[[nodiscard]] ErrorOr<Settings> configured(Bundle&, ConsoleCap const&, std::string_view name, u16 default_port);

/* Opens the vfsd session from the Bundle's files-requests and files-replies and serves until the request count. */
[[nodiscard]] ErrorOr<void> serve_files(Bundle&, ConsoleCap const&, ReticleCap&, http::StreamListener&, Serving const&);

}
