/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What the link's DHCP lease means to sessions (netd/Lease.h; vectra.socket v3): the DNS servers
 * of a DHCPACK's option 6, and `address-pending` while the link waits for its lease. LinkInterface
 * feeds these from lwIP's DHCP option hook and its netif; image net-echo shows QEMU's server taken.
 * The link's IPv6 DNS servers (netd/Ipv6NameServers.h): the store's rules, and router advertisements
 * with RDNSS options — good and hostile — parsed by lwIP and handed over through netd's hook.
 */

#include "NetdTestStack.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <lwip/etharp.h>
#include <lwip/ethip6.h>
#include <lwip/ip6.h>
#include <lwip/netif.h>
#include <netd/Ipv6NameServers.h>
#include <netd/Lease.h>
#include <netd/Stack.h>
#include <optional>
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

namespace {

using Sixteen = std::array<u8, 16>;

Sixteen v6(u16 first, u16 last)
{
    Sixteen bytes {};
    bytes[0] = u8(first >> 8);
    bytes[1] = u8(first);
    bytes[14] = u8(last >> 8);
    bytes[15] = u8(last);
    return bytes;
}

std::vector<Sixteen> servers_of(netd::Ipv6NameServers const& store)
{
    auto servers = store.servers();
    return { servers.begin(), servers.begin() + servers.size() };
}

}

TEST_CASE("IPv6 DNS servers: each advertisement's list replaces the last, at most three, a removal empties its slot only", "[netd]")
{
    netd::Ipv6NameServers store;
    store.set(0, v6(0xfd00, 3));
    store.set(1, v6(0xfd00, 4));
    store.set(2, v6(0xfd00, 5));
    REQUIRE(servers_of(store) == std::vector<Sixteen> { v6(0xfd00, 3), v6(0xfd00, 4), v6(0xfd00, 5) });
    store.set(3, v6(0xfd00, 6)); /* past the capacity: nothing */
    store.set(200, v6(0xfd00, 6));
    REQUIRE(servers_of(store).size() == 3);
    store.set(1, {}); /* a lifetime of 0 for the second */
    REQUIRE(servers_of(store) == std::vector<Sixteen> { v6(0xfd00, 3), v6(0xfd00, 5) });
    REQUIRE(!store.at(1).has_value());
    store.set(0, v6(0x2001, 9)); /* the next advertisement names one server */
    REQUIRE(servers_of(store) == std::vector<Sixteen> { v6(0x2001, 9) });
    store.replace(std::vector<Sixteen> { v6(0xfd00, 1), v6(0xfd00, 2), v6(0xfd00, 3), v6(0xfd00, 4) });
    REQUIRE(servers_of(store) == std::vector<Sixteen> { v6(0xfd00, 1), v6(0xfd00, 2), v6(0xfd00, 3) });
    store.replace({});
    REQUIRE(servers_of(store).empty());
}

TEST_CASE("IPv6 DNS servers: an unspecified, loopback, multicast or link-local server is never kept", "[netd][attack]")
{
    netd::Ipv6NameServers store;
    Sixteen loopback {};
    loopback[15] = 1;
    for (auto const& bad : { Sixteen {}, loopback, v6(0xff02, 1), v6(0xff05, 3), v6(0xfe80, 1), v6(0xfebf, 1) }) {
        REQUIRE(!netd::Ipv6NameServers::usable(bad));
        store.set(0, v6(0xfd00, 3));
        store.set(1, bad);
        REQUIRE(servers_of(store) == std::vector<Sixteen> { v6(0xfd00, 3) });
        store.set(0, bad); /* starts a new list, and keeps nothing of it */
        REQUIRE(servers_of(store).empty());
        store.replace(std::vector<Sixteen> { bad, v6(0xfd00, 7) });
        REQUIRE(servers_of(store) == std::vector<Sixteen> { v6(0xfd00, 7) });
    }
    REQUIRE(netd::Ipv6NameServers::usable(v6(0xfec0, 3))); /* slirp's default, site-local: unicast */
}

TEST_CASE("name-servers: the IPv6 servers first, then the bound lease's, at most three", "[netd]")
{
    std::array<Quad, 2> lease { Quad { 10, 0, 2, 3 }, Quad { 192, 168, 1, 1 } };
    std::array<Sixteen, 2> ipv6 { v6(0xfd00, 3), v6(0xfd00, 4) };
    auto both = netd::name_servers_of(LinkAddressing::DhcpBound, lease, ipv6).release_value();
    REQUIRE(both.servers.size() == 3);
    REQUIRE(both.servers[0] == net::ipv6(ipv6[0], 53));
    REQUIRE(both.servers[1] == net::ipv6(ipv6[1], 53));
    REQUIRE(both.servers[2] == net::ipv4(10, 0, 2, 3, 53));
    auto fixed = netd::name_servers_of(LinkAddressing::Fixed, lease, ipv6).release_value();
    REQUIRE(fixed.servers.size() == 2);
    REQUIRE(fixed.servers[0] == net::ipv6(ipv6[0], 53));
    /* While the IPv4 lease is pending, known IPv6 servers are the answer; none known: address-pending. */
    auto pending = netd::name_servers_of(LinkAddressing::DhcpPending, lease, ipv6).release_value();
    REQUIRE(pending.servers.size() == 2);
    REQUIRE(netd::name_servers_of(LinkAddressing::DhcpPending, lease, {}).error().is(net::SocketError::AddressPending));
}

namespace {

/* A link interface of the test's own: frames it sends are dropped; what it receives is what the test hands it. */
netif s_link_interface;

err_t drop_frame(netif*, pbuf*) { return ERR_OK; }

err_t link_interface_init(netif* interface)
{
    interface->linkoutput = drop_frame;
    interface->output = etharp_output;
    interface->output_ip6 = ethip6_output;
    interface->mtu = 1500;
    interface->hwaddr_len = 6;
    u8 const mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    memcpy(interface->hwaddr, mac, 6);
    interface->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
    return ERR_OK;
}

netif& link_interface()
{
    static bool added = false;
    REQUIRE(!test::start_netd_stack().is_error());
    if (!added) {
        added = true;
        REQUIRE(netif_add_noaddr(&s_link_interface, nullptr, link_interface_init, ip6_input) != nullptr);
        netif_create_ip6_linklocal_address(&s_link_interface, 1);
        netif_ip6_addr_set_state(&s_link_interface, 0, IP6_ADDR_PREFERRED);
        netif_set_up(&s_link_interface);
        netif_set_link_up(&s_link_interface);
    }
    return s_link_interface;
}

u16 ones_complement_sum(std::vector<u8> const& bytes, u32 sum)
{
    for (usize index = 0; index + 1 < bytes.size(); index += 2)
        sum += (u32(bytes[index]) << 8) | bytes[index + 1];
    if (bytes.size() % 2 != 0)
        sum += u32(bytes.back()) << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return u16(~sum);
}

/* An RDNSS option (RFC 8106 §5.1): `length` in units of 8 bytes as written (hostile ones too), the servers' bytes as given. */
std::vector<u8> rdnss(u32 lifetime, std::vector<Sixteen> const& servers, std::optional<u8> length = {})
{
    std::vector<u8> option { 25, length.value_or(u8(1 + 2 * servers.size())), 0, 0, u8(lifetime >> 24), u8(lifetime >> 16), u8(lifetime >> 8),
        u8(lifetime) };
    for (auto const& server : servers)
        option.insert(option.end(), server.begin(), server.end());
    return option;
}

/* A router advertisement from fe80::2 to all nodes (hop limit 255, its checksum right) with these options, through lwIP's IPv6 input. */
void advertise(std::vector<std::vector<u8>> const& options)
{
    std::vector<u8> message { 134, 0, 0, 0, 64, 0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0 };
    for (auto const& option : options)
        message.insert(message.end(), option.begin(), option.end());
    Sixteen source = v6(0xfe80, 2);
    Sixteen destination = v6(0xff02, 1);
    std::vector<u8> pseudo(source.begin(), source.end());
    pseudo.insert(pseudo.end(), destination.begin(), destination.end());
    pseudo.insert(pseudo.end(), { 0, 0, u8(message.size() >> 8), u8(message.size()), 0, 0, 0, 58 });
    pseudo.insert(pseudo.end(), message.begin(), message.end());
    u16 checksum = ones_complement_sum(pseudo, 0);
    message[2] = u8(checksum >> 8);
    message[3] = u8(checksum);
    std::vector<u8> packet { 0x60, 0, 0, 0, u8(message.size() >> 8), u8(message.size()), 58, 255 };
    packet.insert(packet.end(), source.begin(), source.end());
    packet.insert(packet.end(), destination.begin(), destination.end());
    packet.insert(packet.end(), message.begin(), message.end());
    pbuf* frame = pbuf_alloc(PBUF_RAW, u16(packet.size()), PBUF_POOL);
    REQUIRE(frame != nullptr);
    pbuf_take(frame, packet.data(), u16(packet.size()));
    auto& interface = link_interface();
    if (interface.input(frame, &interface) != ERR_OK)
        pbuf_free(frame);
}

std::vector<Sixteen> advertised() { return servers_of(netd::Stack::ipv6_name_servers()); }

}

TEST_CASE("RDNSS through lwIP: an advertisement's servers reach netd's store, replaced by the next, removed at lifetime 0", "[netd]")
{
    link_interface();
    netd::Stack::take_ipv6_name_servers_from(netd::Ipv6DnsSource::Rdnss);
    netd::Stack::ipv6_name_servers().clear();
    advertise({ rdnss(600, { v6(0xfd00, 3) }) });
    REQUIRE(advertised() == std::vector<Sixteen> { v6(0xfd00, 3) });
    advertise({ rdnss(600, { v6(0xfd00, 4), v6(0xfd00, 5) }), rdnss(600, { v6(0xfd00, 6) }) }); /* two options: one list */
    REQUIRE(advertised() == std::vector<Sixteen> { v6(0xfd00, 4), v6(0xfd00, 5), v6(0xfd00, 6) });
    advertise({ rdnss(0, { v6(0xfd00, 5) }) }); /* a lifetime of 0 removes that server */
    REQUIRE(advertised() == std::vector<Sixteen> { v6(0xfd00, 4), v6(0xfd00, 6) });
    advertise({ rdnss(600, { v6(0xfd00, 7) }) });
    REQUIRE(advertised() == std::vector<Sixteen> { v6(0xfd00, 7) });
}

TEST_CASE("RDNSS through lwIP as an attacker: more servers than slots, lengths that overrun or hold no address, unusable servers", "[netd][attack]")
{
    link_interface();
    netd::Stack::take_ipv6_name_servers_from(netd::Ipv6DnsSource::Rdnss);
    netd::Stack::ipv6_name_servers().clear();
    std::vector<Sixteen> nine;
    for (u16 last = 1; last <= 9; ++last)
        nine.push_back(v6(0x2001, last));
    advertise({ rdnss(600, nine) });
    REQUIRE(advertised() == std::vector<Sixteen> { nine[0], nine[1], nine[2] });

    /* A length past the packet's end: lwIP drops the advertisement; nothing of it is taken. */
    advertise({ rdnss(600, { v6(0xfd00, 66) }, 200) });
    advertise({ rdnss(600, { v6(0xfd00, 66) }, 4) }); /* one address short of what it claims */
    REQUIRE(advertised() == std::vector<Sixteen> { nine[0], nine[1], nine[2] });
    /* A length of 0 (lwIP: a malformed option), of 1 and of 2 (no whole address): nothing taken. */
    advertise({ rdnss(600, {}, 0) });
    advertise({ rdnss(600, {}, 1) });
    auto half = rdnss(600, {}, 2);
    half.resize(16, 0xfd);
    advertise({ half });
    REQUIRE(advertised() == std::vector<Sixteen> { nine[0], nine[1], nine[2] });

    /* Loopback, multicast, link-local: the list starts over and keeps only what netd can reach. */
    Sixteen loopback {};
    loopback[15] = 1;
    advertise({ rdnss(600, { loopback, v6(0xff02, 1), v6(0xfe80, 1) }) });
    REQUIRE(advertised().empty());
    advertise({ rdnss(600, { v6(0xfe80, 1), v6(0xfd00, 3) }) });
    REQUIRE(advertised() == std::vector<Sixteen> { v6(0xfd00, 3) });
}

TEST_CASE("RDNSS is taken only when the link's configuration asks for it", "[netd][attack]")
{
    link_interface();
    netd::Stack::ipv6_name_servers().clear();
    for (auto source : { netd::Ipv6DnsSource::None, netd::Ipv6DnsSource::Dhcpv6 }) {
        netd::Stack::take_ipv6_name_servers_from(source);
        advertise({ rdnss(600, { v6(0xfd00, 3) }) });
        REQUIRE(advertised().empty());
    }
}
