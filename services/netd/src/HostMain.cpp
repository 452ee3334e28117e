/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's Task over the host's sockets (entry netd_host, CONFIG_NETD_BACKEND_HOST): its footprint
 * checked, the loop's state placed in its own memory, the host backend made over its
 * host-sockets capability and that capability's readiness line (an IrqCap retyped from its
 * memory, routed to HostBackend::ready_bit), then every session served from one loop (Server.h) —
 * the same loop and protocol handling as the lwIP Task (Main.cpp).
 */

#include <netd/HostBackend.h>
#include <netd/Server.h>
#include <new>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/footprints/netd_host.h>

VECTRA_TASK_ENTRY(netd_host);

namespace vectra::task_entries {

ErrorOr<i32> netd_host(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::netd_host)); /* generated from netd_host.footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto sockets = TRY(bundle.take<DeviceCap>("host-sockets"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto readiness = TRY(system::host_sockets_interrupt(sockets, memory, netd::HostBackend::ready_bit));

    auto placed_backend = TRY(endpoint::memory(memory, sizeof(netd::HostBackend)));
    auto placed = TRY(endpoint::memory(memory, sizeof(netd::Server)));
    auto* backend = new (placed_backend.data()) netd::HostBackend(std::move(sockets), std::move(readiness));
    netd::Backend::install(*backend);
    auto* server = new (placed.data()) netd::Server(*backend);
    TRY(endpoint::raise(ready));
    TRY(print_line(console, "netd: serving up to {} sessions of {} sockets over the host's loopback ({} host sockets)",
        netd::maximum_sessions, netd::maximum_sockets, maximum_host_sockets));
    TRY(server->serve(std::move(requests), std::move(replies)));
    return 0;
}

}
