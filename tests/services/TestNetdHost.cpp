/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's host backend (services/netd HostBackend.h) under its real loop, with client Tasks
 * speaking vectra.socket through core/net's SocketClient, against peers the test runs on the
 * host's loopback (POSIX sockets on 127.0.0.1, free ports): 100 000 bytes each way with a server
 * of the test's, a connection the test makes to a listener of the client's, UDP both ways. As an
 * attacker: addresses outside loopback (refused with the protocol's error, nothing left open),
 * another session's socket, the capability's 16 host sockets exhausted across two sessions (the
 * 17th refused, the other session's sockets unaffected, a freed one reusable), and a peer that
 * resets mid-transfer.
 */

#include "NetdTestLoop.h"
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <catch2/catch.hpp>
#include <cstring>
#include <netd/HostBackend.h>
#include <netd/Server.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vectra/ClockAndEntropy.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/HostSockets.h>
#include <vectra/net/Address.h>
#include <vectra/net/SocketClient.h>

using namespace vectra;
using namespace vectra::net;

namespace {

u8 pattern(usize index, u8 seed) { return u8(index * 31 + seed + index / 251); }

/* Host sockets netd's backend still held when its loop ended (checked after each run). */
std::atomic<u32> s_open_after { 0xffff };
/* The run's netd Task, for the wake-up count (read by another Task of the run, on the executor). */
std::atomic<Task*> s_netd_task { nullptr };

ErrorOr<i32> netd_host_service(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto sockets = TRY(bundle.take<DeviceCap>("host-sockets"));
    auto ready = TRY(system::host_sockets_interrupt(sockets, memory, netd::HostBackend::ready_bit));
    auto* backend = new netd::HostBackend(std::move(sockets), std::move(ready));
    s_netd_task = &Executor::current().current_task();
    auto* server = new netd::Server(*backend);
    test::netd_server() = server;
    auto served = server->serve(std::move(requests), std::move(replies));
    s_open_after = backend->open_sockets();
    delete server;
    delete backend;
    if (served.is_error())
        return served.release_error();
    return 0;
}

/* When not 0: the capability forwards 10.0.2.101:443 to this port of 127.0.0.1, as --forward= does. */
std::atomic<u16> s_forwarded_port { 0 };

/* When not 0: the capability forwards datagrams to 10.0.2.100:53 to this port of 127.0.0.1, as --forward=udp: does. */
std::atomic<u16> s_datagram_forward_port { 0 };

/* Grants the netd Task a loopback-only host-sockets capability, as the kernel makes initd's. */
void grant_host_sockets(Task& task, CapabilitySpace& parent, Reticle& memory)
{
    auto* device = memory.try_create<HostSocketDevice>(&memory, true).release_value();
    if (s_forwarded_port != 0) {
        HostForward forward;
        forward.from = { 4, 0, 443, { 10, 0, 2, 101 } };
        forward.to = { 4, 0, s_forwarded_port, { 127, 0, 0, 1 } };
        REQUIRE_FALSE(device->add_forward(forward).is_error());
    }
    if (s_datagram_forward_port != 0) {
        HostForward forward;
        forward.from = { 4, 0, 53, { 10, 0, 2, 100 } };
        forward.to = { 4, 0, s_datagram_forward_port, { 127, 0, 0, 1 } };
        forward.kind = HostSocketKind::Udp;
        REQUIRE_FALSE(device->add_forward(forward).is_error());
    }
    auto capability = parent.mint<CapabilityClass::Device>(device, all_rights).release_value();
    REQUIRE_FALSE(task.bundle().grant("host-sockets", parent, capability, RightRead | RightWrite).is_error());
}

void run_with_host_netd(std::initializer_list<TaskEntry> clients)
{
    s_open_after = 0xffff;
    test::run_with_netd(netd_host_service, grant_host_sockets, clients, 128 * KiB);
    CHECK(s_open_after == 0);
}

using test::failed_with;
using test::sleep_in_task;

/* The test's own sockets on 127.0.0.1 at a free port. */
struct HostPeer {
    int descriptor { -1 };
    u16 port { 0 };
    explicit HostPeer(int type)
    {
        descriptor = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(descriptor, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
        if (type == SOCK_STREAM)
            REQUIRE(::listen(descriptor, 4) == 0);
        socklen_t length = sizeof(address);
        REQUIRE(::getsockname(descriptor, reinterpret_cast<sockaddr*>(&address), &length) == 0);
        port = ntohs(address.sin_port);
        timeval limit { 20, 0 }; /* every blocking call of the test's peers is bounded */
        (void)::setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
        (void)::setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
    }
    ~HostPeer() { ::close(descriptor); }
};

void bound(int descriptor)
{
    timeval limit { 20, 0 };
    (void)::setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
    (void)::setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
}

/* Reads to the end of stream checking the pattern; returns how many bytes came intact (or less on a change). */
usize read_pattern(int descriptor, u8 seed)
{
    u8 buffer[4096];
    usize total = 0;
    for (;;) {
        ssize_t count = ::recv(descriptor, buffer, sizeof(buffer), 0);
        if (count <= 0)
            return total;
        for (ssize_t index = 0; index < count; ++index) {
            if (buffer[index] != pattern(total + usize(index), seed))
                return 0;
        }
        total += usize(count);
    }
}

bool write_pattern(int descriptor, usize length, u8 seed)
{
    std::vector<u8> bytes(length);
    for (usize index = 0; index < length; ++index)
        bytes[index] = pattern(index, seed);
    usize sent = 0;
    while (sent < length) {
        ssize_t count = ::send(descriptor, bytes.data() + sent, length - sent, MSG_NOSIGNAL);
        if (count <= 0)
            return false;
        sent += usize(count);
    }
    return true;
}

ErrorOr<usize> drain(SocketClient& client, Socket const& socket, u8 seed)
{
    std::vector<u8> buffer(8192);
    usize total = 0;
    for (;;) {
        auto got = TRY(client.receive(socket, buffer));
        for (usize index = 0; index < got.length; ++index) {
            if (buffer[index] != pattern(total + index, seed))
                return Error(ErrorCode::MalformedMessage, "a byte arrived changed");
        }
        total += got.length;
        if (got.end)
            return total;
    }
}

ErrorOr<void> send_pattern(SocketClient& client, Socket const& socket, usize length, u8 seed)
{
    std::vector<u8> bytes(length);
    for (usize index = 0; index < length; ++index)
        bytes[index] = pattern(index, seed);
    return client.send(socket, bytes);
}

constexpr usize each_way = 100'000;
constexpr usize datagram_bytes = 2000;

std::atomic<u16> s_tcp_port { 0 };
std::atomic<u16> s_udp_port { 0 };
std::atomic<u16> s_listening_port { 0 };

ErrorOr<i32> exchanging_client(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    /* To the test's server: 100 000 bytes up, a half close, 100 000 bytes back to the end. */
    auto connection = TRY(client.connect(ipv4(127, 0, 0, 1, s_tcp_port)));
    EXPECT_IN_TASK(connection.remote == ipv4(127, 0, 0, 1, s_tcp_port) && connection.local.port != 0);
    TRY(send_pattern(client, connection, each_way, 7));
    TRY(client.shutdown(connection, ShutdownHow::Send));
    EXPECT_IN_TASK(TRY(drain(client, connection, 9)) == each_way);
    TRY(client.close(connection));

    /* A listener of ours the test connects to: accepted, its bytes read to the end, answered. */
    auto listener = TRY(client.listen(ipv4(127, 0, 0, 1, 0), 2));
    EXPECT_IN_TASK(listener.local.family == u8(Family::Ipv4) && listener.local.port != 0);
    s_listening_port = listener.local.port;
    auto accepted = TRY(client.accept(listener));
    EXPECT_IN_TASK(accepted.remote.family == u8(Family::Ipv4) && accepted.remote.port != 0);
    EXPECT_IN_TASK(TRY(drain(client, accepted, 3)) == 5000);
    TRY(send_pattern(client, accepted, 5000, 5));
    TRY(client.close(accepted));
    TRY(client.close(listener));

    /* UDP both ways with the test's echo. */
    auto datagrams = TRY(client.bind(ipv4(127, 0, 0, 1, 0)));
    std::vector<u8> out(datagram_bytes);
    for (usize index = 0; index < out.size(); ++index)
        out[index] = pattern(index, 11);
    TRY(client.send_to(datagrams, ipv4(127, 0, 0, 1, s_udp_port), out));
    std::vector<u8> back(4096);
    auto got = TRY(client.receive(datagrams, back));
    EXPECT_IN_TASK(got.length == datagram_bytes && !got.truncated && got.from == ipv4(127, 0, 0, 1, s_udp_port));
    for (usize index = 0; index < got.length; ++index)
        EXPECT_IN_TASK(back[index] == u8(~pattern(index, 11)));
    /* A datagram longer than the buffer: truncation reported. */
    TRY(client.send_to(datagrams, ipv4(127, 0, 0, 1, s_udp_port), out));
    auto cut = TRY(client.receive(datagrams, std::span<u8>(back.data(), 100)));
    EXPECT_IN_TASK(cut.length == 100 && cut.truncated);
    TRY(client.close(datagrams));

    auto counters = TRY(client.counters());
    EXPECT_IN_TASK(counters.bytes_sent == each_way + 5000 + 2 * datagram_bytes);
    EXPECT_IN_TASK(counters.bytes_received == each_way + 5000 + datagram_bytes + 100);
    EXPECT_IN_TASK(counters.sockets == 0 && counters.buffered == 0);
    return 0;
}

/* Two sessions sharing the capability's 16 host sockets. */
std::atomic<bool> s_first_holds { false };
std::atomic<bool> s_second_done { false };
std::atomic<u32> s_first_socket { 0 };
constexpr usize first_holds = 10;

/* Yields until `flag` is set, at most 20 s: a session whose partner failed fails too, never hangs. */
bool wait_for(std::atomic<bool> const& flag)
{
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!flag && std::chrono::steady_clock::now() < until)
        system::yield();
    return flag;
}

/* Sets `flag` when the session's body returns, on every path. */
struct Signals {
    std::atomic<bool>& flag;
    ~Signals() { flag = true; }
};

ErrorOr<i32> first_session(Bundle& bundle)
{
    Signals holding { s_first_holds };
    auto client = TRY(test::open_socket_client(bundle));
    /* Outside loopback: the protocol's error, and nothing left open. */
    EXPECT_IN_TASK(failed_with(client.connect(ipv4(10, 0, 0, 1, 80)), SocketError::Unreachable));
    EXPECT_IN_TASK(failed_with(client.connect(ipv4(8, 8, 8, 8, 53)), SocketError::Unreachable));
    EXPECT_IN_TASK(failed_with(client.listen(ipv4(10, 0, 0, 1, 0), 1), SocketError::AddressUnusable));
    EXPECT_IN_TASK(failed_with(client.listen(ipv4(0, 0, 0, 0, 0), 1), SocketError::AddressUnusable));
    std::array<u8, 16> two {};
    two[15] = 2;
    EXPECT_IN_TASK(failed_with(client.bind(ipv6(two, 0)), SocketError::AddressUnusable));
    EXPECT_IN_TASK(failed_with(client.bind(ipv4(192, 168, 1, 1, 0)), SocketError::AddressUnusable));
    auto udp = TRY(client.bind(ipv4(127, 0, 0, 1, 0)));
    u8 probe[8] {};
    EXPECT_IN_TASK(failed_with(client.send_to(udp, ipv4(8, 8, 8, 8, 53), probe), SocketError::Unreachable));
    TRY(client.close(udp));
    auto after = TRY(client.counters());
    EXPECT_IN_TASK(after.sockets == 0 && after.refused == 7);

    /* Ten host sockets held here; the other session takes the rest. */
    std::vector<Socket> held;
    for (usize index = 0; index < first_holds; ++index)
        held.push_back(TRY(client.bind(ipv4(127, 0, 0, 1, 0))));
    s_first_socket = held[0].id;
    s_first_holds = true;
    EXPECT_IN_TASK(wait_for(s_second_done));
    /* Unaffected: a datagram from our first socket to our second. */
    u8 bytes[64];
    for (usize index = 0; index < sizeof(bytes); ++index)
        bytes[index] = pattern(index, 1);
    TRY(client.send_to(held[0], held[1].local, bytes));
    u8 back[64] {};
    auto got = TRY(client.receive(held[1], back));
    EXPECT_IN_TASK(got.length == sizeof(bytes) && std::memcmp(back, bytes, sizeof(bytes)) == 0 && got.from == held[0].local);
    for (auto const& socket : held)
        TRY(client.close(socket));
    return 0;
}

ErrorOr<i32> second_session(Bundle& bundle)
{
    Signals done { s_second_done };
    auto client = TRY(test::open_socket_client(bundle));
    EXPECT_IN_TASK(wait_for(s_first_holds) && s_first_socket != 0);
    /* The other session's socket, by its id: no such socket here. */
    Socket theirs { s_first_socket, client.session_number(), ipv4(127, 0, 0, 1, 0), {} };
    u8 probe[8] {};
    TRY(client.limits()); /* opens the session, so the id reaches netd under it */
    theirs.session = client.session_number();
    EXPECT_IN_TASK(failed_with(client.send_to(theirs, ipv4(127, 0, 0, 1, 9), probe), SocketError::NoSuchSocket));
    EXPECT_IN_TASK(failed_with(client.close(theirs), SocketError::NoSuchSocket));
    /* The capability's remaining six, then the 17th: limit-reached, for every kind. */
    std::vector<Socket> held;
    for (usize index = first_holds; index < maximum_host_sockets; ++index)
        held.push_back(TRY(client.bind(ipv4(127, 0, 0, 1, 0))));
    EXPECT_IN_TASK(failed_with(client.bind(ipv4(127, 0, 0, 1, 0)), SocketError::LimitReached));
    EXPECT_IN_TASK(failed_with(client.listen(ipv4(127, 0, 0, 1, 0), 1), SocketError::LimitReached));
    EXPECT_IN_TASK(failed_with(client.connect(ipv4(127, 0, 0, 1, 9)), SocketError::LimitReached));
    EXPECT_IN_TASK(TRY(client.counters()).sockets == held.size());
    /* One given back: the next one is ours again. */
    TRY(client.close(held.back()));
    held.back() = TRY(client.bind(ipv4(127, 0, 0, 1, 0)));
    for (auto const& socket : held)
        TRY(client.close(socket));
    return 0;
}

std::atomic<u16> s_resetting_port { 0 };

ErrorOr<i32> reset_client(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto connection = TRY(client.connect(ipv4(127, 0, 0, 1, s_resetting_port)));
    std::vector<u8> chunk(64 * 1024);
    for (usize index = 0; index < chunk.size(); ++index)
        chunk[index] = pattern(index, 2);
    /* Send until the peer's reset stops us (bounded: 64 MiB); a receive then reports it too. */
    ErrorOr<void> sent {};
    for (usize round = 0; round < 1024 && !sent.is_error(); ++round)
        sent = client.send(connection, chunk);
    EXPECT_IN_TASK(sent.is_error() && sent.error().is(SocketError::Reset));
    u8 buffer[64];
    EXPECT_IN_TASK(failed_with(client.receive(connection, buffer), SocketError::Reset));
    TRY(client.close(connection));
    /* The session goes on after the reset: its counters answer, and it holds no socket. */
    auto counters = TRY(client.counters());
    EXPECT_IN_TASK(counters.sockets == 0);
    return 0;
}

}

/* Accepts one connection on `server`, reads the pattern `seed_in` to its end, answers `length` bytes of `seed_out`. */
std::thread serve_once(HostPeer& server, u8 seed_in, usize length, u8 seed_out, std::atomic<usize>& uploaded, std::atomic<bool>& answered)
{
    return std::thread([&server, seed_in, length, seed_out, &uploaded, &answered] {
        int connection = ::accept(server.descriptor, nullptr, nullptr);
        if (connection < 0)
            return;
        bound(connection);
        uploaded = read_pattern(connection, seed_in);
        answered = write_pattern(connection, length, seed_out);
        ::close(connection);
    });
}

ErrorOr<i32> forwarded_client(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    /* The forwarded address reaches the test's server; the connection names the address asked for. */
    auto connection = TRY(client.connect(ipv4(10, 0, 2, 101, 443)));
    EXPECT_IN_TASK(connection.remote == ipv4(10, 0, 2, 101, 443));
    TRY(send_pattern(client, connection, 3000, 21));
    TRY(client.shutdown(connection, ShutdownHow::Send));
    EXPECT_IN_TASK(TRY(drain(client, connection, 23)) == 3000);
    TRY(client.close(connection));
    /* As an attacker: another port or address beside the forward, or listening on it. */
    EXPECT_IN_TASK(failed_with(client.connect(ipv4(10, 0, 2, 101, 444)), SocketError::Unreachable));
    EXPECT_IN_TASK(failed_with(client.connect(ipv4(10, 0, 2, 102, 443)), SocketError::Unreachable));
    EXPECT_IN_TASK(failed_with(client.listen(ipv4(10, 0, 2, 101, 443), 1), SocketError::AddressUnusable));
    auto udp = TRY(client.bind(ipv4(127, 0, 0, 1, 0)));
    u8 probe[8] {};
    EXPECT_IN_TASK(failed_with(client.send_to(udp, ipv4(10, 0, 2, 101, 443), probe), SocketError::Unreachable));
    TRY(client.close(udp));
    EXPECT_IN_TASK(TRY(client.counters()).sockets == 0);
    return 0;
}

/* The UDP forward's client: as dnsd asks its server, then each bound of the backend's UDP as an attacker tries it. */
std::atomic<u16> s_flood_port { 0 };
std::atomic<bool> s_flooded { false };
std::atomic<usize> s_flood_taken { 0 };
constexpr usize flood_datagrams = 2000;
constexpr usize flood_bytes = 512;

ErrorOr<i32> datagram_forward_client(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto server = ipv4(10, 0, 2, 100, 53);
    /* From the unspecified address and a port of ours, as dnsd binds: the answer names the server. */
    auto udp = TRY(client.bind(unspecified(0)));
    u8 query[32];
    for (usize index = 0; index < sizeof(query); ++index)
        query[index] = pattern(index, 31);
    TRY(client.send_to(udp, server, query));
    u8 back[64] {};
    auto answer = TRY(client.receive(udp, back));
    EXPECT_IN_TASK(answer.length == sizeof(query) && answer.from == server && !answer.truncated);
    for (usize index = 0; index < answer.length; ++index)
        EXPECT_IN_TASK(back[index] == u8(~pattern(index, 31)));

    /* A source that is not the server: another socket of ours on loopback is reported as itself. */
    auto other = TRY(client.bind(ipv4(127, 0, 0, 1, 0)));
    TRY(client.send_to(other, udp.local, query));
    auto forged = TRY(client.receive(udp, back));
    EXPECT_IN_TASK(forged.length == sizeof(query) && forged.from == other.local && !(forged.from == server));
    TRY(client.close(other));

    /* Another port of the forwarded address, or a datagram above maximum_datagram: refused, nothing sent. */
    EXPECT_IN_TASK(failed_with(client.send_to(udp, ipv4(10, 0, 2, 100, 54), query), SocketError::Unreachable));
    EXPECT_IN_TASK(failed_with(client.connect(server), SocketError::Unreachable));
    auto limits = TRY(client.limits());
    std::vector<u8> huge(limits.maximum_datagram + 1);
    EXPECT_IN_TASK(failed_with(client.send_to(udp, server, huge), SocketError::DatagramTooLarge));
    /* Nothing of it reached the server: the next answer is to the next query. */
    query[0] = u8(~query[0]);
    TRY(client.send_to(udp, server, query));
    auto next = TRY(client.receive(udp, back));
    EXPECT_IN_TASK(next.length == sizeof(query) && next.from == server && back[0] == u8(~query[0]));

    /* A full queue: the test floods the socket before we read; the host keeps a bounded part, each whole. */
    s_flood_port = udp.local.port;
    for (int turn = 0; turn < 20000 && !s_flooded; ++turn) {
        ::usleep(1000);
        system::yield();
    }
    std::vector<u8> into(flood_bytes + 1);
    usize taken = 0;
    for (;;) {
        auto got = client.try_receive(udp, into);
        if (got.is_error()) {
            EXPECT_IN_TASK(got.error().is(SocketError::WouldBlock));
            break;
        }
        EXPECT_IN_TASK(got.value().length == flood_bytes && !got.value().truncated);
        ++taken;
    }
    s_flood_taken = taken;
    /* The socket goes on after the flood: the server answers again. */
    TRY(client.send_to(udp, server, query));
    EXPECT_IN_TASK(TRY(client.receive(udp, back)).from == server);

    /* A closed socket names nothing. */
    TRY(client.close(udp));
    EXPECT_IN_TASK(failed_with(client.send_to(udp, server, query), SocketError::NoSuchSocket));
    EXPECT_IN_TASK(failed_with(client.try_receive(udp, back), SocketError::NoSuchSocket));
    EXPECT_IN_TASK(TRY(client.counters()).sockets == 0);
    return 0;
}

TEST_CASE("netd's host backend through a UDP forward: datagrams to 10.0.2.100:53 reach the test's server and come back from it; as an attacker, each bound", "[netd][host]")
{
    HostPeer server(SOCK_DGRAM);
    s_datagram_forward_port = server.port;
    s_flood_port = 0;
    s_flooded = false;
    s_flood_taken = 0;
    std::atomic<usize> echoed { 0 };
    std::thread echoing([&] {
        for (int round = 0; round < 3; ++round) {
            u8 bytes[4096];
            sockaddr_in from {};
            socklen_t length = sizeof(from);
            ssize_t count = ::recvfrom(server.descriptor, bytes, sizeof(bytes), 0, reinterpret_cast<sockaddr*>(&from), &length);
            if (count <= 0)
                return;
            for (ssize_t index = 0; index < count; ++index)
                bytes[index] = u8(~bytes[index]);
            if (::sendto(server.descriptor, bytes, usize(count), 0, reinterpret_cast<sockaddr*>(&from), length) == count)
                ++echoed;
        }
    });
    std::thread flooding([&] {
        for (int turn = 0; turn < 20000 && s_flood_port == 0; ++turn)
            ::usleep(1000);
        HostPeer source(SOCK_DGRAM);
        sockaddr_in to {};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(s_flood_port);
        std::vector<u8> bytes(flood_bytes, 0x5a);
        for (usize index = 0; index < flood_datagrams && s_flood_port != 0; ++index)
            (void)::sendto(source.descriptor, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
        s_flooded = true;
    });
    run_with_host_netd({ datagram_forward_client });
    s_datagram_forward_port = 0;
    s_flooded = true;
    echoing.join();
    flooding.join();
    CHECK(echoed == 3);
    INFO("datagrams kept of " << flood_datagrams << ": " << s_flood_taken);
    CHECK(s_flood_taken > 0);
    CHECK(s_flood_taken * flood_bytes <= 2 * host_datagram_queue_bytes);
}

TEST_CASE("netd's host backend through a forward: a connect to 10.0.2.101:443 reaches the test's server; nothing else outside loopback", "[netd][host]")
{
    HostPeer server(SOCK_STREAM);
    s_forwarded_port = server.port;
    std::atomic<usize> uploaded { 0 };
    std::atomic<bool> answered { false };
    std::thread serving = serve_once(server, 21, 3000, 23, uploaded, answered);
    run_with_host_netd({ forwarded_client });
    s_forwarded_port = 0;
    serving.join();
    CHECK(uploaded == 3000);
    CHECK(answered);
}

TEST_CASE("netd's host backend: a client Task exchanges 100000 bytes each way with a server the test runs on 127.0.0.1, is connected to, and sends UDP both ways", "[netd][host]")
{
    HostPeer server(SOCK_STREAM);
    HostPeer echo(SOCK_DGRAM);
    s_tcp_port = server.port;
    s_udp_port = echo.port;
    s_listening_port = 0;
    std::atomic<usize> uploaded { 0 };
    std::atomic<bool> answered { false };
    std::thread serving = serve_once(server, 7, each_way, 9, uploaded, answered);
    std::atomic<usize> answer { 0 };
    std::thread connecting([&] {
        for (int turn = 0; turn < 20000 && s_listening_port == 0; ++turn)
            ::usleep(1000);
        int connection = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        bound(connection);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(s_listening_port);
        if (::connect(connection, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0
            && write_pattern(connection, 5000, 3) && ::shutdown(connection, SHUT_WR) == 0)
            answer = read_pattern(connection, 5);
        ::close(connection);
    });
    std::atomic<usize> echoed { 0 };
    std::thread echoing([&] {
        for (int round = 0; round < 2; ++round) {
            u8 bytes[4096];
            sockaddr_in from {};
            socklen_t length = sizeof(from);
            ssize_t count = ::recvfrom(echo.descriptor, bytes, sizeof(bytes), 0, reinterpret_cast<sockaddr*>(&from), &length);
            if (count <= 0)
                return;
            for (ssize_t index = 0; index < count; ++index)
                bytes[index] = u8(~bytes[index]);
            if (::sendto(echo.descriptor, bytes, usize(count), 0, reinterpret_cast<sockaddr*>(&from), length) == count)
                echoed += usize(count);
        }
    });
    run_with_host_netd({ exchanging_client });
    serving.join();
    connecting.join();
    echoing.join();
    CHECK(uploaded == each_way);
    CHECK(answered);
    CHECK(answer == 5000);
    CHECK(echoed == 2 * datagram_bytes);
}

namespace {

/* The quiet case: a connection with a receive waiting, netd asleep, then the host's peer writes. */
std::atomic<u16> s_quiet_port { 0 };
std::atomic<bool> s_counted { false };
std::atomic<u64> s_quiet_switches { ~u64(0) };
std::atomic<u64> s_quiet_nanoseconds { 0 };
constexpr u64 settle_nanoseconds = 100'000'000;
constexpr u64 quiet_nanoseconds = 400'000'000;

/* The peer's side: accepts one connection on `server`, then waits (at most 20 s) until `flag` is set; -1 if none came. */
int accept_then_wait(HostPeer& server, std::atomic<bool> const& flag)
{
    int connection = ::accept(server.descriptor, nullptr, nullptr);
    if (connection < 0)
        return -1;
    bound(connection);
    for (int turn = 0; turn < 20000 && !flag; ++turn)
        ::usleep(1000);
    return connection;
}

/* Waits on nothing but the deadline: this Task's wait lets the executor idle (and take the host's lines). */

ErrorOr<i32> quiet_client(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto connection = TRY(client.connect(ipv4(127, 0, 0, 1, s_quiet_port)));
    /* Kept waiting by netd until the peer writes, after the count: a lost wake-up is a timeout here. */
    u8 buffer[64] {};
    auto got = TRY(client.receive(connection, buffer, Duration::from_seconds(5)));
    EXPECT_IN_TASK(s_counted && got.length == sizeof(buffer));
    for (usize index = 0; index < got.length; ++index)
        EXPECT_IN_TASK(buffer[index] == pattern(index, 41));
    TRY(client.close(connection));
    return 0;
}

/* Counts netd's switches while it waits with a socket open and a receive kept. */
ErrorOr<i32> counting_task(Bundle&)
{
    sleep_in_task(settle_nanoseconds); /* the connect answered, the receive kept */
    Task* netd = s_netd_task;
    EXPECT_IN_TASK(netd != nullptr);
    u64 before = netd->switches();
    u64 start = system::monotonic_nanoseconds();
    sleep_in_task(quiet_nanoseconds);
    s_quiet_nanoseconds = system::monotonic_nanoseconds() - start;
    s_quiet_switches = netd->switches() - before;
    s_counted = true;
    return 0;
}

}

TEST_CASE("netd's host backend woken by the host: a receive kept while netd sleeps is answered when the peer writes; an idle netd with a socket open is not woken", "[netd][host]")
{
    HostPeer server(SOCK_STREAM);
    s_quiet_port = server.port;
    s_counted = false;
    s_quiet_switches = ~u64(0);
    s_netd_task = nullptr;
    std::atomic<bool> written { false };
    std::thread peer([&] {
        int connection = accept_then_wait(server, s_counted);
        if (connection < 0)
            return;
        /* netd has slept through the count with no deadline of its own: only the host can wake it now. */
        written = s_counted && write_pattern(connection, 64, 41);
        u8 rest[16];
        (void)::recv(connection, rest, sizeof(rest), 0); /* until the client closes */
        ::close(connection);
    });
    run_with_host_netd({ quiet_client, counting_task });
    peer.join();
    CHECK(written);
    /* Polled every 2 ms this was ~200; woken by the host, nothing changed on the socket: none. */
    INFO("netd's switches in " << s_quiet_nanoseconds / 1'000'000 << " ms with a socket open and a receive kept");
    CHECK(s_quiet_switches <= 2);
}

namespace {

/* The full case: a send kept after would-block while the peer reads nothing, then the peer reads. */
std::atomic<u16> s_full_port { 0 };
std::atomic<bool> s_full_slept { false };
constexpr usize full_bytes = 16 * MiB;

ErrorOr<i32> filling_client(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto connection = TRY(client.connect(ipv4(127, 0, 0, 1, s_full_port)));
    /* More than the host's buffers hold: a send is kept (would-block) until the peer reads, after the sleep. */
    TRY(send_pattern(client, connection, full_bytes, 43));
    EXPECT_IN_TASK(s_full_slept.load());
    TRY(client.shutdown(connection, ShutdownHow::Send));
    TRY(client.close(connection));
    return 0;
}

ErrorOr<i32> sleeping_task(Bundle&)
{
    sleep_in_task(quiet_nanoseconds);
    s_full_slept = true;
    return 0;
}

}

TEST_CASE("netd's host backend woken by the host: a send kept after would-block goes on when the peer reads, with no deadline of netd's", "[netd][host]")
{
    HostPeer server(SOCK_STREAM);
    s_full_port = server.port;
    s_full_slept = false;
    std::atomic<usize> read { 0 };
    std::thread peer([&] {
        int connection = accept_then_wait(server, s_full_slept);
        if (connection < 0)
            return;
        read = read_pattern(connection, 43);
        ::close(connection);
    });
    run_with_host_netd({ filling_client, sleeping_task });
    peer.join();
    CHECK(read == full_bytes);
}

namespace {

/* The busy case: another Task keeps the CPU (yielding, never waiting) while the peer writes. */
std::atomic<u16> s_busy_port { 0 };
std::atomic<bool> s_spinning { false };
std::atomic<bool> s_busy_answered { false };
std::atomic<bool> s_answered_while_spinning { false };
constexpr u64 spin_nanoseconds = 1'500'000'000;

ErrorOr<i32> busy_client(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto connection = TRY(client.connect(ipv4(127, 0, 0, 1, s_busy_port)));
    u8 buffer[64] {};
    auto got = TRY(client.receive(connection, buffer, Duration::from_seconds(5)));
    s_busy_answered = true;
    EXPECT_IN_TASK(got.length == sizeof(buffer));
    TRY(client.close(connection));
    return 0;
}

/* Yields without waiting until the client has its answer, or for 1.5 s: the executor never idles meanwhile. */
ErrorOr<i32> spinning_task(Bundle&)
{
    sleep_in_task(settle_nanoseconds); /* the connect answered, the receive kept */
    u64 until = system::monotonic_nanoseconds() + spin_nanoseconds;
    s_spinning = true;
    while (!s_busy_answered && system::monotonic_nanoseconds() < until)
        system::yield();
    s_answered_while_spinning = s_busy_answered.load();
    return 0;
}

}

TEST_CASE("netd's host backend woken by the host while another Task keeps the CPU: the host's line is taken between Tasks, not only when the executor idles", "[netd][host]")
{
    HostPeer server(SOCK_STREAM);
    s_busy_port = server.port;
    s_spinning = false;
    s_busy_answered = false;
    s_answered_while_spinning = false;
    std::atomic<bool> written { false };
    std::thread peer([&] {
        int connection = accept_then_wait(server, s_spinning);
        if (connection < 0)
            return;
        ::usleep(50'000);
        written = write_pattern(connection, 64, 47);
        u8 rest[16];
        (void)::recv(connection, rest, sizeof(rest), 0); /* until the client closes */
        ::close(connection);
    });
    run_with_host_netd({ busy_client, spinning_task });
    peer.join();
    CHECK(written);
    CHECK(s_answered_while_spinning);
}

TEST_CASE("netd's host backend as an attacker sees it: addresses outside loopback, another session's socket, the capability's 16 sockets exhausted across sessions", "[netd][host]")
{
    s_first_holds = false;
    s_first_socket = 0;
    s_second_done = false;
    run_with_host_netd({ first_session, second_session });
}

TEST_CASE("netd's host backend: a peer that resets mid-transfer is reported reset, and the session goes on", "[netd][host]")
{
    HostPeer server(SOCK_STREAM);
    s_resetting_port = server.port;
    std::atomic<bool> reset { false };
    std::thread resetting([&] {
        int connection = ::accept(server.descriptor, nullptr, nullptr);
        if (connection < 0)
            return;
        bound(connection);
        u8 buffer[4096];
        usize got = 0;
        while (got < 10000) {
            ssize_t count = ::recv(connection, buffer, sizeof(buffer), 0);
            if (count <= 0)
                break;
            got += usize(count);
        }
        linger abortive { 1, 0 };
        reset = ::setsockopt(connection, SOL_SOCKET, SO_LINGER, &abortive, sizeof(abortive)) == 0 && got >= 10000;
        ::close(connection);
    });
    run_with_host_netd({ reset_client });
    resetting.join();
    CHECK(reset);
}

namespace {

std::atomic<u16> s_echo_port { 0 };

/* Requests and their answers over the host backend, each a send_receive: the test's echo answers on the host's loopback. */
ErrorOr<i32> send_receive_client(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto connection = TRY(client.connect(ipv4(127, 0, 0, 1, s_echo_port)));
    for (u8 round = 0; round < 5; ++round) {
        std::vector<u8> request(64 + round * 700); /* up to 2864 bytes: the first part by send */
        for (usize index = 0; index < request.size(); ++index)
            request[index] = pattern(index, round);
        std::vector<u8> buffer(request.size());
        auto first = TRY(client.send_receive(connection, request, buffer));
        usize got = first.length;
        while (got < request.size()) {
            auto more = TRY(client.receive(connection, std::span<u8>(buffer).subspan(got)));
            got += more.length;
            if (more.end)
                break;
        }
        EXPECT_IN_TASK(got == request.size() && buffer == request);
    }
    TRY(client.shutdown(connection, ShutdownHow::Send));
    u8 last[16];
    EXPECT_IN_TASK(TRY(client.send_receive(connection, {}, last)).end); /* no bytes: a receive, the echo's end */
    TRY(client.close(connection));
    return 0;
}

}

TEST_CASE("netd's host backend: send_receive's requests answered by a host peer, each a request and its answer in one call", "[netd][host]")
{
    HostPeer server(SOCK_STREAM);
    s_echo_port = server.port;
    std::atomic<usize> echoed { 0 };
    std::thread echoing([&] {
        int connection = ::accept(server.descriptor, nullptr, nullptr);
        if (connection < 0)
            return;
        bound(connection);
        u8 bytes[4096];
        for (;;) {
            ssize_t count = ::recv(connection, bytes, sizeof(bytes), 0);
            if (count <= 0 || ::send(connection, bytes, usize(count), MSG_NOSIGNAL) != count)
                break;
            echoed += usize(count);
        }
        ::close(connection);
    });
    run_with_host_netd({ send_receive_client });
    echoing.join();
    CHECK(echoed == 5 * 64 + 700 * (0 + 1 + 2 + 3 + 4));
}
