/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <netd/Ipv6NameServers.h>

namespace vectra::netd {

bool Ipv6NameServers::usable(Ipv6Bytes const& address)
{
    bool zero_to_14 = true;
    for (usize index = 0; index < 15; ++index)
        zero_to_14 = zero_to_14 && address[index] == 0;
    if (zero_to_14 && address[15] <= 1)
        return false; /* unspecified or loopback */
    if (address[0] == 0xff)
        return false; /* multicast */
    return !(address[0] == 0xfe && (address[1] & 0xc0) == 0x80); /* link-local: core/net's addresses have no zone */
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
