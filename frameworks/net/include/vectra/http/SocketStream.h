/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ByteStream over a netd TCP socket (core/net SocketClient), and a StreamListener over a netd
 * listening socket that hands out up to Capacity streams at a time (a stream's slot is free again
 * after its close()). Everything waits through SocketClient, so a passed deadline resets the socket.
 */

#pragma once

#include <array>
#include <vectra/http/Stream.h>
#include <vectra/net/SocketClient.h>

namespace vectra::http {

class SocketStream final : public ByteStream {
public:
    SocketStream() = default;
    void attach(net::SocketClient& client, net::Socket const& socket)
    {
        m_client = &client;
        m_socket = socket;
    }
    [[nodiscard]] bool is_attached() const { return m_client != nullptr; }
    [[nodiscard]] net::Socket const& socket() const { return m_socket; }

    ErrorOr<Received> receive(std::span<u8> buffer, Duration timeout) override;
    ErrorOr<Received> try_receive(std::span<u8> buffer) override;
    ErrorOr<void> send(std::span<u8 const> bytes, Duration timeout) override;
    /* One send-receive call through netd when the last part of `bytes` fits a slot (SocketClient::send_receive). */
    ErrorOr<Received> send_receive(std::span<u8 const> bytes, std::span<u8> buffer, Duration timeout) override;
    void close(Closing) override;

private:
    net::SocketClient* m_client { nullptr };
    net::Socket m_socket;
};

class SocketListener final : public StreamListener {
public:
    SocketListener(net::SocketClient& client, net::Socket const& listener, std::span<SocketStream> streams)
        : m_client(client)
        , m_listener(listener)
        , m_streams(streams)
    {
    }

    ErrorOr<ByteStream*> try_accept() override;
    /* On netd's readiness watch (vectra.socket v5), which the client keeps aside from its calls. */
    ErrorOr<bool> wait_for_event(std::optional<u64> deadline, SignalBit timer) override;

private:
    net::SocketClient& m_client;
    net::Socket m_listener;
    std::span<SocketStream> m_streams;
};

}
