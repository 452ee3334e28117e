/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's session handler (services/netd Session.h) over the real lwIP stack, through its loopback
 * interface: sessions as separate clients talking to each other over TCP and UDP on 127.0.0.1 and
 * ::1 — connect, accept, bytes both ways, a half close, a refusal, a reset, a listener's backlog —
 * and as an attacker: a session over its socket limit, another session's ids, closed and made-up
 * ids, a peer sending far more than the receiving session may buffer (the window closes, nothing
 * is lost), a session that ends with sockets open (every one released in the stack), and bytes
 * lent in MemCaps: sent from one, received into one at an offset, refused from a read-only one or
 * past its end, and netd's copy of each removed before it answers.
 */

#include "../LendingTask.h"
#include "../TestSupport.h"
#include "NetdTestStack.h"
#include <catch2/catch.hpp>
#include <algorithm>
#include <chrono>
#include <thread>
#include <cstring>
#include <lwip/pbuf.h>
#include <lwip/priv/tcp_priv.h>
#include <lwip/tcp.h>
#include <netd/LwipBackend.h>
#include <netd/Session.h>
#include <netd/Stack.h>
#include <vector>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/net/Address.h>

using namespace vectra;
using namespace vectra::net;
using netd::Session;

namespace {

void start_stack() { MUST(test::start_netd_stack()); }

void pump(int turns = 20)
{
    for (int turn = 0; turn < turns; ++turn)
        (void)netd::Stack::turn();
}

/* Turns the stack until `done()` holds, for at most 5 s: lwIP's timers (delayed ACKs, retransmissions) run on the real clock. */
template<typename Done>
bool eventually(Done done)
{
    for (int round = 0; round < 5000; ++round) {
        pump(1);
        if (done())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

bool failed_with(auto const& result, SocketError code) { return result.is_error() && result.error().is(code); }

Address loopback4(u16 port) { return ipv4(127, 0, 0, 1, port); }

Address loopback6(u16 port)
{
    std::array<u8, 16> bytes {};
    bytes[15] = 1;
    return ipv6(bytes, port);
}

protocol::MessageCapabilities s_none;

u32 send_inline(Session& session, u32 socket, std::span<u8 const> bytes)
{
    Send send;
    send.socket = socket;
    for (u8 byte : bytes)
        MUST(send.data.try_append(byte));
    auto sent = session.handle(send, s_none);
    if (sent.is_error())
        return 0;
    return sent.value().length;
}

/* Sends everything, turning the stack while the peer reads into `sink`. */
void send_all(Session& from, u32 socket, std::vector<u8> const& bytes, Session& to, u32 peer, std::vector<u8>& sink);

ErrorOr<Received> receive(Session& session, u32 socket, u32 maximum = inline_maximum)
{
    Receive request;
    request.socket = socket;
    request.maximum = maximum;
    return session.handle(request, s_none);
}

void drain(Session& session, u32 socket, std::vector<u8>& sink)
{
    for (;;) {
        auto received = receive(session, socket);
        if (received.is_error() || received.value().length == 0)
            return;
        auto const& data = received.value().data;
        sink.insert(sink.end(), data.begin(), data.end());
    }
}

void send_all(Session& from, u32 socket, std::vector<u8> const& bytes, Session& to, u32 peer, std::vector<u8>& sink)
{
    usize sent = 0;
    for (int round = 0; sent < bytes.size() && round < 100000; ++round) {
        usize chunk = std::min(inline_maximum, bytes.size() - sent);
        sent += send_inline(from, socket, std::span<u8 const>(bytes.data() + sent, chunk));
        pump(2);
        drain(to, peer, sink);
    }
    REQUIRE(sent == bytes.size());
}

struct Pair {
    u32 listener;
    u32 client;
    u32 server;
    u16 port { 0 }; /* the listener's */
};

Pair connect_pair(Session& server, Session& client, Address const& where)
{
    TcpListen listen;
    listen.local = where;
    listen.local.port = 0;
    listen.backlog = 4;
    auto listener = MUST(server.handle(listen));
    REQUIRE(listener.local.port != 0);
    TcpAccept accept { listener.socket, false };
    REQUIRE(failed_with(server.handle(accept), SocketError::WouldBlock));
    TcpConnect connect;
    connect.remote = where;
    connect.remote.port = listener.local.port;
    auto connected = MUST(client.handle(connect));
    pump();
    auto accepted = MUST(server.handle(accept));
    REQUIRE(accepted.remote.port == connected.local.port);
    return { listener.socket, connected.socket, accepted.socket, listener.local.port };
}

/* `count` connections over loopback through one listener (backlog 8) of `server`. */
std::vector<Pair> connect_pairs(Session& server, Session& client, usize count)
{
    std::vector<Pair> pairs;
    TcpListen listen { loopback4(0), 8 };
    auto listener = MUST(server.handle(listen));
    for (usize index = 0; index < count; ++index) {
        TcpConnect connect;
        connect.remote = loopback4(listener.local.port);
        auto connected = MUST(client.handle(connect));
        pump();
        auto accepted = MUST(server.handle(TcpAccept { listener.socket, false }));
        pairs.push_back({ listener.socket, connected.socket, accepted.socket });
    }
    return pairs;
}

usize held(Session& session) { return test::held_bytes(session); }

std::vector<u8> pattern(usize size, u8 seed)
{
    std::vector<u8> bytes(size);
    for (usize index = 0; index < size; ++index)
        bytes[index] = u8(index * 31 + seed);
    return bytes;
}

}

TEST_CASE("two sessions over TCP on 127.0.0.1 and ::1: bytes both ways, a half close, end of stream", "[netd]")
{
    start_stack();
    for (auto where : { loopback4(0), loopback6(0) }) {
        Session server(0);
        Session client(1);
        auto pair = connect_pair(server, client, where);
        auto bytes = pattern(40000, 3);
        std::vector<u8> at_server;
        send_all(client, pair.client, bytes, server, pair.server, at_server);
        (void)eventually([&] {
            drain(server, pair.server, at_server);
            return at_server.size() >= bytes.size();
        });
        INFO("received " << at_server.size() << " of " << bytes.size() << " bytes, first difference at "
                          << (std::mismatch(at_server.begin(), at_server.end(), bytes.begin(), bytes.end()).first - at_server.begin()));
        bool arrived_intact = at_server == bytes;
        REQUIRE(arrived_intact);

        auto reply = pattern(3000, 9);
        std::vector<u8> at_client;
        send_all(server, pair.server, reply, client, pair.client, at_client);
        (void)eventually([&] {
            drain(client, pair.client, at_client);
            return at_client.size() >= reply.size();
        });
        bool same = at_client == reply;
        REQUIRE(same);

        /* The client shuts its sending side: the server reads the end; the server may still send. */
        REQUIRE(!client.handle(Shutdown { pair.client, u8(ShutdownHow::Send) }).is_error());
        REQUIRE(failed_with(client.handle(Send { pair.client, {}, 0, 0, {}, false }, s_none), SocketError::ShutDown));
        REQUIRE(eventually([&] {
            auto end = receive(server, pair.server);
            return !end.is_error() && end.value().end && end.value().length == 0;
        }));
        u8 last[] = { 1, 2, 3 };
        REQUIRE(send_inline(server, pair.server, last) == 3);
        REQUIRE(eventually([&] {
            auto tail = receive(client, pair.client);
            return !tail.is_error() && tail.value().length == 3;
        }));

        auto counters = MUST(server.handle(ReadCounters {}));
        REQUIRE(counters.sockets == 2);
        REQUIRE(counters.bytes_received == bytes.size());
        REQUIRE(counters.bytes_sent == reply.size() + 3);
        REQUIRE(!client.handle(Close { pair.client, false }).is_error());
        REQUIRE(!server.handle(Close { pair.server, false }).is_error());
        REQUIRE(!server.handle(Close { pair.listener, false }).is_error());
        REQUIRE(server.socket_count() == 0);
        pump();
    }
}

TEST_CASE("a connection nobody listens for is refused; a reset reaches the peer", "[netd]")
{
    start_stack();
    Session server(2);
    Session client(3);
    TcpConnect connect;
    connect.remote = loopback4(1);
    auto refused = MUST(client.handle(connect));
    pump();
    REQUIRE(failed_with(receive(client, refused.socket), SocketError::Refused));
    REQUIRE(failed_with(client.handle(Send { refused.socket, {}, 0, 0, {}, false }, s_none), SocketError::Refused));
    REQUIRE(!client.handle(Close { refused.socket, false }).is_error());

    auto pair = connect_pair(server, client, loopback4(0));
    REQUIRE(failed_with(receive(client, pair.client), SocketError::WouldBlock));
    REQUIRE(!server.handle(Close { pair.server, true }).is_error());
    pump();
    REQUIRE(failed_with(receive(client, pair.client), SocketError::Reset));
}

TEST_CASE("name-servers over loopback only: none, and sends to the link's addresses are not held for a lease", "[netd]")
{
    start_stack();
    Session session(4);
    REQUIRE(MUST(session.handle(ReadNameServers {})).servers.size() == 0);
    TcpConnect connect;
    connect.remote = ipv4(10, 0, 2, 2, 7); /* no link: lwIP has no route, which is not address-pending */
    REQUIRE(failed_with(session.handle(connect), SocketError::Unreachable));
}

TEST_CASE("UDP on both families: a datagram, its source, truncation", "[netd]")
{
    start_stack();
    for (auto where : { loopback4(0), loopback6(0) }) {
        Session one(4);
        Session two(5);
        auto receiver = MUST(one.handle(UdpBind { where }));
        auto sender = MUST(two.handle(UdpBind { where }));
        REQUIRE(failed_with(receive(one, receiver.socket), SocketError::WouldBlock));
        Send send;
        send.socket = sender.socket;
        send.to = receiver.local;
        for (u8 byte : pattern(100, 1))
            MUST(send.data.try_append(byte));
        REQUIRE(MUST(two.handle(send, s_none)).length == 100);
        REQUIRE(MUST(two.handle(send, s_none)).length == 100);
        pump();
        auto first = MUST(receive(one, receiver.socket));
        REQUIRE(first.length == 100);
        REQUIRE(first.from == sender.local);
        REQUIRE(!first.truncated);
        auto second = MUST(receive(one, receiver.socket, 10));
        REQUIRE(second.length == 10);
        REQUIRE(second.truncated);
        REQUIRE(one.buffered() == 0);
        /* A send without a destination, or to a port 0, is refused. */
        send.to = unspecified(0);
        REQUIRE(failed_with(two.handle(send, s_none), SocketError::AddressUnusable));
    }
}

TEST_CASE("a listener's backlog: connections past it wait in the stack, unaccepted", "[netd]")
{
    start_stack();
    Session server(6);
    Session client(7);
    TcpListen listen { loopback4(0), 1 };
    auto listener = MUST(server.handle(listen));
    TcpConnect connect;
    connect.remote = loopback4(listener.local.port);
    auto first = MUST(client.handle(connect));
    auto second = MUST(client.handle(connect));
    pump();
    auto accepted = MUST(server.handle(TcpAccept { listener.socket, false }));
    REQUIRE(accepted.remote.port == first.local.port);
    REQUIRE(failed_with(server.handle(TcpAccept { listener.socket, false }), SocketError::WouldBlock));
    /* The second is still being set up (its SYN was not answered): its sends would block. */
    u8 byte[] = { 7 };
    REQUIRE(send_inline(client, second.socket, byte) == 0);
    REQUIRE(failed_with(client.handle(Send { second.socket, {}, 0, 0, {}, false }, s_none), SocketError::WouldBlock));
    REQUIRE(server.socket_count() == 2);
    /* tcp-accept on a connection, receive on a listener: wrong kind. */
    REQUIRE(failed_with(server.handle(TcpAccept { accepted.socket, false }), SocketError::WrongKind));
    REQUIRE(failed_with(receive(server, listener.socket), SocketError::WrongKind));
    /* Another listener on the same port: address in use. */
    REQUIRE(failed_with(server.handle(TcpListen { loopback4(listener.local.port), 1 }), SocketError::AddressInUse));
}

TEST_CASE("a server holding all its sockets keeps its backlog: connections wait outside them, claimed in order as sockets close", "[netd]")
{
    start_stack();
    Session server(13);
    Session client(14);
    auto listener = MUST(server.handle(TcpListen { loopback4(0), 4 }));
    std::vector<u32> held_sockets;
    while (server.socket_count() < netd::maximum_sockets)
        held_sockets.push_back(MUST(server.handle(UdpBind { loopback4(0) })).socket);
    /* Three connections arrive while every socket of the session is taken: they wait, none is reset. */
    TcpConnect connect;
    connect.remote = loopback4(listener.local.port);
    std::vector<Opened> clients;
    for (int index = 0; index < 3; ++index)
        clients.push_back(MUST(client.handle(connect)));
    REQUIRE(eventually([&] { return server.pending_count() == 3; }));
    REQUIRE(server.socket_count() == netd::maximum_sockets);
    auto counters = MUST(server.handle(ReadCounters {}));
    REQUIRE(counters.pending == 3);
    REQUIRE(counters.sockets == netd::maximum_sockets);
    REQUIRE(counters.connections_refused == 0);
    /* Claiming one needs a socket: limit-reached, and it keeps waiting. */
    REQUIRE(failed_with(server.handle(TcpAccept { listener.socket, false }), SocketError::LimitReached));
    REQUIRE(server.pending_count() == 3);
    /* The clients' connections are up: each says which it is. */
    for (usize index = 0; index < clients.size(); ++index) {
        u8 byte[] = { u8(0x40 + index) };
        REQUIRE(eventually([&] { return send_inline(client, clients[index].socket, byte) == 1; }));
    }
    /* Three sockets closed: three claimed, oldest first, and their bytes and replies flow. */
    for (usize index = 0; index < clients.size(); ++index) {
        REQUIRE(!server.handle(Close { held_sockets[index], false }).is_error());
        auto accepted = MUST(server.handle(TcpAccept { listener.socket, false }));
        REQUIRE(accepted.remote.port == clients[index].local.port);
        REQUIRE(server.pending_count() == clients.size() - index - 1);
        ErrorOr<Received> got = Error(ErrorCode::InvalidArgument, "not yet");
        REQUIRE(eventually([&] { got = receive(server, accepted.socket); return !got.is_error() && got.value().length == 1; }));
        REQUIRE(got.value().data[0] == u8(0x40 + index));
        u8 reply[] = { u8(0x60 + index) };
        REQUIRE(send_inline(server, accepted.socket, reply) == 1);
        REQUIRE(eventually([&] { got = receive(client, clients[index].socket); return !got.is_error() && got.value().length == 1; }));
        REQUIRE(got.value().data[0] == u8(0x60 + index));
    }
    REQUIRE(failed_with(server.handle(TcpAccept { listener.socket, false }), SocketError::WouldBlock));
    REQUIRE(MUST(server.handle(ReadCounters {})).connections_refused == 0);
}

TEST_CASE("as an attacker: connections past the session's pending room are reset and counted, never take a socket; a listener's close resets its own", "[netd]")
{
    start_stack();
    Session server(15);
    Session client(16);
    REQUIRE(MUST(server.handle(Limits {})).maximum_pending == netd::maximum_pending);
    auto first = MUST(server.handle(TcpListen { loopback4(0), netd::maximum_backlog }));
    auto second = MUST(server.handle(TcpListen { loopback4(0), netd::maximum_backlog }));
    /* The first listener's backlog is as large as the session's pending room: its connections fill it. */
    static_assert(netd::maximum_pending <= netd::maximum_backlog, "the host tests' configuration");
    TcpConnect connect;
    connect.remote = loopback4(first.local.port);
    std::vector<u32> waiting;
    for (usize index = 0; index < netd::maximum_pending; ++index)
        waiting.push_back(MUST(client.handle(connect)).socket);
    REQUIRE(eventually([&] { return server.pending_count() == netd::maximum_pending; }));
    /* One more for the second listener: reset at its arrival and counted; it never takes a socket. */
    connect.remote = loopback4(second.local.port);
    auto extra = MUST(client.handle(connect));
    REQUIRE(eventually([&] { return MUST(server.handle(ReadCounters {})).connections_refused == 1; }));
    ErrorOr<Received> got = Error(ErrorCode::InvalidArgument, "not yet");
    REQUIRE(eventually([&] {
        got = receive(client, extra.socket);
        return failed_with(got, SocketError::Reset) || failed_with(got, SocketError::Refused);
    }));
    REQUIRE(failed_with(server.handle(TcpAccept { second.socket, false }), SocketError::WouldBlock));
    REQUIRE(server.socket_count() == 2);
    REQUIRE(server.pending_count() == netd::maximum_pending);
    /* Closing the first listener resets exactly its own waiting connections. */
    REQUIRE(!server.handle(Close { first.socket, false }).is_error());
    REQUIRE(server.pending_count() == 0);
    for (u32 socket : waiting) {
        REQUIRE(eventually([&] {
            got = receive(client, socket);
            return failed_with(got, SocketError::Reset) || failed_with(got, SocketError::Refused);
        }));
    }
    server.closed();
    REQUIRE(server.pending_count() == 0);
    REQUIRE(server.socket_count() == 0);
    client.closed();
}

TEST_CASE("as an attacker: the socket limit, another session's ids, closed and made-up ids", "[netd]")
{
    start_stack();
    Session mine(8);
    Session theirs(9);
    std::vector<u32> their_ids;
    for (usize index = 0; index < netd::maximum_sockets; ++index)
        their_ids.push_back(MUST(theirs.handle(UdpBind { loopback4(0) })).socket);
    REQUIRE(failed_with(theirs.handle(UdpBind { loopback4(0) }), SocketError::LimitReached));
    REQUIRE(failed_with(theirs.handle(TcpListen { loopback4(0), 1 }), SocketError::LimitReached));
    TcpConnect connect;
    connect.remote = loopback4(9);
    REQUIRE(failed_with(theirs.handle(connect), SocketError::LimitReached));

    auto own = MUST(mine.handle(UdpBind { loopback4(0) }));
    for (u32 id : their_ids) {
        REQUIRE(failed_with(receive(mine, id), SocketError::NoSuchSocket));
        REQUIRE(failed_with(mine.handle(Close { id, true }), SocketError::NoSuchSocket));
        REQUIRE(failed_with(mine.handle(Send { id, loopback4(1), 0, 0, {}, false }, s_none), SocketError::NoSuchSocket));
    }
    REQUIRE(theirs.socket_count() == netd::maximum_sockets);
    for (u32 forged : { 0u, 1u, 0xffffffffu, own.socket ^ 0x10000u, own.socket + 1 })
        REQUIRE(failed_with(receive(mine, forged), SocketError::NoSuchSocket));
    REQUIRE(!mine.handle(Close { own.socket, false }).is_error());
    REQUIRE(failed_with(receive(mine, own.socket), SocketError::NoSuchSocket));
    REQUIRE(failed_with(mine.handle(Close { own.socket, false }), SocketError::NoSuchSocket));
    /* Inline receives above inline_maximum, and a length without a MemCap, are refused. */
    auto again = MUST(mine.handle(UdpBind { loopback4(0) }));
    REQUIRE(failed_with(receive(mine, again.socket, inline_maximum + 1), SocketError::BufferUnusable));
    REQUIRE(failed_with(mine.handle(Send { again.socket, loopback4(1), 0, 5, {}, false }, s_none), SocketError::BufferUnusable));
}

TEST_CASE("peers sending far more than a session may buffer: windows close, nothing is lost", "[netd]")
{
    start_stack();
    Session server(10);
    Session client(11);
    /* Eight connections into one session, each sending more than a TCP window: together far past its bound. */
    constexpr usize connections = 8;
    constexpr usize each = 30000;
    auto pairs = connect_pairs(server, client, connections);
    std::vector<std::vector<u8>> bytes;
    std::vector<usize> sent(connections, 0);
    for (usize index = 0; index < connections; ++index)
        bytes.push_back(pattern(each, u8(index)));
    usize peak = 0;
    (void)eventually([&] {
        bool moved = false;
        for (usize index = 0; index < connections; ++index) {
            usize chunk = std::min(inline_maximum, each - sent[index]);
            usize took = send_inline(client, pairs[index].client, std::span<u8 const>(bytes[index].data() + sent[index], chunk));
            sent[index] += took;
            moved |= took > 0;
        }
        peak = std::max(peak, held(server));
        REQUIRE(held(server) == server.buffered());
        return !moved && server.buffered() > netd::maximum_buffered / 2;
    });
    INFO("buffered " << server.buffered() << " bytes, at most " << netd::maximum_buffered);
    REQUIRE(server.buffered() <= netd::maximum_buffered);
    REQUIRE(server.buffered() > netd::maximum_buffered / 2);
    usize total_sent = 0;
    for (usize value : sent)
        total_sent += value;
    REQUIRE(total_sent < connections * each); /* the senders were held back */

    /* Reading lets every byte through, in order, per connection. */
    std::vector<std::vector<u8>> received(connections);
    bool done = eventually([&] {
        bool complete = true;
        for (usize index = 0; index < connections; ++index) {
            usize chunk = std::min(inline_maximum, each - sent[index]);
            sent[index] += send_inline(client, pairs[index].client, std::span<u8 const>(bytes[index].data() + sent[index], chunk));
            drain(server, pairs[index].server, received[index]);
            REQUIRE(server.buffered() <= netd::maximum_buffered);
            complete &= received[index].size() == each;
        }
        return complete;
    });
    REQUIRE(done);
    for (usize index = 0; index < connections; ++index) {
        bool intact = received[index] == bytes[index];
        REQUIRE(intact);
    }
    REQUIRE(server.buffered() == 0);
    REQUIRE(peak <= netd::maximum_buffered);
}

TEST_CASE("a session that ends with sockets open releases every one of them in the stack", "[netd]")
{
    start_stack();
    u16 port = 0;
    {
        Session first(12);
        auto listener = MUST(first.handle(TcpListen { loopback4(0), 1 }));
        port = listener.local.port;
        (void)MUST(first.handle(UdpBind { loopback4(port) }));
        first.closed();
        REQUIRE(first.socket_count() == 0);
    }
    Session second(12);
    /* The same ports are free again. */
    auto listener = MUST(second.handle(TcpListen { loopback4(port), 1 }));
    (void)MUST(second.handle(UdpBind { loopback4(port) }));
    REQUIRE(listener.local.port == port);
}

namespace {

using test::Lender;

/* What netd's handler finds in the slot: a copy of `memory` with `rights` (as a Ring copy delivers it). */
ErrorOr<protocol::MessageCapabilities> lend(MemCap const& memory, Rights rights, MemCap& copy)
{
    protocol::MessageCapabilities capabilities;
    capabilities.received = TRY(test::lent_copy(memory, rights, copy));
    return capabilities;
}

}

TEST_CASE("bytes lent in MemCaps: sent from one, received into one, refused read-only or out of bounds; netd keeps no copy", "[netd]")
{
    start_stack();
    Lender lender;
    auto result = lender.run([](Bundle& bundle) -> ErrorOr<i32> {
        auto reticle = TRY(bundle.take<ReticleCap>("memory"));
        Session one(13);
        Session two(14);
        auto receiver = TRY(one.handle(UdpBind { loopback4(0) }));
        auto sender = TRY(two.handle(UdpBind { loopback4(0) }));
        auto source = TRY(system::create_memory(reticle, 4096));
        auto source_bytes = TRY(system::map_memory(source));
        for (usize index = 0; index < source_bytes.size(); ++index)
            source_bytes[index] = u8(index * 7 + 1);

        /* 2000 bytes from offset 100 of a read-only copy: more than a slot carries inline. */
        MemCap copy;
        auto lent = TRY(lend(source, RightRead, copy));
        Send send;
        send.socket = sender.socket;
        send.to = receiver.local;
        send.offset = 100;
        send.length = 2000;
        auto sent = TRY(two.handle(send, lent));
        if (sent.length != 2000)
            return 1;
        if (lent.received || !system::map_memory_read_only(copy).is_error())
            return 2; /* netd removed the copy it was lent */
        /* Inline data with a MemCap, and a range past its end, are refused. */
        MUST(send.data.try_append(1));
        lent = TRY(lend(source, RightRead, copy));
        if (!failed_with(two.handle(send, lent), SocketError::BufferUnusable) || lent.received)
            return 3;
        send.data.clear();
        send.offset = 3000;
        lent = TRY(lend(source, RightRead, copy));
        if (!failed_with(two.handle(send, lent), SocketError::BufferUnusable))
            return 4;
        pump();

        /* Into a read-only copy: refused, and the datagram stays for the next receive. */
        auto target = TRY(system::create_memory(reticle, 4096));
        Receive receive;
        receive.socket = receiver.socket;
        receive.offset = 50;
        receive.maximum = 3000;
        lent = TRY(lend(target, RightRead, copy));
        if (!failed_with(one.handle(receive, lent), SocketError::BufferUnusable))
            return 5;
        receive.offset = 2000; /* 2000 + 3000 lies past the 4096 bytes */
        lent = TRY(lend(target, RightRead | RightWrite, copy));
        if (!failed_with(one.handle(receive, lent), SocketError::BufferUnusable))
            return 6;
        receive.offset = 50;
        lent = TRY(lend(target, RightRead | RightWrite, copy));
        auto received = TRY(one.handle(receive, lent));
        if (received.length != 2000 || !received.data.is_empty() || received.truncated || !(received.from == sender.local))
            return 7;
        if (!system::map_memory(copy).is_error())
            return 8;
        auto target_bytes = TRY(system::map_memory_read_only(target));
        for (usize index = 0; index < 2000; ++index) {
            if (target_bytes[50 + index] != source_bytes[100 + index])
                return 9;
        }
        if (target_bytes[49] != 0 || target_bytes[2050] != 0)
            return 10;
        return 0;
    });
    REQUIRE(!result.is_error());
    REQUIRE(result.value() == 0);
}

TEST_CASE("as an attacker: connections this side closed first stay in TIME_WAIT only up to the limit, never one a socket still holds", "[netd]")
{
    start_stack();
    (void)netd::Stack::end_time_wait_past(0); /* what earlier cases left */
    usize const before = netd::Stack::time_wait_count();
    Session server(0);
    Session client(1);
    TcpListen listen;
    listen.local = loopback4(0);
    listen.backlog = 4;
    auto listener = MUST(server.handle(listen));
    auto open_one = [&] {
        TcpConnect connect;
        connect.remote = loopback4(listener.local.port);
        auto connected = MUST(client.handle(connect));
        pump();
        auto accepted = MUST(server.handle(TcpAccept { listener.socket, false }));
        return std::pair { connected.socket, accepted.socket };
    };
    auto client_sees_end = [&](u32 socket) {
        return eventually([&] {
            auto end = receive(client, socket);
            return !end.is_error() && end.value().end;
        });
    };
    /* A server closing every connection first (HTTP/1.0) leaves its side of each in TIME_WAIT. */
    usize const connections = netd::time_wait_limit + 40;
    for (usize index = 0; index < connections; ++index) {
        auto [mine, theirs] = open_one();
        REQUIRE(!server.handle(Close { theirs, false }).is_error());
        REQUIRE(client_sees_end(mine));
        REQUIRE(!client.handle(Close { mine, false }).is_error());
        pump();
        REQUIRE(netd::Stack::time_wait_count() <= before + netd::time_wait_limit);
    }
    REQUIRE(eventually([&] { return netd::Stack::time_wait_count() == netd::time_wait_limit; }));

    /* One the server only half closed, which the peer then closed: TIME_WAIT, still the server socket's. */
    auto [mine, theirs] = open_one();
    REQUIRE(!server.handle(Shutdown { theirs, u8(ShutdownHow::Send) }).is_error());
    REQUIRE(client_sees_end(mine));
    REQUIRE(!client.handle(Close { mine, false }).is_error());
    auto& held = netd::LwipBackend::state(*server.sockets().find(theirs).value());
    REQUIRE(eventually([&] { return held.tcp != nullptr && held.tcp->state == TIME_WAIT; }));
    /* The turns since counted the held one among the limit and ended one more of the others. */
    REQUIRE(netd::Stack::end_time_wait_past(0) == netd::time_wait_limit - 1);
    REQUIRE(netd::Stack::time_wait_count() == 1);
    REQUIRE(held.tcp->state == TIME_WAIT); /* not freed under the socket (ASan would see the use) */
    REQUIRE(!server.handle(Close { theirs, false }).is_error());
    REQUIRE(netd::Stack::end_time_wait_past(0) == 1); /* released: now it may go */
    REQUIRE(netd::Stack::time_wait_count() == 0);
    REQUIRE(!server.handle(Close { listener.socket, false }).is_error());
}

namespace {

/* An Ethernet frame carrying one TCP segment over IPv4 (options of `ip_option_words` words) or IPv6. */
std::vector<u8> tcp_frame(tcp_pcb const& pcb, u32 sequence, u8 flags, bool ipv6 = false, usize ip_option_words = 0)
{
    std::vector<u8> frame(14, 0);
    frame[12] = ipv6 ? 0x86 : 0x08;
    frame[13] = ipv6 ? 0xdd : 0x00;
    if (ipv6) {
        std::vector<u8> header(40, 0);
        header[0] = 0x60;
        header[5] = 20;
        header[6] = 6;
        header[7] = 64;
        std::memcpy(header.data() + 8, ip_2_ip6(&pcb.remote_ip)->addr, 16);
        std::memcpy(header.data() + 24, ip_2_ip6(&pcb.local_ip)->addr, 16);
        frame.insert(frame.end(), header.begin(), header.end());
    } else {
        std::vector<u8> header(20 + 4 * ip_option_words, 0);
        header[0] = u8(0x40 | (5 + ip_option_words));
        header[3] = u8(header.size() + 20);
        header[8] = 64;
        header[9] = 6;
        std::memcpy(header.data() + 12, &ip_2_ip4(&pcb.remote_ip)->addr, 4);
        std::memcpy(header.data() + 16, &ip_2_ip4(&pcb.local_ip)->addr, 4);
        frame.insert(frame.end(), header.begin(), header.end());
    }
    u8 tcp[20] = {};
    tcp[0] = u8(pcb.remote_port >> 8);
    tcp[1] = u8(pcb.remote_port);
    tcp[2] = u8(pcb.local_port >> 8);
    tcp[3] = u8(pcb.local_port);
    for (usize index = 0; index < 4; ++index)
        tcp[4 + index] = u8(sequence >> (24 - 8 * index));
    tcp[12] = 0x50;
    tcp[13] = flags;
    frame.insert(frame.end(), tcp, tcp + 20);
    return frame;
}

tcp_pcb* time_wait_pcb(u16 local_port)
{
    for (tcp_pcb* pcb = tcp_tw_pcbs; pcb != nullptr; pcb = pcb->next) {
        if (pcb->local_port == local_port)
            return pcb;
    }
    return nullptr;
}

/* A listener, and one connection over it the server closed first (HTTP/1.0), then the client: the server's side in TIME_WAIT. */
struct PairInTimeWait {
    bool started = (start_stack(), netd::Stack::end_time_wait_past(0), true);
    Session server { 0 };
    Session client { 1 };
    Opened listener;
    u16 client_port { 0 };

    PairInTimeWait()
    {
        listener = MUST(server.handle(TcpListen { loopback4(0), 4 }));
        client_port = closed_by_the_server_first();
    }

    u16 closed_by_the_server_first()
    {
        auto connected = MUST(client.handle(TcpConnect { loopback4(listener.local.port), {} }));
        pump();
        auto accepted = MUST(server.handle(TcpAccept { listener.socket, false }));
        REQUIRE(!server.handle(Close { accepted.socket, false }).is_error());
        REQUIRE(eventually([&] {
            auto end = receive(client, connected.socket);
            return !end.is_error() && end.value().end;
        }));
        REQUIRE(!client.handle(Close { connected.socket, false }).is_error());
        REQUIRE(eventually([&] { return time_wait_pcb(listener.local.port) != nullptr; }));
        return connected.local.port;
    }
};

}

TEST_CASE_METHOD(PairInTimeWait, "as an attacker: a new SYN on a TIME_WAIT pair ends that TIME_WAIT only when it lies past the old connection", "[netd]")
{
    tcp_pcb* waiting = time_wait_pcb(listener.local.port);
    u32 const received = waiting->rcv_nxt;

    /* Not a new connection's first segment, or not past the old one: left to lwIP, the pair still waits. */
    for (auto const& frame : { tcp_frame(*waiting, received + 1000, 0x12 /* SYN ACK */), tcp_frame(*waiting, received + 1000, 0x06 /* SYN RST */),
             tcp_frame(*waiting, received + 1000, 0x10 /* ACK */), tcp_frame(*waiting, received, 0x02),
             tcp_frame(*waiting, received - 1, 0x02), tcp_frame(*waiting, received - 0x40000000u, 0x02),
             tcp_frame(*waiting, received + 1000, 0x02, true) /* the same ports over IPv6: another pair */ })
        REQUIRE(!netd::Stack::reopen_time_wait(frame));
    auto other_port = *waiting;
    other_port.remote_port = u16(waiting->remote_port + 1);
    REQUIRE(!netd::Stack::reopen_time_wait(tcp_frame(other_port, received + 1000, 0x02)));
    /* Cut anywhere, or its header lengths lying: nothing read past the frame, nothing ended. */
    auto whole = tcp_frame(*waiting, received + 1000, 0x02);
    for (usize length = 0; length < whole.size(); ++length)
        REQUIRE(!netd::Stack::reopen_time_wait(std::span<u8 const>(whole.data(), length)));
    auto lying = whole;
    lying[14] = 0x4f; /* an IPv4 header of 60 bytes in a 54-byte frame */
    REQUIRE(!netd::Stack::reopen_time_wait(lying));
    lying[14] = 0x44; /* shorter than IPv4's own header */
    REQUIRE(!netd::Stack::reopen_time_wait(lying));
    auto fragment = whole;
    fragment[14 + 7] = 1; /* a later fragment: what looks like a SYN is the middle of some segment */
    REQUIRE(!netd::Stack::reopen_time_wait(fragment));
    REQUIRE(time_wait_pcb(listener.local.port) == waiting);

    /* A SYN past it, behind IPv4 options too: the TIME_WAIT pair ends, and lwIP sends nothing for it. */
    REQUIRE(netd::Stack::reopen_time_wait(tcp_frame(*waiting, received + 1000, 0x02, false, 2)));
    REQUIRE(time_wait_pcb(listener.local.port) == nullptr);
    REQUIRE(!server.handle(Close { listener.socket, false }).is_error());
}

TEST_CASE_METHOD(PairInTimeWait, "as an attacker: a new SYN never ends a TIME_WAIT pair a netd socket still holds", "[netd]")
{
    /* The server only half closes, the client then closes: TIME_WAIT, still the server socket's PCB. */
    auto connected = MUST(client.handle(TcpConnect { loopback4(listener.local.port), {} }));
    pump();
    auto accepted = MUST(server.handle(TcpAccept { listener.socket, false }));
    REQUIRE(!server.handle(Shutdown { accepted.socket, u8(ShutdownHow::Send) }).is_error());
    REQUIRE(eventually([&] {
        auto end = receive(client, connected.socket);
        return !end.is_error() && end.value().end;
    }));
    REQUIRE(!client.handle(Close { connected.socket, false }).is_error());
    auto& held = netd::LwipBackend::state(*server.sockets().find(accepted.socket).value());
    REQUIRE(eventually([&] { return held.tcp != nullptr && held.tcp->state == TIME_WAIT; }));
    REQUIRE(!netd::Stack::reopen_time_wait(tcp_frame(*held.tcp, held.tcp->rcv_nxt + 1000, 0x02)));
    REQUIRE(held.tcp->state == TIME_WAIT); /* not freed under the socket (ASan would see the use) */
    REQUIRE(!server.handle(Close { accepted.socket, false }).is_error());
    REQUIRE(!server.handle(Close { listener.socket, false }).is_error());
}

TEST_CASE_METHOD(PairInTimeWait, "a new SYN from a port the server's TIME_WAIT still holds reaches the listener and is served", "[netd]")
{
    /* The client's side is gone (the server closed first): a client may use the same port again at once. */
    auto again = client.handle(TcpConnect { loopback4(listener.local.port), loopback4(client_port) });
    REQUIRE(!again.is_error());
    tcp_pcb* waiting = time_wait_pcb(listener.local.port);
    REQUIRE(waiting != nullptr);
    REQUIRE(waiting->remote_port == client_port);
    /* What netd's link does with every received frame, for a SYN past the old connection (loopback
       frames skip the link, so the test makes the call; the client's own SYN waits on the loopback). */
    REQUIRE(netd::Stack::reopen_time_wait(tcp_frame(*waiting, waiting->rcv_nxt + 1000, 0x02)));
    pump();
    auto served = server.handle(TcpAccept { listener.socket, false });
    REQUIRE(eventually([&] {
        if (served.is_error())
            served = server.handle(TcpAccept { listener.socket, false });
        return !served.is_error();
    }));
    REQUIRE(!server.handle(Close { served.value().socket, true }).is_error());
    REQUIRE(!client.handle(Close { again.value().socket, true }).is_error());
    REQUIRE(!server.handle(Close { listener.socket, false }).is_error());
}

TEST_CASE("a TCP send that does not fit whole waits until a quarter of what it may hold is free", "[netd]")
{
    using netd::send_taking;
    /* What fits is taken whole, however little room is left. */
    REQUIRE(send_taking(100, 200, 1000) == 100);
    REQUIRE(send_taking(200, 200, 1000) == 200);
    REQUIRE(send_taking(1, 1, 1000) == 1);
    /* More than fits: nothing below the low-water mark (the caller waits), all the room at it and above. */
    REQUIRE(send_taking(300, 200, 1000) == 0);
    REQUIRE(send_taking(300, 249, 1000) == 0);
    REQUIRE(send_taking(300, 250, 1000) == 250);
    REQUIRE(send_taking(5000, 1000, 1000) == 1000);
    REQUIRE(send_taking(5000, 0, 1000) == 0);
    /* Never more than the room, never more than asked. */
    for (usize room = 0; room <= 1000; room += 7) {
        for (usize asked = 0; asked <= 1500; asked += 13) {
            usize taken = send_taking(asked, room, 1000);
            REQUIRE(taken <= room);
            REQUIRE(taken <= asked);
        }
    }
}

usize queued_past_assured()
{
    usize excess = 0;
    for (tcp_pcb* pcb = tcp_active_pcbs; pcb != nullptr; pcb = pcb->next) {
        usize queued = TCP_SND_BUF - tcp_sndbuf(pcb);
        excess += queued > netd::send_assured ? queued - netd::send_assured : 0;
    }
    return excess;
}

TEST_CASE("a connection's room to send: its assured bytes always, past them only within the stack's bound", "[netd]")
{
    using netd::send_assured;
    using netd::send_queue_limit;
    using netd::sending_room;
    REQUIRE(sending_room(500, 0, 0) == 500);                                        /* never more than the buffer's room */
    REQUIRE(sending_room(TCP_SND_BUF, 0, send_queue_limit) == send_assured);        /* the bound reached: the assured share */
    REQUIRE(sending_room(TCP_SND_BUF, 1000, send_queue_limit + 9999) == send_assured - 1000);
    REQUIRE(sending_room(TCP_SND_BUF, send_assured, send_queue_limit) == 0);        /* its share queued: it waits */
    REQUIRE(sending_room(TCP_SND_BUF, 20000, send_queue_limit - 1000) == 1000);     /* past its share: what the bound leaves */
    REQUIRE(sending_room(TCP_SND_BUF, 0, 0) == std::min<usize>(TCP_SND_BUF, send_queue_limit));
}

TEST_CASE("as an attacker: connections that send and are never read queue past their assured bytes only within half of lwIP's heap", "[netd][attack]")
{
    start_stack();
    Session server(12);
    Session client(13);
    /* Four connections whose send buffers past their assured bytes hold far more than send_queue_limit; the peer reads nothing. */
    constexpr usize connections = 4;
    constexpr usize each = 120000;
    static_assert(connections * (TCP_SND_BUF - netd::send_assured) > netd::send_queue_limit);
    auto pairs = connect_pairs(server, client, connections);
    std::vector<std::vector<u8>> bytes;
    std::vector<usize> sent(connections, 0);
    for (usize index = 0; index < connections; ++index)
        bytes.push_back(pattern(each, u8(index + 40)));
    usize peak = 0;
    int still = 0;
    (void)eventually([&] {
        bool moved = false;
        for (usize index = 0; index < connections; ++index) {
            usize chunk = std::min(inline_maximum, each - sent[index]);
            usize took = chunk == 0 ? 0 : send_inline(client, pairs[index].client, std::span<u8 const>(bytes[index].data() + sent[index], chunk));
            sent[index] += took;
            moved |= took > 0;
            peak = std::max(peak, netd::Stack::queued_for_sending());
            REQUIRE(queued_past_assured() <= netd::send_queue_limit);
            REQUIRE(netd::Stack::queued_for_sending() <= netd::send_queue_limit + connections * netd::send_assured);
        }
        still = moved ? 0 : still + 1;
        return still > 50;
    });
    INFO("queued at most " << peak << " bytes; the bound " << netd::send_queue_limit);
    /* The bound was reached, not some other limit, and the connections together stopped there. */
    REQUIRE(peak > netd::send_queue_limit - TCP_SND_BUF / 4);
    REQUIRE(peak <= netd::send_queue_limit + connections * netd::send_assured);
    REQUIRE(peak < connections * TCP_SND_BUF);
    usize total_sent = 0;
    for (usize value : sent)
        total_sent += value;
    REQUIRE(total_sent < connections * each); /* the senders were held back */

    /* Reading lets every byte through, in order, per connection, and the queue empties. */
    std::vector<std::vector<u8>> received(connections);
    bool done = eventually([&] {
        bool complete = true;
        for (usize index = 0; index < connections; ++index) {
            usize chunk = std::min(inline_maximum, each - sent[index]);
            if (chunk > 0)
                sent[index] += send_inline(client, pairs[index].client, std::span<u8 const>(bytes[index].data() + sent[index], chunk));
            REQUIRE(queued_past_assured() <= netd::send_queue_limit);
            drain(server, pairs[index].server, received[index]);
            complete &= received[index].size() == each;
        }
        return complete;
    });
    REQUIRE(done);
    for (usize index = 0; index < connections; ++index) {
        bool intact = received[index] == bytes[index];
        REQUIRE(intact);
    }
    REQUIRE(eventually([] { return netd::Stack::queued_for_sending() == 0; }));
}

TEST_CASE("segments left unsent (a link refused them) go out when the stack outputs unsent segments, not before", "[netd]")
{
    start_stack();
    Session server(14);
    Session client(15);
    auto pair = connect_pair(server, client, loopback4(0));
    pump();
    /* The client's pcb: bytes queued without tcp_output, as a frame refused for want of a transmit slot leaves them. */
    tcp_pcb* pcb = nullptr;
    for (tcp_pcb* each = tcp_active_pcbs; each != nullptr; each = each->next) {
        if (each->state == ESTABLISHED && each->remote_port != 0 && each->local_port != each->remote_port) {
            auto queued = pattern(3000, 7);
            if (pcb == nullptr && each->callback_arg != nullptr && tcp_write(each, queued.data(), u16_t(queued.size()), TCP_WRITE_FLAG_COPY) == ERR_OK) {
                pcb = each;
                netd::Stack::queued_written(queued.size()); /* what LwipBackend::send reports for its writes */
            }
        }
    }
    REQUIRE(pcb != nullptr);
    REQUIRE(pcb->unsent != nullptr);
    std::vector<u8> sink;
    pump(50);
    drain(server, pair.server, sink);
    drain(client, pair.client, sink);
    REQUIRE(sink.empty()); /* nothing outputs them by itself */
    netd::Stack::output_unsent();
    REQUIRE(pcb->unacked != nullptr); /* out, and the rest follows the acknowledgements */
    std::vector<u8> at_server, at_client;
    REQUIRE(eventually([&] {
        drain(server, pair.server, at_server);
        drain(client, pair.client, at_client);
        return at_server.size() + at_client.size() == 3000;
    }));
    bool intact = at_server == pattern(3000, 7) || at_client == pattern(3000, 7);
    REQUIRE(intact);
}

/* The established pcb of `pair`'s connected side (its remote port is the listener's) or accepted side (its local port is). */
tcp_pcb* connection_pcb(Pair const& pair, bool from_client)
{
    for (tcp_pcb* each = tcp_active_pcbs; each != nullptr; each = each->next) {
        u16 port = from_client ? each->remote_port : each->local_port;
        if (each->state == ESTABLISHED && each->callback_arg != nullptr && port == pair.port)
            return each;
    }
    return nullptr;
}

TEST_CASE("small sends go out at once on connected and accepted connections, not held for an acknowledgement (no Nagle)", "[netd]")
{
    /*
     * Nagle's rule holds a small segment while an earlier one is unacknowledged, and lwIP (like
     * most stacks) delays that acknowledgement up to its 250 ms timer: a response written as a
     * head and a body stalled once per response (ADR 0024 amendment "no Nagle"). Two sends, no
     * turn between them (so no acknowledgement can have come): the second must be out too.
     */
    start_stack();
    Session server(14);
    Session client(15);
    auto pair = connect_pair(server, client, loopback4(0));
    pump();
    for (bool from_client : { true, false }) {
        INFO((from_client ? "the connected side" : "the accepted side"));
        Session& writer = from_client ? client : server;
        Session& reader = from_client ? server : client;
        u32 writing = from_client ? pair.client : pair.server;
        u32 reading = from_client ? pair.server : pair.client;
        auto head = pattern(10, 3);
        auto body = pattern(20, 4);
        REQUIRE(send_inline(writer, writing, head) == head.size());
        REQUIRE(send_inline(writer, writing, body) == body.size());
        tcp_pcb* pcb = connection_pcb(pair, from_client);
        REQUIRE(pcb != nullptr);
        REQUIRE(pcb->unacked != nullptr); /* the head is out, unacknowledged: where Nagle holds the body */
        CHECK(pcb->unsent == nullptr);    /* the body went out behind it */
        std::vector<u8> sink;
        pump(20);
        drain(reader, reading, sink);
        auto both = head;
        both.insert(both.end(), body.begin(), body.end());
        CHECK(sink == both);
    }
}

TEST_CASE("the bytes queued to send are a running total equal to a walk of every connection after each kind of event", "[netd]")
{
    start_stack();
    Session server(16);
    Session client(17);
    auto same = [] { return netd::Stack::queued_for_sending() == netd::Stack::queued_by_walk(); };
    /* Whatever every case before left (sessions ended with connections reset, TIME_WAIT, direct writes): already equal. */
    REQUIRE(same());
    REQUIRE(eventually([] { return netd::Stack::queued_by_walk() == 0; }));
    auto pairs = connect_pairs(server, client, 5);
    auto bytes = pattern(3000, 3);
    auto send_some = [&](u32 socket) {
        usize before = netd::Stack::queued_by_walk();
        REQUIRE(send_inline(client, socket, std::span<u8 const>(bytes.data(), inline_maximum)) == inline_maximum);
        REQUIRE(netd::Stack::queued_by_walk() == before + inline_maximum); /* queued, not yet acknowledged */
        REQUIRE(same());
    };
    std::vector<u8> sink;

    /* A send, then its acknowledgement. */
    send_some(pairs[0].client);
    REQUIRE(eventually([&] { drain(server, pairs[0].server, sink); return netd::Stack::queued_by_walk() == 0; }));
    REQUIRE(same());

    /* An orderly close with bytes queued: the connection lives on sending them, then ends. */
    send_some(pairs[1].client);
    REQUIRE(!client.handle(Close { pairs[1].client, false }).is_error());
    REQUIRE(same());
    REQUIRE(eventually([&] { drain(server, pairs[1].server, sink); return netd::Stack::queued_by_walk() == 0; }));
    REQUIRE(same());

    /* An abort (close with reset) with bytes queued. */
    send_some(pairs[2].client);
    REQUIRE(!client.handle(Close { pairs[2].client, true }).is_error());
    REQUIRE(same());
    pump();
    REQUIRE(same());

    /* The peer resets a connection that has bytes queued: lwIP frees it under the socket (its error callback). */
    send_some(pairs[3].client);
    REQUIRE(!server.handle(Close { pairs[3].server, true }).is_error());
    REQUIRE(eventually([&] { auto read = receive(client, pairs[3].client); return read.is_error() && read.error().is(SocketError::Reset); }));
    REQUIRE(same());

    /* The same to a connection netd already released with bytes queued (its error callback outlives the socket). */
    send_some(pairs[4].client);
    REQUIRE(!client.handle(Close { pairs[4].client, false }).is_error());
    REQUIRE(!server.handle(Close { pairs[4].server, true }).is_error());
    pump();
    REQUIRE(same());

    /* TIME_WAIT ends, and a session ends with connections open. */
    (void)netd::Stack::end_time_wait_past(0);
    REQUIRE(same());
    auto more = connect_pairs(server, client, 2);
    send_some(more[0].client);
    send_some(more[1].client);
    client.closed();
    REQUIRE(same());
    server.closed();
    pump();
    REQUIRE(same());
    REQUIRE(netd::Stack::queued_by_walk() == 0);
}
