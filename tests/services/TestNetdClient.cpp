/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/net's SocketClient against netd's real loop and stack (loopback): a server Task and a
 * client Task, each on its own session, move bytes both ways inline and through the transfer
 * buffer, half close, meet a refused connection, the socket limit, datagrams both ways, and a
 * deadline that passes (the socket is reset and closed, the abandoned reply never confuses the
 * next call).
 */

#include "NetdTestLoop.h"
#include <atomic>
#include <catch2/catch.hpp>
#include <cstring>
#include <lwip/mem.h>
#include <netd/FaultInjection.h>
#include <netd/Server.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/kernel/Executor.h>
#include <vectra/net/Address.h>
#include <vectra/net/SocketClient.h>

using namespace vectra;
using namespace vectra::net;

namespace {

using test::failed_with;
using test::sleep_in_task;

u8 pattern(usize index, u8 seed) { return u8(index * 31 + seed + index / 251); }

constexpr usize upload_bytes = 100'000; /* client to server: through the transfer buffer, many messages */
constexpr usize answer_bytes = 3'000;   /* server to client: more than a slot holds */

/* The listeners' ports, published by the server Task for the client Task. */
std::atomic<u16> s_port_ipv4 { 0 };
std::atomic<u16> s_port_ipv6 { 0 };

Address ipv6_loopback(u16 port)
{
    std::array<u8, 16> bytes {};
    bytes[15] = 1;
    return ipv6(bytes, port);
}

/* Reads until the end of stream, checking every byte against the pattern; returns how many came. */
ErrorOr<usize> drain(SocketClient& client, Socket const& socket, u8 seed, usize buffer_size)
{
    std::vector<u8> buffer(buffer_size);
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
        if (got.length == 0)
            return Error(ErrorCode::MalformedMessage, "a receive brought nothing and no end");
    }
}

ErrorOr<void> send_pattern(SocketClient& client, Socket const& socket, usize length, u8 seed)
{
    std::vector<u8> bytes(length);
    for (usize index = 0; index < length; ++index)
        bytes[index] = pattern(index, seed);
    return client.send(socket, bytes);
}

/* A connection to 127.0.0.1 once the peer Task published its listener's port. */
ErrorOr<Socket> connect_when_listening(SocketClient& client, std::atomic<u16> const& port)
{
    while (port == 0)
        system::yield();
    return client.connect(ipv4(127, 0, 0, 1, port));
}

/* try_accept until a connection comes (bounded): what an HTTP server's loop does. */
ErrorOr<Socket> poll_accept(SocketClient& client, Socket const& listener)
{
    auto polled = client.try_accept(listener);
    for (int turn = 0; turn < 10000 && failed_with(polled, SocketError::WouldBlock); ++turn) {
        system::yield();
        polled = client.try_accept(listener);
    }
    return polled;
}

ErrorOr<i32> stream_server(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto on_ipv4 = TRY(client.listen(ipv4(127, 0, 0, 1, 0), 2));
    auto on_ipv6 = TRY(client.listen(ipv6_loopback(0), 2));
    /* Without waiting: would-block at once while no one connects, and the listener stays open. */
    EXPECT_IN_TASK(failed_with(client.try_accept(on_ipv4), SocketError::WouldBlock));
    s_port_ipv4 = on_ipv4.local.port;
    s_port_ipv6 = on_ipv6.local.port;
    for (auto const* listener : { &on_ipv4, &on_ipv6 }) {
        /* IPv4's connection taken by polling try_accept (as an HTTP server's loop does), IPv6's by accept. */
        auto connection = listener == &on_ipv4 ? TRY(poll_accept(client, *listener)) : TRY(client.accept(*listener));
        EXPECT_IN_TASK(connection.remote.family == listener->local.family);
        /* The upload in a 4 KiB buffer (through the transfer buffer), to its end: the client's half close. */
        EXPECT_IN_TASK(TRY(drain(client, connection, 7, 4096)) == upload_bytes);
        /* Its sending side shut, the client still receives: the answer, then our end. */
        TRY(send_pattern(client, connection, answer_bytes, 9));
        TRY(client.close(connection));
    }
    TRY(client.close(on_ipv4));
    TRY(client.close(on_ipv6));
    EXPECT_IN_TASK(TRY(client.counters()).sockets == 0);
    EXPECT_IN_TASK(TRY(client.name_servers()).servers.size() == 0); /* loopback only: no lease names any */
    return 0;
}

ErrorOr<i32> stream_client(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    while (s_port_ipv4 == 0 || s_port_ipv6 == 0)
        system::yield();
    for (auto remote : { ipv4(127, 0, 0, 1, s_port_ipv4), ipv6_loopback(s_port_ipv6) }) {
        auto connection = TRY(client.connect(remote));
        EXPECT_IN_TASK(connection.remote == remote);
        TRY(send_pattern(client, connection, upload_bytes, 7));
        TRY(client.shutdown(connection, ShutdownHow::Send));
        /* Inline receives (a small buffer): the answer arrives whole, then the end. */
        EXPECT_IN_TASK(TRY(drain(client, connection, 9, 512)) == answer_bytes);
        TRY(client.close(connection));
    }
    auto counters = TRY(client.counters());
    EXPECT_IN_TASK(counters.bytes_sent == 2 * upload_bytes && counters.bytes_received == 2 * answer_bytes);
    EXPECT_IN_TASK(counters.sockets == 0);
    return 0;
}

ErrorOr<i32> refusals_and_limits(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    /* A closed port: refused, and the half-made socket is given back. */
    auto closed = TRY(client.listen(ipv4(127, 0, 0, 1, 0), 1));
    u16 port = closed.local.port;
    TRY(client.close(closed));
    EXPECT_IN_TASK(failed_with(client.connect(ipv4(127, 0, 0, 1, port)), SocketError::Refused));
    auto after_refusal = TRY(client.counters());
    EXPECT_IN_TASK(after_refusal.sockets == 0 && after_refusal.refused == 1);

    /* Sockets up to the session's limit, then one more: limit-reached. */
    auto limits = TRY(client.limits());
    std::vector<Socket> held;
    for (;;) {
        auto bound = client.bind(ipv4(127, 0, 0, 1, 0));
        if (bound.is_error()) {
            EXPECT_IN_TASK(bound.error().is(SocketError::LimitReached));
            break;
        }
        held.push_back(bound.value());
        if (held.size() > limits.maximum_sockets)
            break;
    }
    EXPECT_IN_TASK(held.size() == limits.maximum_sockets);
    for (auto const& socket : held)
        TRY(client.close(socket));

    /* Datagrams both ways, the source reported, a short buffer truncating. */
    auto first = TRY(client.bind(ipv4(127, 0, 0, 1, 0)));
    auto second = TRY(client.bind(ipv4(127, 0, 0, 1, 0)));
    u8 hello[] = { 'h', 'e', 'l', 'l', 'o' };
    TRY(client.send_to(first, second.local, hello));
    u8 buffer[16];
    auto got = TRY(client.receive(second, buffer));
    EXPECT_IN_TASK(got.length == 5 && got.from == first.local && !got.truncated && buffer[4] == 'o');
    /* The way back, larger than a slot: through the transfer buffer. */
    std::vector<u8> large(4000);
    for (usize index = 0; index < large.size(); ++index)
        large[index] = pattern(index, 3);
    TRY(client.send_to(second, first.local, large));
    std::vector<u8> into(8000);
    got = TRY(client.receive(first, into));
    EXPECT_IN_TASK(got.length == 4000 && got.from == second.local && !got.truncated);
    EXPECT_IN_TASK(std::equal(large.begin(), large.end(), into.begin()));
    TRY(client.send_to(second, first.local, hello));
    got = TRY(client.receive(first, std::span<u8>(buffer, 3)));
    EXPECT_IN_TASK(got.length == 3 && got.truncated);

    /* Without waiting: would-block at once and the socket stays open; a datagram that came is read. */
    EXPECT_IN_TASK(failed_with(client.try_receive(second, buffer), SocketError::WouldBlock));
    TRY(client.send_to(first, second.local, hello));
    auto polled = client.try_receive(second, buffer);
    for (int turn = 0; turn < 100 && failed_with(polled, SocketError::WouldBlock); ++turn) {
        system::yield();
        polled = client.try_receive(second, buffer);
    }
    EXPECT_IN_TASK(!polled.is_error() && polled.value().length == 5 && polled.value().from == first.local);

    /* An empty buffer is refused here: netd would have nothing to answer it with. */
    EXPECT_IN_TASK(client.receive(first, std::span<u8>()).error().is(ErrorCode::InvalidArgument));
    /* A deadline passes on a receive: TimedOut, and the socket is gone (reset and closed). */
    auto timed_out = client.receive(first, buffer, Duration::from_milliseconds(50));
    EXPECT_IN_TASK(timed_out.is_error() && timed_out.error().is(ErrorCode::TimedOut));
    EXPECT_IN_TASK(failed_with(client.receive(first, buffer, Duration::from_milliseconds(50)), SocketError::NoSuchSocket));
    /* The next call is answered in order: the abandoned request's reply does not stand in for it. */
    TRY(client.send_to(second, second.local, hello));
    got = TRY(client.receive(second, buffer));
    EXPECT_IN_TASK(got.length == 5 && got.from == second.local);
    TRY(client.close(second));
    EXPECT_IN_TASK(TRY(client.counters()).sockets == 0);

    /* A Socket of an ended session is refused here, never sent: its id could name another socket now. */
    auto kept = TRY(client.bind(ipv4(127, 0, 0, 1, 0)));
    client.end();
    auto fresh = TRY(client.bind(ipv4(127, 0, 0, 1, 0)));
    EXPECT_IN_TASK(fresh.session == kept.session + 1);
    auto refused_before = TRY(client.counters()).refused;
    EXPECT_IN_TASK(failed_with(client.close(kept), SocketError::NoSuchSocket));
    EXPECT_IN_TASK(failed_with(client.receive(kept, buffer), SocketError::NoSuchSocket));
    EXPECT_IN_TASK(TRY(client.counters()).refused == refused_before); /* netd never saw them */
    TRY(client.close(fresh));
    return 0;
}

/* The calls that never wait (tlsd's): connect answered at once, accept and send would-block, then move. */
ErrorOr<i32> without_waiting(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto listener = TRY(client.listen(ipv4(127, 0, 0, 1, 0), 2));
    EXPECT_IN_TASK(failed_with(client.try_accept(listener), SocketError::WouldBlock));
    auto connecting = TRY(client.start_connect(ipv4(127, 0, 0, 1, listener.local.port)));
    u8 const hello[] = { 'h', 'e', 'l', 'l', 'o' };
    /* Until the connection is up a send takes nothing; then it takes every byte (room in the stack). */
    auto taken = client.try_send(connecting, hello);
    for (int turn = 0; turn < 1000 && failed_with(taken, SocketError::WouldBlock); ++turn) {
        system::yield();
        taken = client.try_send(connecting, hello);
    }
    EXPECT_IN_TASK(!taken.is_error() && taken.value() == sizeof(hello));
    EXPECT_IN_TASK(client.try_send(connecting, std::span<u8 const>()).error().is(ErrorCode::InvalidArgument));
    auto accepted = client.try_accept(listener);
    for (int turn = 0; turn < 1000 && failed_with(accepted, SocketError::WouldBlock); ++turn) {
        system::yield();
        accepted = client.try_accept(listener);
    }
    EXPECT_IN_TASK(!accepted.is_error() && accepted.value().remote == connecting.local);
    u8 buffer[16];
    auto got = TRY(client.receive(accepted.value(), buffer));
    EXPECT_IN_TASK(got.length == sizeof(hello) && memcmp(buffer, hello, sizeof(hello)) == 0);
    /* A connect to a port nobody listens on: answered with a socket, then its send says refused. */
    TRY(client.close(listener));
    auto refused = TRY(client.start_connect(ipv4(127, 0, 0, 1, listener.local.port)));
    auto outcome = client.try_send(refused, hello);
    for (int turn = 0; turn < 1000 && failed_with(outcome, SocketError::WouldBlock); ++turn) {
        system::yield();
        outcome = client.try_send(refused, hello);
    }
    EXPECT_IN_TASK(failed_with(outcome, SocketError::Refused));
    TRY(client.close(refused));
    TRY(client.close(accepted.value()));
    TRY(client.close(connecting));
    return 0;
}

/* take_event() until it says true, waiting on the client's event bit between; false once `patience` passed. */
ErrorOr<bool> event_within(SocketClient& client, Duration patience)
{
    u64 deadline = deadline_after(patience);
    for (;;) {
        if (TRY(client.take_event()))
            return true;
        if (endpoint::now_nanoseconds() >= deadline)
            return false;
        (void)system::wait_until(client.event_bit().mask(), deadline, SignalBit(20));
    }
}

/*
 * The client's side of vectra.socket v5's watch: quiet while nothing happens; bytes landing answer
 * it; a synchronous call that meets the answer keeps it aside for take_event(), which says so once.
 */
ErrorOr<i32> watching(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto listener = TRY(client.listen(ipv4(127, 0, 0, 1, 0), 2));
    auto connecting = TRY(client.connect(ipv4(127, 0, 0, 1, listener.local.port)));
    auto accepted = TRY(client.accept(listener));
    constexpr Duration quiet = Duration::from_milliseconds(50);
    /* Whatever the set-up raised answers the first watch; the second one waits. */
    TRY(client.watch());
    (void)TRY(event_within(client, quiet));
    TRY(client.watch());
    EXPECT_IN_TASK(!TRY(event_within(client, quiet)) && client.is_watching());
    u8 const hello[] = { 'h', 'e', 'l', 'l', 'o' };
    TRY(client.send(connecting, hello));
    /* The answer comes after the send's own reply: a later call meets it and keeps it. */
    for (int call = 0; call < 100 && client.is_watching(); ++call)
        (void)TRY(client.counters());
    EXPECT_IN_TASK(!client.is_watching());
    /* The answer names the socket the bytes landed on, not the listener. */
    u64 named = TRY(client.take_event());
    EXPECT_IN_TASK((named & watch_bit(accepted.id)) != 0);
    EXPECT_IN_TASK(watch_bit(listener.id) == watch_bit(accepted.id) || (named & watch_bit(listener.id)) == 0);
    EXPECT_IN_TASK(!TRY(client.take_event()));
    u8 buffer[16];
    EXPECT_IN_TASK(TRY(client.try_receive(accepted, buffer)).length == sizeof(hello));
    TRY(client.close(accepted));
    TRY(client.close(connecting));
    TRY(client.close(listener));
    return 0;
}

/* Receives into `got` until it holds `length` bytes (each call waits); false at an early end. */
ErrorOr<bool> receive_until(SocketClient& client, Socket const& socket, std::vector<u8>& got, usize length)
{
    std::vector<u8> buffer(4096);
    while (got.size() < length) {
        auto incoming = TRY(client.receive(socket, buffer));
        got.insert(got.end(), buffer.begin(), buffer.begin() + incoming.length);
        if (incoming.end)
            return got.size() == length;
    }
    return true;
}

bool matches(std::vector<u8> const& bytes, u8 seed)
{
    for (usize index = 0; index < bytes.size(); ++index) {
        if (bytes[index] != pattern(index, seed))
            return false;
    }
    return true;
}

std::atomic<u16> s_exchange_port { 0 };

/* A request larger than a slot and its answer, each side writing then reading with send_receive. */
ErrorOr<i32> exchange_server(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto listener = TRY(client.listen(ipv4(127, 0, 0, 1, 0), 1));
    s_exchange_port = listener.local.port;
    auto connection = TRY(client.accept(listener));
    std::vector<u8> request;
    EXPECT_IN_TASK(TRY(receive_until(client, connection, request, answer_bytes)) && matches(request, 7));
    /* The answer (more than a slot: its first part goes by send), then a wait for what comes next: the client's end. */
    std::vector<u8> answer(answer_bytes);
    for (usize index = 0; index < answer.size(); ++index)
        answer[index] = pattern(index, 9);
    u8 next[64];
    auto after = TRY(client.send_receive(connection, answer, next));
    EXPECT_IN_TASK(after.length == 0 && after.end);
    TRY(client.close(connection));
    TRY(client.close(listener));
    return 0;
}

ErrorOr<i32> exchange_client(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto connection = TRY(connect_when_listening(client, s_exchange_port));
    std::vector<u8> request(answer_bytes);
    for (usize index = 0; index < request.size(); ++index)
        request[index] = pattern(index, 7);
    std::vector<u8> buffer(4096);
    auto first = TRY(client.send_receive(connection, request, buffer));
    EXPECT_IN_TASK(first.length > 0 && first.length <= inline_maximum && !first.end);
    std::vector<u8> answer(buffer.begin(), buffer.begin() + first.length);
    EXPECT_IN_TASK(TRY(receive_until(client, connection, answer, answer_bytes)) && matches(answer, 9));
    TRY(client.shutdown(connection, ShutdownHow::Send));
    /* An empty request is a receive: the server's end. */
    auto ended = TRY(client.send_receive(connection, {}, buffer));
    EXPECT_IN_TASK(ended.length == 0 && ended.end);
    TRY(client.close(connection));
    auto counters = TRY(client.counters());
    EXPECT_IN_TASK(counters.bytes_sent == answer_bytes && counters.bytes_received == answer_bytes);
    return 0;
}

}

namespace {

/* A close while lwIP's heap is full: every block held while the writer closes, so the FIN's segment
   cannot be allocated then. lwIP 2.1.3 answers such a close ERR_OK and queues the FIN from its timer
   (TF_CLOSEPEND), so netd's release never aborts it: the peer gets every byte, then the end. */
constexpr usize closing_bytes = 1000;
std::atomic<u16> s_closing_port { 0 };
std::atomic<bool> s_closed_while_held { false };
std::atomic<usize> s_closing_read { 0 };

/* lwIP's heap taken whole (largest blocks first), so no segment or pbuf can be allocated until it is let go. */
struct HeldHeap {
    std::vector<void*> blocks;
    HeldHeap()
    {
        for (mem_size_t size = 64 * 1024; size >= 8; size /= 2) {
            while (void* block = mem_malloc(size))
                blocks.push_back(block);
        }
    }
    ~HeldHeap()
    {
        for (void* block : blocks)
            mem_free(block);
    }
};

ErrorOr<i32> closing_reader(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto listener = TRY(client.listen(ipv4(127, 0, 0, 1, 0), 1));
    s_closing_port = listener.local.port;
    auto connection = TRY(client.accept(listener));
    while (!s_closed_while_held)
        system::yield();
    /* Every byte, then the end — a reset, or no end within the client's timeout, fails it. */
    s_closing_read = TRY(drain(client, connection, 11, 512));
    TRY(client.close(connection));
    TRY(client.close(listener));
    return 0;
}

ErrorOr<i32> closing_writer(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto connection = TRY(connect_when_listening(client, s_closing_port));
    TRY(send_pattern(client, connection, closing_bytes, 11));
    sleep_in_task(50'000'000); /* the segment sent: nothing unsent left to carry the FIN */
    {
        HeldHeap held;
        EXPECT_IN_TASK(!held.blocks.empty());
        TRY(client.close(connection));
        s_closed_while_held = true;
        sleep_in_task(100'000'000); /* netd's timers run with the heap still held */
    }
    return 0;
}

}

TEST_CASE("netd closing a connection whose FIN lwIP cannot queue yet (its heap full): the bytes and then the end reach the peer, no reset", "[netd]")
{
    s_closing_port = 0;
    s_closed_while_held = false;
    s_closing_read = 0;
    test::run_with_netd({ closing_reader, closing_writer }, 256 * KiB);
    CHECK(s_closing_read == closing_bytes);
}

namespace {

/*
 * A send lwIP refuses for memory (its heap held whole: tcp_write's ERR_MEM) is a refusal for room:
 * the acknowledgement that frees memory afterwards answers the writer's watch, with no other event
 * on its session (ADR 0024, amendment "readiness events"). The peer acknowledges a lone short
 * segment from its delayed-acknowledgement timer, after the heap is let go.
 */
std::atomic<u16> s_memory_port { 0 };
std::atomic<bool> s_memory_done { false };
std::atomic<bool> s_memory_announced { false };

ErrorOr<i32> memory_reader(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto listener = TRY(client.listen(ipv4(127, 0, 0, 1, 0), 1));
    s_memory_port = listener.local.port;
    auto connection = TRY(client.accept(listener));
    while (!s_memory_done)
        system::yield();
    EXPECT_IN_TASK(TRY(drain(client, connection, 5, 512)) == 2000);
    TRY(client.close(connection));
    TRY(client.close(listener));
    return 0;
}

ErrorOr<i32> memory_writer(Bundle& bundle)
{
    auto client = TRY(test::open_socket_client(bundle));
    auto connection = TRY(connect_when_listening(client, s_memory_port));
    constexpr Duration quiet = Duration::from_milliseconds(50);
    TRY(client.watch());
    (void)TRY(event_within(client, quiet)); /* the connect's */
    std::vector<u8> bytes(1000);
    for (usize index = 0; index < bytes.size(); ++index)
        bytes[index] = pattern(index, 5);
    EXPECT_IN_TASK(TRY(client.try_send(connection, bytes)) == bytes.size());
    {
        HeldHeap held;
        EXPECT_IN_TASK(!held.blocks.empty());
        auto refused = client.try_send(connection, bytes);
        EXPECT_IN_TASK(refused.is_error() && refused.error().is(SocketError::WouldBlock));
        TRY(client.watch());
        EXPECT_IN_TASK(!TRY(event_within(client, quiet)));
    }
    s_memory_announced = TRY(event_within(client, Duration::from_milliseconds(2000)));
    for (usize index = 0; index < bytes.size(); ++index)
        bytes[index] = pattern(bytes.size() + index, 5);
    EXPECT_IN_TASK(TRY(client.try_send(connection, bytes)) == bytes.size());
    TRY(client.shutdown(connection, ShutdownHow::Send));
    s_memory_done = true;
    sleep_in_task(50'000'000);
    TRY(client.close(connection));
    return 0;
}

}

TEST_CASE("a send the stack refused for memory is announced to the writer's watch once an acknowledgement frees it", "[netd]")
{
    s_memory_port = 0;
    s_memory_done = false;
    s_memory_announced = false;
    test::run_with_netd({ memory_reader, memory_writer }, 256 * KiB);
    CHECK(s_memory_announced);
}

TEST_CASE("the socket client's send_receive: a request larger than a slot and its answer, each side writing then reading in one call", "[netd]")
{
    s_exchange_port = 0;
    test::run_with_netd({ exchange_server, exchange_client }, 256 * KiB);
}

TEST_CASE("the socket client: bytes both ways on IPv4 and IPv6, through the transfer buffer, with a half close", "[netd]")
{
    s_port_ipv4 = 0;
    s_port_ipv6 = 0;
    test::run_with_netd({ stream_server, stream_client }, 256 * KiB);
}

TEST_CASE("the socket client: a refused connect, the socket limit, datagrams, a passed deadline, an ended session", "[netd]")
{
    test::run_with_netd({ refusals_and_limits }, 256 * KiB);
}

TEST_CASE("the socket client without waiting: a connect answered at once, would-block accept and send, then bytes; refused", "[netd]")
{
    test::run_with_netd({ without_waiting }, 256 * KiB);
}

TEST_CASE("the socket client's watch: quiet while nothing happens, answered by bytes, kept aside by a call that meets it", "[netd]")
{
    test::run_with_netd({ watching }, 256 * KiB);
}

TEST_CASE("netd's connect fault fires once, for its port only, and never when off", "[netd]")
{
    netd::ConnectFault fault(4099);
    CHECK_FALSE(fault.fires(80));
    CHECK(fault.fires(4099));
    CHECK_FALSE(fault.fires(4099));
    netd::ConnectFault off(0);
    CHECK_FALSE(off.fires(0));
    CHECK_FALSE(off.fires(4099));
}
