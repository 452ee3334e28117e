/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The link's IPv6 DNS servers (ADR 0029, amendment "IPv6 DNS servers"): from routers' advertisements
 * (RDNSS, RFC 8106: lwIP's nd6.c parses the option and hands each server over through its
 * dns_setserver, netd's hook) or from a stateless DHCPv6 reply (RFC 8415 §18.2.6, option 23:
 * netd's own client, netd/Dhcpv6.h), whichever netd_link's configuration names. A pure store, so the
 * hand-off's rules are host-tested on their own: at most vectra.socket's maximum_name_servers, only
 * addresses a datagram of netd's can reach (no unspecified, loopback, multicast or link-local one:
 * core/net's addresses carry no zone), and every advertisement's list replaces the last one's.
 */

#pragma once

#include <array>
#include <optional>
#include <span>
#include <vectra/BoundedVector.h>
#include <vectra/net/Protocol.h>

namespace vectra::netd {

enum class Ipv6DnsSource : u8 {
    None,   /* the configuration names no IPv6 DNS servers: nothing is taken */
    Rdnss,  /* routers' advertisements */
    Dhcpv6, /* a stateless DHCPv6 reply */
};

using Ipv6Bytes = std::array<u8, 16>;

class Ipv6NameServers {
public:
    static constexpr usize capacity = net::maximum_name_servers;

    /* Whether a server's address is one netd can send a datagram to (not ::, ::1, ff00::/8 or fe80::/10). */
    [[nodiscard]] static bool usable(Ipv6Bytes const&);

    /*
     * lwIP's hand-off of an advertisement's servers (dns_setserver): index 0 starts the list of a new
     * advertisement (the others are cleared), a server that is not usable leaves its slot empty, no
     * server (a lifetime of 0) empties that slot only, an index past the capacity changes nothing.
     */
    void set(usize index, std::optional<Ipv6Bytes> const& server);
    /* A DHCPv6 reply's servers replace every server (the usable ones among the first `capacity`). */
    void replace(std::span<Ipv6Bytes const> servers);
    /* Forgets every server. */
    void clear();

    /* What lwIP reads back to remove a server (dns_getserver): the slot's server, or none. */
    [[nodiscard]] std::optional<Ipv6Bytes> at(usize index) const;
    /* The servers in slot order. */
    [[nodiscard]] BoundedVector<Ipv6Bytes, capacity> servers() const;
    /* Counts every change of the servers (the link prints them when it moves). */
    [[nodiscard]] u32 changes() const { return m_changes; }

private:
    std::array<std::optional<Ipv6Bytes>, capacity> m_slots {};
    u32 m_changes { 0 };
};

}
