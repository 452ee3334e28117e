/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd restarted in the same image: the new instance's Stack::start runs where lwIP's global state
 * still names the ended instance's interfaces, connections, listeners and timeouts, all in a heap
 * that is gone (here: overwritten). It must come up with one loopback interface, serve TCP and UDP,
 * and run lwIP's TCP timer although the ended instance left lwIP's "timer scheduled" flag set.
 * (A process of its own: lwIP's state is global.)
 */

#include "../TestSupport.h"
#include "NetdTestStack.h"
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <lwip/netif.h>
#include <new>
#include <lwip/priv/tcp_priv.h>
#include <netd/Session.h>
#include <netd/Stack.h>
#include <thread>
#include <vectra/net/Address.h>

using namespace vectra;
using namespace vectra::net;
using netd::Session;

namespace {

alignas(16) u8 s_first_heap[netd::lwip_heap_bytes];
alignas(16) u8 s_second_heap[netd::lwip_heap_bytes];
protocol::MessageCapabilities s_none;

void turn_for(std::chrono::milliseconds how_long)
{
    auto until = std::chrono::steady_clock::now() + how_long;
    while (std::chrono::steady_clock::now() < until) {
        (void)netd::Stack::turn();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

/* A listener in `server`, a connection to it from `client`, accepted; returns {client's, server's} sockets. */
std::pair<u32, u32> connected(Session& server, Session& client)
{
    auto listener = MUST(server.handle(TcpListen { ipv4(127, 0, 0, 1, 0), 2 }));
    auto connection = MUST(client.handle(TcpConnect { ipv4(127, 0, 0, 1, listener.local.port), {} }));
    turn_for(std::chrono::milliseconds(20));
    auto accepted = MUST(server.handle(TcpAccept { listener.socket, false }));
    return { connection.socket, accepted.socket };
}

usize interfaces()
{
    usize count = 0;
    for (netif* each = netif_list; each != nullptr; each = each->next)
        ++count;
    return count;
}

}

TEST_CASE("a restarted netd's stack forgets the ended instance and works: loopback, TCP, UDP, TCP timer", "[netd]")
{
    test::PatternEntropy entropy;
    MUST(netd::Stack::start(s_first_heap, entropy));
    REQUIRE(interfaces() == 1);

    /* The ended instance: a connection with bytes in flight, a listener, a UDP socket; it faults, so nothing is released. */
    alignas(Session) static u8 ended[2][sizeof(Session)];
    auto* ended_server = new (ended[0]) Session(0);
    auto* ended_client = new (ended[1]) Session(1);
    auto [ended_connection, ended_accepted] = connected(*ended_server, *ended_client);
    Send unread;
    unread.socket = ended_connection;
    MUST(unread.data.try_append(1));
    MUST(ended_client->handle(unread, s_none));
    MUST(ended_client->handle(UdpBind { ipv4(127, 0, 0, 1, 5000) }));
    REQUIRE(tcp_active_pcbs != nullptr);
    (void)ended_accepted;
    /* Its memory goes to someone else: the heap is overwritten, its Sessions never destroyed. */
    memset(s_first_heap, 0xA5, sizeof s_first_heap);

    MUST(netd::Stack::start(s_second_heap, entropy));
    CHECK(interfaces() == 1);
    CHECK(tcp_active_pcbs == nullptr);

    Session server(0);
    Session client(1);
    /* The same UDP port is free again, and a datagram goes through. */
    auto bound = MUST(server.handle(UdpBind { ipv4(127, 0, 0, 1, 5000) }));
    auto sender = MUST(client.handle(UdpBind { ipv4(127, 0, 0, 1, 0) }));
    Send datagram;
    datagram.socket = sender.socket;
    datagram.to = bound.local;
    MUST(datagram.data.try_append(7));
    MUST(client.handle(datagram, s_none));
    turn_for(std::chrono::milliseconds(20));
    Receive receive;
    receive.socket = bound.socket;
    receive.maximum = 16;
    auto got = MUST(server.handle(receive, s_none));
    CHECK((got.length == 1 && got.data[0] == 7));

    /* TCP works, and lwIP's TCP timer runs (tcp_ticks counts its slow ticks, every 500 ms). */
    auto [connection, accepted] = connected(server, client);
    u32 ticks = tcp_ticks;
    Send hello;
    hello.socket = connection;
    MUST(hello.data.try_append(42));
    MUST(client.handle(hello, s_none));
    turn_for(std::chrono::milliseconds(1200));
    receive.socket = accepted;
    got = MUST(server.handle(receive, s_none));
    CHECK((got.length == 1 && got.data[0] == 42));
    CHECK(tcp_ticks >= ticks + 2);
    REQUIRE(!client.handle(Close { connection, true }).is_error());
    REQUIRE(!server.handle(Close { accepted, true }).is_error());
}
