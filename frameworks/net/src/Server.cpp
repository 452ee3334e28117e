/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/http/Server.h>

namespace vectra::http {

Server::Server(StreamListener& listener, RequestHandler& handler, std::span<ServerConnection> connections,
    ServerLimits const& limits)
    : m_listener(listener)
    , m_handler(handler)
    , m_connections(connections)
    , m_limits(limits)
{
}

usize Server::open_connections() const
{
    usize count = 0;
    for (auto const& connection : m_connections)
        count += connection.is_open() ? 1 : 0;
    return count;
}

std::optional<u64> Server::next_deadline() const
{
    std::optional<u64> earliest;
    for (auto const& connection : m_connections) {
        auto deadline = connection.deadline(m_limits);
        if (deadline && (!earliest || *deadline < *earliest))
            earliest = deadline;
    }
    return earliest;
}

ServerConnection* Server::free_connection(u64)
{
    ServerConnection* oldest_idle = nullptr;
    for (auto& connection : m_connections) {
        if (!connection.is_open())
            return &connection;
        if (connection.is_idle() && (!oldest_idle || connection.last_activity() < oldest_idle->last_activity()))
            oldest_idle = &connection;
    }
    if (oldest_idle) {
        ++m_counters.evicted;
        oldest_idle->close(Closing::Orderly);
    }
    return oldest_idle;
}

bool Server::turn(u64 now)
{
    bool worked = false;
    for (;;) {
        auto accepted = m_listener.try_accept();
        if (accepted.is_error() || accepted.value() == nullptr)
            break;
        worked = true;
        ByteStream* stream = accepted.value();
        ServerConnection* connection = free_connection(now);
        if (!connection) {
            ++m_counters.rejected;
            stream->close(Closing::Reset);
            continue;
        }
        ++m_counters.accepted;
        connection->open(*stream, m_limits, now);
    }
    for (auto& connection : m_connections)
        worked = connection.turn(m_handler, m_limits, m_counters, now) || worked;
    return worked;
}

}
