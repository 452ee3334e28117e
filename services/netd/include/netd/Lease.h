/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What the link's DHCP lease means to sessions (ADR 0029, amendment "IPv6 from the manifest";
 * vectra.socket v3): the DNS servers a DHCPACK names (option 6, RFC 2132 §3.8), and which requests
 * are `address-pending` while the link waits for its lease. Pure functions of the link's state, so
 * LinkInterface and LwipBackend only feed them and the rules are host-tested on their own.
 */

#pragma once

#include <array>
#include <span>
#include <vectra/Error.h>
#include <vectra/net/Protocol.h>

namespace vectra::netd {

enum class LinkAddressing : u8 {
    Fixed,       /* no link, or a static IPv4 address: nothing waits for a lease */
    DhcpPending, /* the link asks DHCP and holds no lease yet */
    DhcpBound,   /* the lease is bound */
};

/* The DNS servers of the last DHCPACK that named any (up to vectra.socket's maximum_name_servers). */
class LeaseNameServers {
public:
    static constexpr u8 option = 6;
    static constexpr u8 acknowledgement = 5; /* DHCPACK */

    /*
     * A DHCP option lwIP passed on: option 6 of an ACK replaces the servers (its first three
     * addresses); a length that is not a non-zero multiple of four clears them (the server is broken:
     * nothing of it is trusted); every other option or message type changes nothing.
     */
    void take(u8 message_type, u8 option_code, std::span<u8 const> value);
    [[nodiscard]] std::span<std::array<u8, 4> const> servers() const { return { m_servers.data(), m_count }; }

private:
    std::array<std::array<u8, 4>, net::maximum_name_servers> m_servers {};
    usize m_count { 0 };
};

/* `address-pending` for an IPv4 remote outside 127/8 while the lease is pending; anything else may go on. */
[[nodiscard]] ErrorOr<void> check_lease_for(LinkAddressing, net::Address const& remote);

/*
 * `name-servers`' answer, each on port 53: the link's IPv6 DNS servers first (its configuration asked
 * for them: RDNSS or DHCPv6), then the lease's while it is bound, up to maximum_name_servers; none
 * when fixed; `address-pending` while the lease is pending and no IPv6 server is known.
 */
[[nodiscard]] ErrorOr<net::NameServers> name_servers_of(LinkAddressing, std::span<std::array<u8, 4> const> servers,
    std::span<std::array<u8, 16> const> ipv6_servers = {});

}
