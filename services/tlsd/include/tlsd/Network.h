/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What tlsd asks of the network, never waiting: TCP sockets through netd (NetdNetwork, over
 * core/net's SocketClient). The fuzz target gives tlsd's dispatch a network of its own.
 */

#pragma once

#include <vectra/net/SocketClient.h>

namespace vectra::tlsd {

class Network {
public:
    virtual ~Network() = default;
    /* A connection to `remote`, set up meanwhile (sends are would-block until it is up). */
    [[nodiscard]] virtual ErrorOr<net::Socket> start_connect(net::Address const& remote) = 0;
    [[nodiscard]] virtual ErrorOr<net::Socket> listen(net::Address const& local, u16 backlog) = 0;
    [[nodiscard]] virtual ErrorOr<net::Socket> try_accept(net::Socket const& listener) = 0;
    [[nodiscard]] virtual ErrorOr<usize> try_send(net::Socket const&, std::span<u8 const>) = 0;
    [[nodiscard]] virtual ErrorOr<net::Incoming> try_receive(net::Socket const&, std::span<u8>) = 0;
    /* The sending side ended: a FIN after the bytes netd still holds. */
    [[nodiscard]] virtual ErrorOr<void> shutdown_sending(net::Socket const&) = 0;
    [[nodiscard]] virtual ErrorOr<void> close(net::Socket const&, bool reset) = 0;

    /*
     * Readiness (ADR 0038, amendment "woken by netd"): watch() asks to be told when anything
     * happens to the sockets; take_event() says, without waiting, which sockets it was told of
     * since it last said so (net::watch_bit(id) bits; 0: none); event_mask() is the Signal bit a
     * wait ends on when it is. A network that
     * never moves by itself (the fuzz target's, a test's) says nothing and has no bit.
     */
    [[nodiscard]] virtual ErrorOr<void> watch() { return {}; }
    [[nodiscard]] virtual ErrorOr<u64> take_event() { return 0; }
    [[nodiscard]] virtual u64 event_mask() const { return 0; }
    /* Whether take_event() names what moved: else every socket is asked every turn. */
    [[nodiscard]] bool tells_events() const { return event_mask() != 0; }
};

class NetdNetwork final : public Network {
public:
    explicit NetdNetwork(net::SocketClient& client)
        : m_client(client)
    {
    }
    ErrorOr<net::Socket> start_connect(net::Address const& remote) override { return m_client.start_connect(remote); }
    ErrorOr<net::Socket> listen(net::Address const& local, u16 backlog) override { return m_client.listen(local, backlog); }
    ErrorOr<net::Socket> try_accept(net::Socket const& listener) override { return m_client.try_accept(listener); }
    ErrorOr<usize> try_send(net::Socket const& socket, std::span<u8 const> bytes) override { return m_client.try_send(socket, bytes); }
    ErrorOr<net::Incoming> try_receive(net::Socket const& socket, std::span<u8> buffer) override
    {
        return m_client.try_receive(socket, buffer);
    }
    ErrorOr<void> shutdown_sending(net::Socket const& socket) override { return m_client.shutdown(socket, net::ShutdownHow::Send); }
    ErrorOr<void> close(net::Socket const& socket, bool reset) override { return m_client.close(socket, reset); }
    ErrorOr<void> watch() override { return m_client.watch(); }
    ErrorOr<u64> take_event() override { return m_client.take_event(); }
    u64 event_mask() const override { return m_client.event_bit().mask(); }

private:
    net::SocketClient& m_client;
};

}
