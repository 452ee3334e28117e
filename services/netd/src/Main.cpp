/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's Task: its footprint checked, lwIP's heap and the loop's state placed in its own memory,
 * the stack started (loopback interface), then every session served from one loop (Server.h).
 */

#include <netd/Server.h>
#include <netd/Stack.h>
#include <new>
#include <vectra/Entropy.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/footprints/netd.h>

VECTRA_TASK_ENTRY(netd);

namespace vectra::task_entries {

ErrorOr<i32> netd(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::netd)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    auto heap = TRY(endpoint::memory(memory, netd::lwip_heap_bytes));
    auto placed = TRY(endpoint::memory(memory, sizeof(netd::Server)));
    static PlatformEntropy entropy;
    TRY(netd::Stack::start(heap, entropy));
    auto* server = new (placed.data()) netd::Server();
    TRY(endpoint::raise(ready));
    TRY(print_line(console, "netd: serving up to {} sessions of {} sockets on the loopback interface",
        netd::maximum_sessions, netd::maximum_sockets));
    TRY(server->serve(std::move(requests), std::move(replies)));
    return 0;
}

}
