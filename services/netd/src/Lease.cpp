/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <netd/Lease.h>
#include <vectra/net/Address.h>

namespace vectra::netd {

void LeaseNameServers::take(u8 message_type, u8 option_code, std::span<u8 const> value)
{
    if (option_code != option || message_type != acknowledgement)
        return;
    m_count = 0;
    if (value.empty() || value.size() % 4 != 0)
        return;
    for (usize offset = 0; offset < value.size() && m_count < m_servers.size(); offset += 4)
        m_servers[m_count++] = { value[offset], value[offset + 1], value[offset + 2], value[offset + 3] };
}

ErrorOr<void> check_lease_for(LinkAddressing addressing, net::Address const& remote)
{
    if (addressing != LinkAddressing::DhcpPending)
        return {};
    if (remote.family != u8(net::Family::Ipv4) || remote.bytes[0] == 127)
        return {};
    return Error(net::SocketError::AddressPending, "the link's DHCP lease is not bound yet");
}

ErrorOr<net::NameServers> name_servers_of(LinkAddressing addressing, std::span<std::array<u8, 4> const> servers,
    std::span<std::array<u8, 16> const> ipv6_servers)
{
    net::NameServers answer;
    for (auto const& server : ipv6_servers) {
        if (answer.servers.try_append(net::ipv6(server, 53)).is_error())
            return answer;
    }
    if (addressing == LinkAddressing::Fixed)
        return answer;
    if (addressing == LinkAddressing::DhcpPending) {
        if (answer.servers.size() != 0)
            return answer;
        return Error(net::SocketError::AddressPending, "the link's DHCP lease is not bound yet");
    }
    for (auto const& server : servers) {
        if (answer.servers.try_append(net::ipv4(server[0], server[1], server[2], server[3], 53)).is_error())
            break;
    }
    return answer;
}

}
