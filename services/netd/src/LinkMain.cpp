/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's Task with a link (entry "netd_link", ADR 0029): as the loopback-only Task (Main.cpp),
 * plus an Ethernet interface over the vectra.link driver the manifest connects it to, its IPv4
 * address from the Task's configuration (DHCP or static; none: the static address from Kconfig),
 * polled from the same loop.
 */

#include <netd/LinkConfiguration.h>
#include <netd/LinkInterface.h>
#include <netd/Server.h>
#include <netd/Stack.h>
#include <new>
#include <vectra/Configuration.h>
#include <vectra/Entropy.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/netd_link.h>

VECTRA_TASK_ENTRY(netd_link);

static_assert(vectra::configuration_matches<vectra::netd::LinkConfiguration, vectra::footprints::netd_link_configuration>(),
    "netd::LinkConfiguration differs from the \"config\" declared in services/netd/netd_link.footprint.json");

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

    auto fallback = TRY(netd::static_plan(CONFIG_NETD_LINK_ADDRESS, CONFIG_NETD_LINK_NETMASK, CONFIG_NETD_LINK_GATEWAY));
    auto planned = netd::plan_from(TRY(take_slot_message(bundle, configuration_slot_name)), fallback);
    if (planned.is_error()) {
        TRY(print_line(console, "netd: the address settings in its configuration are refused: {}", planned.error().message()));
        return planned.release_error();
    }
    auto link_plan = planned.value();
    auto const& plan = link_plan.ipv4;

    auto heap = TRY(endpoint::memory(memory, netd::lwip_heap_bytes));
    auto placed = TRY(endpoint::memory(memory, sizeof(netd::Server)));
    auto placed_link = TRY(endpoint::memory(memory, sizeof(netd::LinkInterface)));
    static PlatformEntropy entropy;
    TRY(netd::Stack::start(heap, entropy));
    auto* link = new (placed_link.data()) netd::LinkInterface();
    TRY(link->start(std::move(link_requests), std::move(link_replies), memory, link_plan, link_timeout_nanoseconds));
    link->set_console(&console);
    netd::Stack::attach(*link);
    auto* server = new (placed.data()) netd::Server();
    TRY(endpoint::raise(ready));
    auto const& mac = link->info().mac;
    if (plan.dhcp) {
        TRY(print_line(console, "netd: link {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x} (MTU {}, {}), IPv4 by DHCP", mac[0], mac[1],
            mac[2], mac[3], mac[4], mac[5], link->info().mtu, link->info().up ? "up" : "down"));
    } else {
        auto const& a = plan.address;
        auto const& n = plan.netmask;
        auto const& g = plan.gateway;
        TRY(print_line(console,
            "netd: link {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x} (MTU {}, {}) as {}.{}.{}.{}/{}.{}.{}.{} via {}.{}.{}.{}", mac[0],
            mac[1], mac[2], mac[3], mac[4], mac[5], link->info().mtu, link->info().up ? "up" : "down", a[0], a[1], a[2], a[3], n[0],
            n[1], n[2], n[3], g[0], g[1], g[2], g[3]));
    }
    TRY(print_line(console, "netd: serving up to {} sessions of {} sockets on the loopback and link interfaces",
        netd::maximum_sessions, netd::maximum_sockets));
    TRY(server->serve(std::move(requests), std::move(replies)));
    return 0;
}

}
