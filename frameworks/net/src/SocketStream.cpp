/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/http/SocketStream.h>

namespace vectra::http {

ErrorOr<Received> SocketStream::receive(std::span<u8> buffer, Duration timeout)
{
    auto incoming = TRY(m_client->receive(m_socket, buffer, timeout));
    return Received { incoming.length, incoming.end };
}

ErrorOr<Received> SocketStream::try_receive(std::span<u8> buffer)
{
    auto incoming = m_client->try_receive(m_socket, buffer);
    if (incoming.is_error()) {
        if (incoming.error().is(net::SocketError::WouldBlock))
            return Received {};
        return incoming.release_error();
    }
    return Received { incoming.value().length, incoming.value().end };
}

ErrorOr<void> SocketStream::send(std::span<u8 const> bytes, Duration timeout)
{
    return m_client->send(m_socket, bytes, timeout);
}

ErrorOr<Received> SocketStream::send_receive(std::span<u8 const> bytes, std::span<u8> buffer, Duration timeout)
{
    auto incoming = TRY(m_client->send_receive(m_socket, bytes, buffer, timeout));
    return Received { incoming.length, incoming.end };
}

void SocketStream::close(Closing how)
{
    if (!m_client)
        return;
    (void)m_client->close(m_socket, how == Closing::Reset);
    m_client = nullptr;
}

ErrorOr<ByteStream*> SocketListener::try_accept()
{
    SocketStream* free = first_detached(m_streams);
    if (!free)
        return nullptr;
    auto accepted = m_client.try_accept(m_listener);
    if (accepted.is_error()) {
        if (accepted.error().is(net::SocketError::WouldBlock))
            return nullptr;
        return accepted.release_error();
    }
    free->attach(m_client, accepted.value());
    return free;
}

ErrorOr<bool> SocketListener::wait_for_event(std::optional<u64> deadline, SignalBit timer)
{
    TRY(m_client.watch());
    if (TRY(m_client.take_event()) != 0)
        return true; /* answered already (a call met its answer, or it came since) */
    u64 mask = m_client.event_bit().mask();
    (void)(deadline ? endpoint::wait_until(mask, *deadline, timer) : endpoint::wait(mask));
    return TRY(m_client.take_event()) != 0; /* its answer taken: the next wait sends a new watch */
}

}
