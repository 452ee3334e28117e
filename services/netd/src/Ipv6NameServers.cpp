/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <netd/Ipv6NameServers.h>
#include <vectra/net/Address.h>

namespace vectra::netd {

bool Ipv6NameServers::usable(Ipv6Bytes const& address)
{
    /* Link-local ones need a zone, which core/net's addresses have not. */
    return !net::is_ipv6_unspecified(address) && !net::is_ipv6_loopback(address) && !net::is_ipv6_multicast(address)
        && !net::is_ipv6_link_local(address);
}

void Ipv6NameServers::set(usize index, std::optional<Ipv6Bytes> const& server)
{
    if (index >= capacity)
        return;
    if (index == 0 && server.has_value()) {
        for (auto& slot : m_slots)
            slot.reset();
    }
    if (server.has_value() && usable(*server))
        m_slots[index] = *server;
    else
        m_slots[index].reset();
    ++m_changes;
}

void Ipv6NameServers::replace(std::span<Ipv6Bytes const> servers)
{
    for (auto& slot : m_slots)
        slot.reset();
    usize next = 0;
    for (auto const& server : servers) {
        if (next == capacity)
            break;
        if (usable(server))
            m_slots[next++] = server;
    }
    ++m_changes;
}

void Ipv6NameServers::clear()
{
    for (auto& slot : m_slots)
        slot.reset();
    ++m_changes;
}

std::optional<Ipv6Bytes> Ipv6NameServers::at(usize index) const
{
    if (index >= capacity)
        return {};
    return m_slots[index];
}

BoundedVector<Ipv6Bytes, Ipv6NameServers::capacity> Ipv6NameServers::servers() const
{
    BoundedVector<Ipv6Bytes, capacity> servers;
    for (auto const& slot : m_slots) {
        if (slot.has_value())
            (void)servers.try_append(*slot); /* at most capacity slots: it fits */
    }
    return servers;
}

}
