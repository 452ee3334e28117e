/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The host's sockets as a capability (vectra/kernel/HostSockets.h, ADR 0024 amendment "the host
 * backend"), through kernel calls from a Task: TCP both ways with a server and a client the test
 * runs on 127.0.0.1, UDP with truncation; as an attacker: addresses outside loopback, a full
 * table, indexes of another capability and made-up ones, the wrong rights and device; every
 * descriptor closed when the capability goes. Forwards (amendment 2026-12-06): a connect to the
 * forwarded address reaches its loopback port; as an attacker, nothing else about that address
 * (another port, listening, UDP, another capability) and no forward off loopback.
 */

#include "../TestSupport.h"
#include <arpa/inet.h>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vectra/ClockAndEntropy.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/HostSockets.h>

using namespace vectra;
using namespace vectra::test;

namespace {

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

HostAddress ipv4(u8 a, u8 b, u8 c, u8 d, u16 port)
{
    HostAddress address;
    address.family = 4;
    address.port = port;
    address.bytes[0] = a;
    address.bytes[1] = b;
    address.bytes[2] = c;
    address.bytes[3] = d;
    return address;
}

/* The process's socket descriptors (not the platform's epoll instance, made at the first watch). */
usize open_descriptors()
{
    usize count = 0;
    DIR* folder = ::opendir("/proc/self/fd");
    while (dirent* entry = ::readdir(folder)) {
        char path[64];
        char target[64] {};
        std::snprintf(path, sizeof(path), "/proc/self/fd/%s", entry->d_name);
        if (::readlink(path, target, sizeof(target) - 1) > 0 && std::strncmp(target, "socket:", 7) == 0)
            ++count;
    }
    ::closedir(folder);
    return count;
}

/* A listening TCP socket of the test's own on 127.0.0.1 at a free port. */
struct TestListener {
    int descriptor { -1 };
    u16 port { 0 };
    TestListener()
    {
        descriptor = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(descriptor, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
        REQUIRE(::listen(descriptor, 4) == 0);
        socklen_t length = sizeof(address);
        REQUIRE(::getsockname(descriptor, reinterpret_cast<sockaddr*>(&address), &length) == 0);
        port = ntohs(address.sin_port);
    }
    ~TestListener() { ::close(descriptor); }
};

/* A supervisor's space holding host-sockets capabilities (loopback-only unless told) and a console. */
struct Supervisor {
    test::Arena arena { 1 * MiB };
    test::Arena tasks { 1 * MiB };
    CapabilitySpace space { allocate_space_id() };
    HostSocketDevice* device { nullptr };
    HostSocketDevice* other_device { nullptr };
    DeviceCap sockets;
    DeviceCap other;
    ConsoleCap console;

    Supervisor()
    {
        device = arena.reticle().try_create<HostSocketDevice>(&arena.reticle(), true).release_value();
        sockets = space.mint<CapabilityClass::Device>(device, all_rights).release_value();
        other_device = arena.reticle().try_create<HostSocketDevice>(&arena.reticle(), true).release_value();
        other = space.mint<CapabilityClass::Device>(other_device, all_rights).release_value();
        auto* console_device = arena.reticle().try_create<ConsoleDevice>(&arena.reticle()).release_value();
        console = space.mint<CapabilityClass::Device>(console_device, RightWrite | RightGrant).release_value();
    }
    ~Supervisor() { (void)space.clear(); }

    /* What a Task of the supervisor holds: "sockets" with `rights`, "other", "console" and 64 KiB "memory". */
    void fill(Task& task, Rights rights)
    {
        REQUIRE_FALSE(task.bundle().grant("sockets", space, sockets, rights).is_error());
        REQUIRE_FALSE(task.bundle().grant("other", space, other, RightRead | RightWrite).is_error());
        REQUIRE_FALSE(task.bundle().grant("console", space, console, RightWrite).is_error());
        auto& own = task.capabilities();
        Reticle* memory = MUST(arena.reticle().try_carve(64 * KiB));
        MUST(task.bundle().give("memory", own, MUST(own.mint<CapabilityClass::Reticle>(memory, all_rights))));
    }

    template<typename Body>
    ErrorOr<i32> run(Rights rights, Body&& body)
    {
        return test::run_as_task(tasks.reticle(), [&](Task& task) { fill(task, rights); }, body);
    }

    /* A Task of `entry` holding what fill() gives, spawned for the caller to run and reap. */
    Task* spawn(std::string_view name, TaskEntry entry, Rights rights)
    {
        Task* task = MUST(Executor::current().spawn(tasks.reticle(), { name, entry, 64 * KiB }));
        fill(*task, rights);
        return task;
    }
};

/* Polls `socket` until `bits` are ready (bounded: a few seconds of yields). */
ErrorOr<bool> wait_ready(DeviceCap const& sockets, u32 socket, u32 bits)
{
    for (usize turn = 0; turn < 200000; ++turn) {
        if ((TRY(system::host_socket_ready(sockets, socket)) & bits) != 0)
            return true;
        if (turn > 1000)
            ::usleep(50);
        system::yield();
    }
    return false;
}

/* The test's peer: accepts one connection, answers "world" to "hello", closes; `served` once it did. */
std::thread answer_hello(TestListener& server, std::atomic<bool>& served)
{
    return std::thread([&server, &served] {
        int connection = ::accept(server.descriptor, nullptr, nullptr);
        char bytes[5];
        usize got = 0;
        while (got < 5) {
            ssize_t count = ::recv(connection, bytes + got, 5 - got, 0);
            if (count <= 0)
                break;
            got += usize(count);
        }
        if (got == 5 && std::memcmp(bytes, "hello", 5) == 0)
            (void)!::send(connection, "world", 5, MSG_NOSIGNAL);
        ::close(connection);
        served = true;
    });
}

/* Whether a datagram from a UDP socket on 127.0.0.1 to `to` is refused MissingRight (the socket closed after). */
ErrorOr<bool> datagram_refused(DeviceCap const& sockets, HostAddress to)
{
    auto bound = TRY(system::host_socket_open(sockets, HostSocketKind::Udp, ipv4(127, 0, 0, 1, 0)));
    u8 const byte[] = { 0 };
    bool refused = code_of(system::host_socket_send(sockets, bound.value, byte, &to)) == ErrorCode::MissingRight;
    TRY(system::host_socket_close(sockets, bound.value));
    return refused;
}

}

TEST_CASE("a Task connects through its host-sockets capability to a server the test runs on 127.0.0.1 and exchanges bytes")
{
    TestListener server;
    std::atomic<bool> served { false };
    std::thread peer = answer_hello(server, served);
    Supervisor supervisor;
    u16 port = server.port;
    auto result = supervisor.run(RightRead | RightWrite, [port](Bundle& bundle) -> ErrorOr<i32> {
        auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
        auto opened = TRY(system::host_socket_open(sockets, HostSocketKind::TcpConnect, ipv4(127, 0, 0, 1, port)));
        if (opened.status != HostSocketStatus::Done)
            return 1;
        u32 socket = opened.value;
        if (!TRY(wait_ready(sockets, socket, host_socket_writable)))
            return 2;
        u8 const hello[] = { 'h', 'e', 'l', 'l', 'o' };
        auto sent = TRY(system::host_socket_send(sockets, socket, hello));
        if (sent.status != HostSocketStatus::Done || sent.value != 5)
            return 3;
        u8 reply[16] {};
        usize got = 0;
        HostAddress from;
        bool end = false;
        while (!end) {
            if (!TRY(wait_ready(sockets, socket, host_socket_readable | host_socket_hung_up)))
                return 4;
            auto received = TRY(system::host_socket_receive(sockets, socket, std::span<u8>(reply + got, sizeof(reply) - got), from));
            if (received.status != HostSocketStatus::Done)
                return 5;
            got += received.value;
            end = received.end;
        }
        if (got != 5 || std::memcmp(reply, "world", 5) != 0 || from.family != 4 || from.port != port || from.bytes[0] != 127)
            return 6;
        auto local = TRY(system::host_socket_local(sockets, socket));
        if (local.family != 4 || local.port == 0)
            return 7;
        TRY(system::host_socket_close(sockets, socket));
        return 0;
    });
    peer.join();
    REQUIRE(served);
    REQUIRE(result.value() == 0);
    REQUIRE(supervisor.device->open_count() == 0);
}

TEST_CASE("a Task listens on 127.0.0.1, accepts the test's connection, reads to its end and half-closes")
{
    Supervisor supervisor;
    std::atomic<u16> port { 0 };
    std::atomic<bool> done { false };
    std::thread peer([&] {
        while (port.load() == 0 && !done.load())
            std::this_thread::yield();
        if (done.load())
            return;
        int connection = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(port.load());
        if (::connect(connection, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
            u8 bytes[3000];
            for (usize index = 0; index < sizeof(bytes); ++index)
                bytes[index] = u8(index * 7);
            (void)!::send(connection, bytes, sizeof(bytes), MSG_NOSIGNAL);
            ::shutdown(connection, SHUT_WR);
            char reply[8];
            (void)!::recv(connection, reply, sizeof(reply), 0);
        }
        ::close(connection);
    });
    auto result = supervisor.run(RightRead | RightWrite, [&port](Bundle& bundle) -> ErrorOr<i32> {
        auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
        auto listening = TRY(system::host_socket_open(sockets, HostSocketKind::TcpListen, ipv4(127, 0, 0, 1, 0), 4));
        if (listening.status != HostSocketStatus::Done)
            return 1;
        auto local = TRY(system::host_socket_local(sockets, listening.value));
        HostAddress remote;
        /* Nothing waits yet: would-block, no socket taken. */
        auto early = TRY(system::host_socket_accept(sockets, listening.value, remote));
        if (early.status != HostSocketStatus::WouldBlock)
            return 2;
        port = local.port;
        if (!TRY(wait_ready(sockets, listening.value, host_socket_readable)))
            return 3;
        auto accepted = TRY(system::host_socket_accept(sockets, listening.value, remote));
        if (accepted.status != HostSocketStatus::Done || remote.family != 4 || remote.bytes[0] != 127)
            return 4;
        u8 bytes[4000];
        usize got = 0;
        bool end = false;
        while (!end) {
            if (!TRY(wait_ready(sockets, accepted.value, host_socket_readable | host_socket_hung_up)))
                return 5;
            HostAddress from;
            auto received = TRY(system::host_socket_receive(sockets, accepted.value, std::span<u8>(bytes + got, sizeof(bytes) - got), from));
            if (received.status == HostSocketStatus::WouldBlock)
                continue;
            got += received.value;
            end = received.end;
        }
        for (usize index = 0; index < got; ++index) {
            if (bytes[index] != u8(index * 7))
                return 6;
        }
        if (got != 3000)
            return 7;
        if (TRY(system::host_socket_shutdown(sockets, accepted.value, 2)).status != HostSocketStatus::Done)
            return 8;
        if (code_of(system::host_socket_shutdown(sockets, accepted.value, 4)) != ErrorCode::InvalidArgument)
            return 9;
        return 0;
    });
    done = true;
    peer.join();
    REQUIRE(result.value() == 0);
    REQUIRE(supervisor.device->open_count() == 2); /* the listener and the connection, until the capability goes */
}

TEST_CASE("UDP on 127.0.0.1: a datagram to itself arrives with its source, a short buffer reports its full length")
{
    Supervisor supervisor;
    auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
        auto bound = TRY(system::host_socket_open(sockets, HostSocketKind::Udp, ipv4(127, 0, 0, 1, 0)));
        auto local = TRY(system::host_socket_local(sockets, bound.value));
        u8 const datagram[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
        auto sent = TRY(system::host_socket_send(sockets, bound.value, datagram, &local));
        if (sent.status != HostSocketStatus::Done || sent.value != 8)
            return 1;
        if (!TRY(wait_ready(sockets, bound.value, host_socket_readable)))
            return 2;
        u8 into[4] {};
        HostAddress from;
        auto received = TRY(system::host_socket_receive(sockets, bound.value, into, from));
        if (received.status != HostSocketStatus::Done || received.value != 8 || into[3] != 4 || from.port != local.port)
            return 3;
        /* Nothing more: would-block. */
        auto again = TRY(system::host_socket_receive(sockets, bound.value, into, from));
        return again.status == HostSocketStatus::WouldBlock ? 0 : 4;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("attacker: every address outside loopback is refused before the host sees it")
{
    Supervisor supervisor;
    usize before = open_descriptors();
    auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
        HostAddress outside[] = { ipv4(10, 0, 0, 1, 80), ipv4(8, 8, 8, 8, 53), ipv4(0, 0, 0, 0, 0), ipv4(128, 0, 0, 1, 80),
            ipv4(255, 255, 255, 255, 9) };
        HostAddress any6;
        any6.family = 6; /* :: */
        HostAddress mapped = any6; /* ::ffff:10.0.0.1 */
        mapped.bytes[10] = 0xff;
        mapped.bytes[11] = 0xff;
        mapped.bytes[12] = 10;
        mapped.bytes[15] = 1;
        HostAddress two = any6; /* ::2 */
        two.bytes[15] = 2;
        HostAddress wrong_family = ipv4(127, 0, 0, 1, 80);
        wrong_family.family = 5;
        for (auto kind : { HostSocketKind::TcpConnect, HostSocketKind::TcpListen, HostSocketKind::Udp }) {
            for (auto const& address : outside) {
                if (code_of(system::host_socket_open(sockets, kind, address)) != ErrorCode::MissingRight)
                    return 1;
            }
            for (auto const* address : { &any6, &mapped, &two }) {
                if (code_of(system::host_socket_open(sockets, kind, *address)) != ErrorCode::MissingRight)
                    return 2;
            }
            if (code_of(system::host_socket_open(sockets, kind, wrong_family)) != ErrorCode::InvalidArgument)
                return 3;
        }
        /* A UDP socket on loopback may not send a datagram outside it. */
        if (!TRY(datagram_refused(sockets, ipv4(192, 168, 1, 1, 53))))
            return 4;
        /* Unknown kinds are refused. */
        if (code_of(system::host_socket_open(sockets, HostSocketKind(9), ipv4(127, 0, 0, 1, 0))) != ErrorCode::InvalidArgument)
            return 5;
        return 0;
    });
    REQUIRE(result.value() == 0);
    REQUIRE(supervisor.device->open_count() == 0);
    REQUIRE(open_descriptors() == before);
}

TEST_CASE("attacker: the table is bounded, indexes of another capability and made-up ones name nothing")
{
    Supervisor supervisor;
    auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
        auto other = TRY(bundle.take<DeviceCap>("other"));
        for (u32 count = 0; count < maximum_host_sockets; ++count) {
            auto opened = TRY(system::host_socket_open(sockets, HostSocketKind::Udp, ipv4(127, 0, 0, 1, 0)));
            if (opened.status != HostSocketStatus::Done || opened.value != count)
                return 1;
        }
        if (code_of(system::host_socket_open(sockets, HostSocketKind::Udp, ipv4(127, 0, 0, 1, 0))) != ErrorCode::Full)
            return 2;
        if (code_of(system::host_socket_open(sockets, HostSocketKind::TcpListen, ipv4(127, 0, 0, 1, 0))) != ErrorCode::Full)
            return 3;
        /* Another capability's table is its own: every index this one holds names nothing there. */
        HostAddress from;
        u8 into[4];
        for (u32 index = 0; index < maximum_host_sockets; ++index) {
            if (code_of(system::host_socket_ready(other, index)) != ErrorCode::NotFound)
                return 4;
            if (code_of(system::host_socket_receive(other, index, into, from)) != ErrorCode::NotFound)
                return 5;
            if (code_of(system::host_socket_close(other, index)) != ErrorCode::NotFound)
                return 6;
        }
        for (u32 index : { maximum_host_sockets, u32(0xffffff), u32(1000) }) {
            if (code_of(system::host_socket_ready(sockets, index)) != ErrorCode::NotFound)
                return 7;
        }
        /* A closed index names nothing; the freed place is taken again. */
        TRY(system::host_socket_close(sockets, 5));
        if (code_of(system::host_socket_close(sockets, 5)) != ErrorCode::NotFound)
            return 8;
        if (code_of(system::host_socket_send(sockets, 5, into)) != ErrorCode::NotFound)
            return 9;
        if (TRY(system::host_socket_open(sockets, HostSocketKind::Udp, ipv4(127, 0, 0, 1, 0))).value != 5)
            return 10;
        return 0;
    });
    REQUIRE(result.value() == 0);
    REQUIRE(supervisor.device->open_count() == maximum_host_sockets);
    REQUIRE(supervisor.other_device->open_count() == 0);
}

TEST_CASE("attacker: the wrong right or the wrong device is refused; a Task without the capability names nothing")
{
    Supervisor supervisor;
    auto result = supervisor.run(RightRead, [](Bundle& bundle) -> ErrorOr<i32> {
        auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
        auto console = TRY(bundle.take<DeviceCap>("console"));
        if (code_of(system::host_socket_open(sockets, HostSocketKind::Udp, ipv4(127, 0, 0, 1, 0))) != ErrorCode::MissingRight)
            return 1;
        if (code_of(system::host_socket_open(console, HostSocketKind::Udp, ipv4(127, 0, 0, 1, 0))) != ErrorCode::WrongClass)
            return 2;
        if (code_of(system::host_socket_ready(sockets, 0)) != ErrorCode::NotFound)
            return 3;
        return 0;
    });
    REQUIRE(result.value() == 0);
    REQUIRE(supervisor.device->open_count() == 0);
}

constexpr SignalBit ready_bit { 7 };
constexpr SignalBit timeout_bit { 9 };

/* Whether `bit` is raised within `nanoseconds` (the wait lets the executor idle and take the host's lines). */
bool raised_within(SignalBit bit, u64 nanoseconds)
{
    return system::wait_until(bit.mask(), system::monotonic_nanoseconds() + nanoseconds, timeout_bit) & bit.mask();
}

/* A datagram from `socket` to itself: a change the host-sockets line is raised for. */
ErrorOr<void> datagram_to_itself(DeviceCap const& sockets, u32 socket)
{
    auto local = TRY(system::host_socket_local(sockets, socket));
    u8 bytes[8] {};
    (void)TRY(system::host_socket_send(sockets, socket, bytes, &local));
    return {};
}

TEST_CASE("attacker: the host-sockets line needs the host-sockets device and RightRead; the wrong device, the wrong right and a second route are refused")
{
    Supervisor supervisor;
    auto result = supervisor.run(RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
        auto console = TRY(bundle.take<DeviceCap>("console"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        if (code_of(system::host_sockets_interrupt(console, memory, ready_bit)) != ErrorCode::WrongClass)
            return 1;
        if (code_of(system::host_sockets_interrupt(sockets, memory, ready_bit)) != ErrorCode::MissingRight)
            return 2;
        /* Another capability's line is the same host line: routed once, whichever capability asks. */
        auto other = TRY(bundle.take<DeviceCap>("other"));
        auto line = TRY(system::host_sockets_interrupt(other, memory, ready_bit));
        if (code_of(system::host_sockets_interrupt(other, memory, timeout_bit)) != ErrorCode::Busy)
            return 3;
        /* The IrqCap cannot be handed on: it was made without RightGrant. */
        if (code_of(system::attenuate(line, RightReceive | RightRead | RightGrant)) == ErrorCode::None)
            return 4;
        TRY(system::remove(std::move(line)));
        return 0;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("the host-sockets line raises its holder's bit when a socket of the table changes; revoking the DeviceCap deletes the IrqCap and unroutes the line")
{
    Supervisor supervisor;
    auto result = supervisor.run(RightRead | RightWrite | RightGrant | RightRevoke, [](Bundle& bundle) -> ErrorOr<i32> {
        auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto copy = TRY(system::attenuate(sockets, RightRead | RightWrite));
        auto line = TRY(system::host_sockets_interrupt(copy, memory, ready_bit));
        auto udp = TRY(system::host_socket_open(sockets, HostSocketKind::Udp, ipv4(127, 0, 0, 1, 0))).value;
        (void)raised_within(ready_bit, 50'000'000); /* what opening reported, if anything */
        /* Nothing changes: nothing is raised. */
        if (raised_within(ready_bit, 100'000'000))
            return 1;
        TRY(datagram_to_itself(sockets, udp));
        if (!raised_within(ready_bit, 5'000'000'000))
            return 2;
        if (TRY(system::revoke(sockets)) == 0)
            return 3;
        /* The copy and the IrqCap made through it are gone, and with it the route. */
        if (code_of(system::interrupt_line(line)) != ErrorCode::StaleHandle)
            return 4;
        TRY(datagram_to_itself(sockets, udp));
        if (raised_within(ready_bit, 200'000'000))
            return 5;
        /* The line is free: the revoker's own entry routes it again and is raised. */
        auto again = TRY(system::host_sockets_interrupt(sockets, memory, ready_bit));
        (void)raised_within(ready_bit, 50'000'000); /* a change left pending while unrouted */
        TRY(datagram_to_itself(sockets, udp));
        if (!raised_within(ready_bit, 5'000'000'000))
            return 6;
        TRY(system::remove(std::move(again)));
        TRY(system::host_socket_close(sockets, udp));
        return 0;
    });
    REQUIRE(result.value() == 0);
}

namespace {

/* The fast path case: one Task waits for the line with no deadline, another yields with none. */
constexpr u32 no_socket = ~0u;
std::atomic<u32> s_watched_socket { no_socket };
std::atomic<bool> s_line_taken { false };
std::atomic<bool> s_taken_while_yielding { false };
constexpr u64 yield_nanoseconds = 1'500'000'000;

ErrorOr<i32> line_waiter(Bundle& bundle)
{
    auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto line = TRY(system::host_sockets_interrupt(sockets, memory, ready_bit));
    auto udp = TRY(system::host_socket_open(sockets, HostSocketKind::Udp, ipv4(127, 0, 0, 1, 0))).value;
    (void)raised_within(ready_bit, 50'000'000); /* what opening reported, if anything */
    s_watched_socket = udp;
    /* No deadline: the only way out is the line. */
    (void)system::wait(ready_bit.mask());
    s_line_taken = true;
    TRY(system::remove(std::move(line)));
    TRY(system::host_socket_close(sockets, udp));
    return 0;
}

ErrorOr<i32> line_yielder(Bundle& bundle)
{
    auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
    while (s_watched_socket == no_socket)
        system::yield();
    /* The waiter parks on its next turn (it has nothing else to do); the datagram makes the host thread raise the line. */
    system::yield();
    TRY(datagram_to_itself(sockets, s_watched_socket));
    u64 until = system::monotonic_nanoseconds() + yield_nanoseconds;
    while (!s_line_taken && system::monotonic_nanoseconds() < until)
        system::yield();
    s_taken_while_yielding = s_line_taken.load();
    return 0;
}

}

TEST_CASE("a host line raised while a Task yields and no Task has a deadline is delivered between Tasks: the scheduler's fast path does not hold it back")
{
    Supervisor supervisor;
    s_watched_socket = no_socket;
    s_line_taken = false;
    s_taken_while_yielding = false;
    Task* waiter = supervisor.spawn("line-waiter", line_waiter, RightRead | RightWrite);
    Task* yielder = supervisor.spawn("line-yielder", line_yielder, RightRead | RightWrite);
    auto& executor = Executor::current();
    auto waited = executor.run_until_exit(*waiter);
    auto yielded = executor.run_until_exit(*yielder);
    MUST(executor.reap(*waiter));
    MUST(executor.reap(*yielder));
    REQUIRE(waited.value() == 0);
    REQUIRE(yielded.value() == 0);
    CHECK(s_line_taken);
    CHECK(s_taken_while_yielding);
}

TEST_CASE("every host descriptor closes when the last capability to the host sockets goes")
{
    usize before = open_descriptors();
    {
        Supervisor supervisor;
        auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
            auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
            for (u32 count = 0; count < 6; ++count)
                (void)TRY(system::host_socket_open(sockets, HostSocketKind::Udp, ipv4(127, 0, 0, 1, 0)));
            (void)TRY(system::host_socket_open(sockets, HostSocketKind::TcpListen, ipv4(127, 0, 0, 1, 0), 2));
            return 0;
        });
        REQUIRE(result.value() == 0);
        REQUIRE(supervisor.device->open_count() == 7);
        REQUIRE(open_descriptors() == before + 7);
        /* The Task's copy went with the Task; the supervisor's goes now. */
        REQUIRE_FALSE(supervisor.space.remove(std::move(supervisor.sockets)).is_error());
        REQUIRE(supervisor.device->open_count() == 0);
        REQUIRE(open_descriptors() == before);
    }
    REQUIRE(open_descriptors() == before);
}

TEST_CASE("a connect to a forwarded address reaches the loopback port the forward names; the peer is reported as the forwarded address")
{
    TestListener server;
    std::atomic<bool> served { false };
    std::thread peer = answer_hello(server, served);
    Supervisor supervisor;
    REQUIRE_FALSE(supervisor.device->add_forward({ ipv4(10, 0, 2, 101, 443), ipv4(127, 0, 0, 1, server.port) }).is_error());
    auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
        auto opened = TRY(system::host_socket_open(sockets, HostSocketKind::TcpConnect, ipv4(10, 0, 2, 101, 443)));
        if (opened.status != HostSocketStatus::Done)
            return 1;
        if (!TRY(wait_ready(sockets, opened.value, host_socket_writable)))
            return 2;
        u8 const hello[] = { 'h', 'e', 'l', 'l', 'o' };
        if (TRY(system::host_socket_send(sockets, opened.value, hello)).value != 5)
            return 3;
        u8 reply[8] {};
        usize got = 0;
        HostAddress from;
        while (got < 5) {
            if (!TRY(wait_ready(sockets, opened.value, host_socket_readable | host_socket_hung_up)))
                return 4;
            auto received = TRY(system::host_socket_receive(sockets, opened.value, std::span<u8>(reply + got, sizeof(reply) - got), from));
            if (received.status != HostSocketStatus::Done || received.end)
                return 5;
            got += received.value;
        }
        auto expected = ipv4(10, 0, 2, 101, 443);
        if (std::memcmp(reply, "world", 5) != 0 || from.family != 4 || from.port != 443 || std::memcmp(from.bytes, expected.bytes, 4) != 0)
            return 6;
        TRY(system::host_socket_close(sockets, opened.value));
        return 0;
    });
    peer.join();
    REQUIRE(served);
    REQUIRE(result.value() == 0);
    REQUIRE(supervisor.device->open_count() == 0);
}

TEST_CASE("attacker: a forward grants one TCP connect address of one capability, nothing else about it")
{
    TestListener server;
    Supervisor supervisor;
    REQUIRE_FALSE(supervisor.device->add_forward({ ipv4(10, 0, 2, 101, 443), ipv4(127, 0, 0, 1, server.port) }).is_error());
    usize before = open_descriptors();
    auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
        auto other = TRY(bundle.take<DeviceCap>("other"));
        /* Another port or another address than the forward's. */
        for (auto const& address : { ipv4(10, 0, 2, 101, 444), ipv4(10, 0, 2, 102, 443), ipv4(10, 0, 2, 2, 443) }) {
            if (code_of(system::host_socket_open(sockets, HostSocketKind::TcpConnect, address)) != ErrorCode::MissingRight)
                return 1;
        }
        /* The same address as IPv4-mapped IPv6 is another address. */
        HostAddress mapped;
        mapped.family = 6;
        mapped.port = 443;
        mapped.bytes[10] = 0xff;
        mapped.bytes[11] = 0xff;
        mapped.bytes[12] = 10;
        mapped.bytes[14] = 2;
        mapped.bytes[15] = 101;
        if (code_of(system::host_socket_open(sockets, HostSocketKind::TcpConnect, mapped)) != ErrorCode::MissingRight)
            return 2;
        /* Listening or binding UDP on it, or sending a datagram to it. */
        for (auto kind : { HostSocketKind::TcpListen, HostSocketKind::Udp }) {
            if (code_of(system::host_socket_open(sockets, kind, ipv4(10, 0, 2, 101, 443))) != ErrorCode::MissingRight)
                return 3;
        }
        if (!TRY(datagram_refused(sockets, ipv4(10, 0, 2, 101, 443))))
            return 4;
        /* A capability made without the forward does not have it. */
        if (code_of(system::host_socket_open(other, HostSocketKind::TcpConnect, ipv4(10, 0, 2, 101, 443))) != ErrorCode::MissingRight)
            return 5;
        return 0;
    });
    REQUIRE(result.value() == 0);
    REQUIRE(supervisor.device->open_count() == 0);
    REQUIRE(supervisor.other_device->open_count() == 0);
    REQUIRE(open_descriptors() == before);
}

TEST_CASE("attacker: the kernel refuses a forward off loopback, from loopback, without a port, twice, or past eight")
{
    Supervisor supervisor;
    auto& device = *supervisor.device;
    auto code = [&](HostForward const& forward) { return code_of(device.add_forward(forward)); };
    REQUIRE(code({ ipv4(10, 0, 2, 101, 443), ipv4(10, 0, 2, 2, 80) }) == ErrorCode::MissingRight);
    REQUIRE(code({ ipv4(10, 0, 2, 101, 443), ipv4(0, 0, 0, 0, 80) }) == ErrorCode::MissingRight);
    REQUIRE(code({ ipv4(127, 0, 0, 1, 443), ipv4(127, 0, 0, 1, 80) }) == ErrorCode::InvalidArgument);
    REQUIRE(code({ ipv4(10, 0, 2, 101, 0), ipv4(127, 0, 0, 1, 80) }) == ErrorCode::InvalidArgument);
    REQUIRE(code({ ipv4(10, 0, 2, 101, 443), ipv4(127, 0, 0, 1, 0) }) == ErrorCode::InvalidArgument);
    HostForward wrong_family { ipv4(10, 0, 2, 101, 443), ipv4(127, 0, 0, 1, 80) };
    wrong_family.from.family = 5;
    REQUIRE(code(wrong_family) == ErrorCode::InvalidArgument);
    REQUIRE(device.forward_count() == 0);
    for (u8 index = 0; index < maximum_host_forwards; ++index)
        REQUIRE(code({ ipv4(10, 0, 2, u8(100 + index), 443), ipv4(127, 0, 0, 1, 80) }) == ErrorCode::None);
    REQUIRE(code({ ipv4(10, 0, 2, 100, 443), ipv4(127, 0, 0, 1, 81) }) == ErrorCode::AlreadyExists);
    REQUIRE(code({ ipv4(10, 0, 2, 200, 443), ipv4(127, 0, 0, 1, 81) }) == ErrorCode::Full);
    REQUIRE(device.forward_count() == maximum_host_forwards);
}

namespace {

/* A UDP socket of the test's own on 127.0.0.1 at a free port (receives bounded to 20 s). */
struct TestDatagrams {
    int descriptor { -1 };
    u16 port { 0 };
    TestDatagrams()
    {
        descriptor = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(descriptor, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
        socklen_t length = sizeof(address);
        REQUIRE(::getsockname(descriptor, reinterpret_cast<sockaddr*>(&address), &length) == 0);
        port = ntohs(address.sin_port);
        timeval limit { 20, 0 };
        (void)::setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
    }
    ~TestDatagrams() { ::close(descriptor); }
};

HostForward udp_forward(HostAddress from, HostAddress to) { return { from, to, HostSocketKind::Udp }; }

bool same(HostAddress const& left, HostAddress const& right)
{
    return left.family == right.family && left.port == right.port && std::memcmp(left.bytes, right.bytes, 4) == 0;
}

/* The next datagram on `socket` (waited for), its source in `from`; its length, or a negative step number. */
ErrorOr<i32> next_datagram(DeviceCap const& sockets, u32 socket, std::span<u8> into, HostAddress& from)
{
    if (!TRY(wait_ready(sockets, socket, host_socket_readable)))
        return -1;
    auto received = TRY(system::host_socket_receive(sockets, socket, into, from));
    return received.status == HostSocketStatus::Done ? i32(received.value) : -2;
}

}

TEST_CASE("a datagram to a UDP forward's address reaches its loopback port; the answer is reported from the forwarded address")
{
    TestDatagrams server;
    std::atomic<bool> answered { false };
    std::thread peer([&] {
        u8 bytes[64];
        sockaddr_in from {};
        socklen_t length = sizeof(from);
        ssize_t count = ::recvfrom(server.descriptor, bytes, sizeof(bytes), 0, reinterpret_cast<sockaddr*>(&from), &length);
        if (count == 5 && std::memcmp(bytes, "query", 5) == 0)
            answered = ::sendto(server.descriptor, "answer", 6, 0, reinterpret_cast<sockaddr*>(&from), length) == 6;
    });
    Supervisor supervisor;
    REQUIRE_FALSE(supervisor.device->add_forward(udp_forward(ipv4(10, 0, 2, 100, 53), ipv4(127, 0, 0, 1, server.port))).is_error());
    auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
        auto bound = TRY(system::host_socket_open(sockets, HostSocketKind::Udp, ipv4(127, 0, 0, 1, 0)));
        auto forwarded = ipv4(10, 0, 2, 100, 53);
        u8 const query[] = { 'q', 'u', 'e', 'r', 'y' };
        auto sent = TRY(system::host_socket_send(sockets, bound.value, query, &forwarded));
        if (sent.status != HostSocketStatus::Done || sent.value != 5)
            return 1;
        u8 reply[16] {};
        HostAddress from;
        if (TRY(next_datagram(sockets, bound.value, reply, from)) != 6 || std::memcmp(reply, "answer", 6) != 0)
            return 2;
        if (!same(from, forwarded))
            return 3;
        TRY(system::host_socket_close(sockets, bound.value));
        return 0;
    });
    peer.join();
    REQUIRE(answered);
    REQUIRE(result.value() == 0);
    REQUIRE(supervisor.device->open_count() == 0);
}

TEST_CASE("attacker: a UDP forward grants datagrams to one address and port, and renames only its target's datagrams")
{
    TestDatagrams server;
    TestListener listener;
    Supervisor supervisor;
    REQUIRE_FALSE(supervisor.device->add_forward(udp_forward(ipv4(10, 0, 2, 100, 53), ipv4(127, 0, 0, 1, server.port))).is_error());
    REQUIRE_FALSE(supervisor.device->add_forward({ ipv4(10, 0, 2, 101, 443), ipv4(127, 0, 0, 1, listener.port) }).is_error());
    static std::atomic<u16> s_port { 0 };
    s_port = server.port;
    usize before = open_descriptors();
    auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
        auto other = TRY(bundle.take<DeviceCap>("other"));
        /* A TCP connect through the UDP forward; binding or listening on its address. */
        if (code_of(system::host_socket_open(sockets, HostSocketKind::TcpConnect, ipv4(10, 0, 2, 100, 53))) != ErrorCode::MissingRight)
            return 1;
        for (auto kind : { HostSocketKind::TcpListen, HostSocketKind::Udp }) {
            if (code_of(system::host_socket_open(sockets, kind, ipv4(10, 0, 2, 100, 53))) != ErrorCode::MissingRight)
                return 2;
        }
        /* Datagrams to another port or address than the UDP forward's, and to the TCP forward's address. */
        for (auto const& address : { ipv4(10, 0, 2, 100, 54), ipv4(10, 0, 2, 99, 53), ipv4(10, 0, 2, 101, 443) }) {
            if (!TRY(datagram_refused(sockets, address)))
                return 3;
        }
        /* A capability made without the forward does not have it. */
        if (!TRY(datagram_refused(other, ipv4(10, 0, 2, 100, 53))))
            return 4;
        /* A datagram from a loopback source that is not the forward's target keeps its own address. */
        auto bound = TRY(system::host_socket_open(sockets, HostSocketKind::Udp, ipv4(127, 0, 0, 1, 0)));
        auto sender = TRY(system::host_socket_open(sockets, HostSocketKind::Udp, ipv4(127, 0, 0, 1, 0)));
        auto local = TRY(system::host_socket_local(sockets, bound.value));
        auto sender_local = TRY(system::host_socket_local(sockets, sender.value));
        u8 const forged[] = { 'f' };
        if (TRY(system::host_socket_send(sockets, sender.value, forged, &local)).status != HostSocketStatus::Done)
            return 5;
        u8 into[8] {};
        HostAddress from;
        if (TRY(next_datagram(sockets, bound.value, into, from)) != 1 || !same(from, sender_local) || same(from, ipv4(10, 0, 2, 100, 53)))
            return 6;
        TRY(system::host_socket_close(sockets, sender.value));
        TRY(system::host_socket_close(sockets, bound.value));
        /* A closed socket's index names nothing, for a datagram or a receive. */
        if (code_of(system::host_socket_send(sockets, bound.value, forged, &local)) != ErrorCode::NotFound)
            return 7;
        if (code_of(system::host_socket_receive(sockets, bound.value, into, from)) != ErrorCode::NotFound)
            return 8;
        return s_port != 0 ? 0 : 9;
    });
    REQUIRE(result.value() == 0);
    REQUIRE(supervisor.device->open_count() == 0);
    REQUIRE(open_descriptors() == before);
}

TEST_CASE("attacker: a UDP socket's queue is bounded: a flood past it is dropped by the host, the socket goes on")
{
    Supervisor supervisor;
    static std::atomic<u16> s_port { 0 };
    static std::atomic<bool> s_bound { false };
    static std::atomic<bool> s_flooded { false };
    s_port = 0;
    s_bound = false;
    s_flooded = false;
    constexpr usize flood = 2000;
    constexpr usize each = 512;
    std::thread flooder([&] {
        for (int turn = 0; turn < 20000 && !s_bound; ++turn)
            ::usleep(1000);
        TestDatagrams source;
        sockaddr_in to {};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(s_port);
        u8 bytes[each];
        for (usize index = 0; index < flood; ++index) {
            std::memset(bytes, int(index & 0xff), sizeof(bytes));
            (void)::sendto(source.descriptor, bytes, sizeof(bytes), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
        }
        s_flooded = true;
    });
    static std::atomic<usize> s_taken { 0 };
    static std::atomic<int> s_queue { 0 };
    static HostSocketDevice* s_device = nullptr;
    s_device = supervisor.device;
    auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto sockets = TRY(bundle.take<DeviceCap>("sockets"));
        auto bound = TRY(system::host_socket_open(sockets, HostSocketKind::Udp, ipv4(127, 0, 0, 1, 0)));
        s_port = TRY(system::host_socket_local(sockets, bound.value)).port;
        /* The host descriptor's queue, as the host reports it. */
        int queue = 0;
        socklen_t length = sizeof(queue);
        (void)::getsockopt(TRY(s_device->descriptor(bound.value)), SOL_SOCKET, SO_RCVBUF, &queue, &length);
        s_queue = queue;
        s_bound = true;
        for (int turn = 0; turn < 20000 && !s_flooded; ++turn) {
            ::usleep(1000);
            system::yield();
        }
        /* Every datagram the queue kept is whole; then nothing more. */
        u8 into[each + 1];
        usize taken = 0;
        for (;;) {
            HostAddress from;
            auto received = TRY(system::host_socket_receive(sockets, bound.value, into, from));
            if (received.status == HostSocketStatus::WouldBlock)
                break;
            if (received.status != HostSocketStatus::Done || received.value != each)
                return 1;
            ++taken;
        }
        s_taken = taken;
        /* The socket goes on: a datagram to itself arrives. */
        auto local = TRY(system::host_socket_local(sockets, bound.value));
        u8 const one[] = { 42 };
        TRY(system::host_socket_send(sockets, bound.value, one, &local));
        HostAddress from;
        if (TRY(next_datagram(sockets, bound.value, into, from)) != 1 || into[0] != 42)
            return 2;
        TRY(system::host_socket_close(sockets, bound.value));
        return 0;
    });
    flooder.join();
    REQUIRE(result.value() == 0);
    /* The host's queue of host_datagram_queue_bytes (doubled by the host) holds far fewer than the flood. */
    INFO("datagrams kept of " << flood << ": " << s_taken);
    REQUIRE(s_queue == int(2 * host_datagram_queue_bytes));
    REQUIRE(s_taken > 0);
    REQUIRE(s_taken * each <= 2 * host_datagram_queue_bytes);
}

TEST_CASE("attacker: the kernel refuses a UDP forward to a target another UDP forward has, or of another kind")
{
    Supervisor supervisor;
    auto& device = *supervisor.device;
    REQUIRE_FALSE(device.add_forward(udp_forward(ipv4(10, 0, 2, 100, 53), ipv4(127, 0, 0, 1, 5353))).is_error());
    /* The same FROM for TCP is another forward; for UDP again, or another FROM to the same TO, refused. */
    REQUIRE_FALSE(device.add_forward({ ipv4(10, 0, 2, 100, 53), ipv4(127, 0, 0, 1, 5353) }).is_error());
    REQUIRE(code_of(device.add_forward(udp_forward(ipv4(10, 0, 2, 100, 53), ipv4(127, 0, 0, 1, 5354)))) == ErrorCode::AlreadyExists);
    REQUIRE(code_of(device.add_forward(udp_forward(ipv4(10, 0, 2, 101, 53), ipv4(127, 0, 0, 1, 5353)))) == ErrorCode::AlreadyExists);
    REQUIRE(code_of(device.add_forward({ ipv4(10, 0, 2, 102, 53), ipv4(127, 0, 0, 1, 53), HostSocketKind::TcpListen })) == ErrorCode::InvalidArgument);
    REQUIRE(code_of(device.add_forward(udp_forward(ipv4(10, 0, 2, 103, 53), ipv4(10, 0, 2, 2, 53)))) == ErrorCode::MissingRight);
    REQUIRE(device.forward_count() == 2);
}
