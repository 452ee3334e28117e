/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's Task with a link (entry "netd_link", ADR 0029): as the loopback-only Task (Main.cpp),
 * plus an Ethernet interface over the vectra.link driver the manifest connects it to, with the
 * static IPv4 address from Kconfig, polled from the same loop.
 */

#include <netd/LinkInterface.h>
#include <netd/Server.h>
#include <netd/Stack.h>
#include <new>
#include <vectra/Entropy.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/netd_link.h>

VECTRA_TASK_ENTRY(netd_link);

namespace vectra::task_entries {

namespace {

constexpr u64 link_timeout_nanoseconds = 5'000'000'000;

}

ErrorOr<i32> netd_link(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::netd_link)); /* generated from netd_link.footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto link_requests = TRY(bundle.take<RingCap>("link-requests"));
    auto link_replies = TRY(bundle.take<RingCap>("link-replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    auto heap = TRY(endpoint::memory(memory, netd::lwip_heap_bytes));
    auto placed = TRY(endpoint::memory(memory, sizeof(netd::Server)));
    auto placed_link = TRY(endpoint::memory(memory, sizeof(netd::LinkInterface)));
    static PlatformEntropy entropy;
    TRY(netd::Stack::start(heap, entropy));
    auto* link = new (placed_link.data()) netd::LinkInterface();
    netd::Ipv4Settings settings { CONFIG_NETD_LINK_ADDRESS, CONFIG_NETD_LINK_NETMASK, CONFIG_NETD_LINK_GATEWAY };
    TRY(link->start(std::move(link_requests), std::move(link_replies), memory, settings, link_timeout_nanoseconds));
    link->set_console(&console);
    netd::Stack::attach(*link);
    auto* server = new (placed.data()) netd::Server();
    TRY(endpoint::raise(ready));
    auto const& mac = link->info().mac;
    TRY(print_line(console, "netd: link {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x} (MTU {}, {}) as {}/{} via {}",
        mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], link->info().mtu, link->info().up ? "up" : "down",
        settings.address, settings.netmask, settings.gateway));
    TRY(print_line(console, "netd: serving up to {} sessions of {} sockets on the loopback and link interfaces",
        netd::maximum_sessions, netd::maximum_sockets));
    TRY(server->serve(std::move(requests), std::move(replies)));
    return 0;
}

}
