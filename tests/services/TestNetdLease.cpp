/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What the link's DHCP lease means to sessions (netd/Lease.h; vectra.socket v3): the DNS servers
 * of a DHCPACK's option 6, and `address-pending` while the link waits for its lease. LinkInterface
 * feeds these from lwIP's DHCP option hook and its netif; image net-echo shows QEMU's server taken.
 */

#include <catch2/catch.hpp>
#include <netd/Lease.h>
#include <vector>
#include <vectra/net/Address.h>

using namespace vectra;
using netd::LeaseNameServers;
using netd::LinkAddressing;

namespace {

using Quad = std::array<u8, 4>;

std::vector<Quad> servers_of(LeaseNameServers const& lease) { return { lease.servers().begin(), lease.servers().end() }; }

}

TEST_CASE("a DHCPACK's option 6 names the lease's DNS servers, the first three in its order", "[netd]")
{
    LeaseNameServers lease;
    REQUIRE(lease.servers().empty());
    u8 const one[] = { 10, 0, 2, 3 };
    lease.take(LeaseNameServers::acknowledgement, LeaseNameServers::option, one);
    REQUIRE(servers_of(lease) == std::vector<Quad> { { 10, 0, 2, 3 } });
    u8 const four[] = { 1, 1, 1, 1, 8, 8, 8, 8, 9, 9, 9, 9, 4, 4, 4, 4 };
    lease.take(LeaseNameServers::acknowledgement, LeaseNameServers::option, four);
    REQUIRE(servers_of(lease) == std::vector<Quad> { { 1, 1, 1, 1 }, { 8, 8, 8, 8 }, { 9, 9, 9, 9 } });
}

TEST_CASE("only an ACK's option 6 changes the servers; a broken length clears them", "[netd][attack]")
{
    LeaseNameServers lease;
    u8 const one[] = { 10, 0, 2, 3 };
    lease.take(LeaseNameServers::acknowledgement, LeaseNameServers::option, one);
    u8 const other[] = { 6, 6, 6, 6 };
    lease.take(2 /* DHCPOFFER: not the lease yet */, LeaseNameServers::option, other);
    lease.take(LeaseNameServers::acknowledgement, 3 /* router */, other);
    lease.take(LeaseNameServers::acknowledgement, 42 /* NTP servers */, other);
    REQUIRE(servers_of(lease) == std::vector<Quad> { { 10, 0, 2, 3 } });
    u8 const five[] = { 1, 2, 3, 4, 5 };
    lease.take(LeaseNameServers::acknowledgement, LeaseNameServers::option, five);
    REQUIRE(lease.servers().empty());
    lease.take(LeaseNameServers::acknowledgement, LeaseNameServers::option, one);
    lease.take(LeaseNameServers::acknowledgement, LeaseNameServers::option, std::span<u8 const> {});
    REQUIRE(lease.servers().empty());
}

TEST_CASE("name-servers: the bound lease's servers on port 53, none when fixed, address-pending while waiting", "[netd]")
{
    std::array<Quad, 2> servers { Quad { 10, 0, 2, 3 }, Quad { 192, 168, 1, 1 } };
    auto bound = netd::name_servers_of(LinkAddressing::DhcpBound, servers).release_value();
    REQUIRE(bound.servers.size() == 2);
    REQUIRE(bound.servers[0] == net::ipv4(10, 0, 2, 3, 53));
    REQUIRE(bound.servers[1] == net::ipv4(192, 168, 1, 1, 53));
    REQUIRE(netd::name_servers_of(LinkAddressing::DhcpBound, {}).value().servers.size() == 0);
    REQUIRE(netd::name_servers_of(LinkAddressing::Fixed, servers).value().servers.size() == 0);
    REQUIRE(netd::name_servers_of(LinkAddressing::DhcpPending, servers).error().is(net::SocketError::AddressPending));
}

TEST_CASE("while the lease is pending an IPv4 remote outside 127/8 is address-pending, not a hang or unreachable", "[netd][attack]")
{
    auto outside = net::ipv4(10, 0, 2, 2, 7);
    REQUIRE(netd::check_lease_for(LinkAddressing::DhcpPending, outside).error().is(net::SocketError::AddressPending));
    REQUIRE(netd::check_lease_for(LinkAddressing::DhcpPending, net::ipv4(8, 8, 8, 8, 53)).error().is(net::SocketError::AddressPending));
    REQUIRE(!netd::check_lease_for(LinkAddressing::DhcpPending, net::ipv4(127, 0, 0, 1, 7)).is_error());
    std::array<u8, 16> v6 {};
    v6[0] = 0xfe;
    v6[1] = 0x80;
    v6[15] = 2;
    REQUIRE(!netd::check_lease_for(LinkAddressing::DhcpPending, net::ipv6(v6, 7)).is_error()); /* IPv6 does not wait for DHCP */
    REQUIRE(!netd::check_lease_for(LinkAddressing::DhcpBound, outside).is_error());
    REQUIRE(!netd::check_lease_for(LinkAddressing::Fixed, outside).is_error());
}
