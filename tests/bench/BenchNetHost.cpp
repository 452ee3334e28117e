/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The Socket protocol's round trip through netd's host backend (hosted: the host's own loopback
 * sockets; ADR 0024, amendment "netd woken by the host"). Each iteration is one 64-byte TCP
 * request and its 64-byte answer, the bytes checked, against an echo the benchmark runs on a host
 * thread of its own (blocking POSIX calls on 127.0.0.1):
 *
 *   BM_socket_round_trip_host/ours           a client Task's `send` and `receive` (inline, each
 *                                            waiting) on a vectra.socket session to netd's real
 *                                            loop over the host backend (a service Task holding a
 *                                            host-sockets capability and its readiness line)
 *   BM_socket_round_trip_host/baseline_posix the same exchange with the same echo from a blocking
 *                                            POSIX socket of the benchmark's own thread
 *
 *   BM_socket_serve_host/ours                the other way round: a host thread of the benchmark's
 *                                            connects to a listener of a client Task's and sends the
 *                                            next request as soon as the last answer is back (as
 *                                            `ab -c 1`), so a request may reach a netd that went
 *                                            back to its wait; the Task receives (waiting) and answers
 *   BM_socket_serve_host/baseline_posix      as the round trip's baseline
 *   BM_socket_wake_host/ours, /baseline_posix as the serving pair, the host thread silent for 1 ms
 *                                            before each request: each request reaches a netd that
 *                                            went back to its wait (the time includes the 1 ms)
 *
 * The receive waits for the echo's answer: its time is how soon netd learns that the host socket
 * is readable (real time: the executor idles meanwhile). Both connect once before timing.
 */

#include "NetExchange.h"
#include "SessionPair.h"
#include <arpa/inet.h>
#include <atomic>
#include <benchmark/benchmark.h>
#include <cstring>
#include <memory>
#include <netd/HostBackend.h>
#include <netd/Server.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/HostSockets.h>
#include <vectra/net/Address.h>
#include <vectra/net/SocketClient.h>

using namespace vectra;

namespace {

using bench::fill_request;
using bench::message_bytes;
using bench::task_stack;

benchmark::State* s_state { nullptr };
std::atomic<u16> s_port { 0 };

/* A blocking TCP connection to `port` of 127.0.0.1 (TCP_NODELAY), or -1. */
int connected_to(u16 port)
{
    int connection = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    (void)::setsockopt(connection, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::connect(connection, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
        ::close(connection);
        return -1;
    }
    return connection;
}

/* An echo on 127.0.0.1 at a free port: one connection at a time, each byte sent back, until the peer ends. */
class HostEcho {
public:
    HostEcho()
    {
        m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        (void)::bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof(address));
        (void)::listen(m_listener, 1);
        socklen_t length = sizeof(address);
        (void)::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~HostEcho()
    {
        ::shutdown(m_listener, SHUT_RDWR);
        m_thread.join();
        ::close(m_listener);
    }
    [[nodiscard]] u16 port() const { return m_port; }

private:
    void serve()
    {
        int connection = ::accept(m_listener, nullptr, nullptr);
        if (connection < 0)
            return;
        int one = 1;
        (void)::setsockopt(connection, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        u8 buffer[4096];
        for (;;) {
            ssize_t count = ::recv(connection, buffer, sizeof(buffer), 0);
            if (count <= 0 || ::send(connection, buffer, usize(count), MSG_NOSIGNAL) != count)
                break;
        }
        ::close(connection);
    }

    int m_listener { -1 };
    u16 m_port { 0 };
    std::thread m_thread;
};

ErrorOr<i32> netd_task(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto sockets = TRY(bundle.take<DeviceCap>("host-sockets"));
    auto ready = TRY(system::host_sockets_interrupt(sockets, memory, netd::HostBackend::ready_bit));
    auto backend = std::make_unique<netd::HostBackend>(std::move(sockets), std::move(ready));
    auto server = std::make_unique<netd::Server>(*backend);
    TRY(server->serve(std::move(requests), std::move(replies)));
    return 0;
}

void grant_host_sockets(Task& service, CapabilitySpace& parent, Reticle& memory)
{
    auto* device = MUST(memory.try_create<HostSocketDevice>(&memory, true));
    auto capability = MUST(parent.mint<CapabilityClass::Device>(device, all_rights));
    MUST(service.bundle().grant("host-sockets", parent, capability, RightRead | RightWrite));
}

/* Receives exactly `buffer.size()` bytes (each call waiting); an error at the end of the stream. */
ErrorOr<void> receive_exactly(net::SocketClient& client, net::Socket const& connection, std::span<u8> buffer)
{
    usize got = 0;
    while (got < buffer.size()) {
        auto incoming = TRY(client.receive(connection, buffer.subspan(got)));
        got += incoming.length;
        if (incoming.end)
            return Error(ErrorCode::PeerRestarted, "the peer ended the connection");
    }
    return {};
}

/* A benchmark Task's body, its error reported as the run's. */
i32 reported(ErrorOr<void> const& result)
{
    if (result.is_error() && !s_state->error_occurred())
        s_state->SkipWithError(result.error().message());
    return 0;
}

ErrorOr<void> drive_ours(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto client = TRY(net::SocketClient::open(std::move(requests), std::move(replies), memory));
    auto connection = TRY(client.connect(net::ipv4(127, 0, 0, 1, s_port)));
    u8 request[message_bytes];
    u8 answer[message_bytes];
    u64 iteration = 0;
    for (auto _ : *s_state) {
        fill_request(request, iteration++);
        TRY(client.send(connection, request));
        TRY(receive_exactly(client, connection, answer));
        if (std::memcmp(request, answer, message_bytes) != 0)
            return Error(ErrorCode::InvalidArgument, "the echo's answer is not the request");
    }
    TRY(client.close(connection));
    return {};
}

ErrorOr<i32> client_task(Bundle& bundle) { return reported(drive_ours(bundle)); }

void round_trip_ours(benchmark::State& state)
{
    HostEcho echo;
    s_state = &state;
    s_port = echo.port();
    bench::run_session_clients(netd_task, { client_task }, { 256 * KiB, 1 * MiB, task_stack }, grant_host_sockets);
    state.SetBytesProcessed(i64(state.iterations()) * i64(2 * message_bytes));
}

/* The serving case: the host thread's side, as `ab -c 1` is: each request sent once the last answer is back. */
struct Serving {
    std::atomic<u16> port { 0 };
    std::atomic<bool> failed { false };
    u32 silence_microseconds { 0 }; /* before each request: the peer's think time */
};
Serving s_serving;

void serve_from_host()
{
    while (s_serving.port == 0)
        s_serving.port.wait(0);
    int connection = s_serving.failed ? -1 : connected_to(s_serving.port);
    if (connection < 0)
        return;
    u8 request[message_bytes];
    u8 answer[message_bytes];
    for (u32 exchange = 0; !s_serving.failed; ++exchange) {
        fill_request(request, exchange);
        if (s_serving.silence_microseconds != 0)
            ::usleep(s_serving.silence_microseconds);
        if (::send(connection, request, message_bytes, MSG_NOSIGNAL) != ssize_t(message_bytes))
            break;
        usize got = 0;
        while (got < message_bytes) {
            ssize_t count = ::recv(connection, answer + got, message_bytes - got, 0);
            if (count <= 0)
                break;
            got += usize(count);
        }
        if (got < message_bytes || std::memcmp(request, answer, message_bytes) != 0)
            break; /* the Task closed the connection (or failed): done */
    }
    ::close(connection);
}

/* Ends the host thread's wait for the port (an atomic's wait returns once its value changed). */
void stop_serving()
{
    s_serving.failed = true;
    s_serving.port = 1;
    s_serving.port.notify_one();
}

ErrorOr<void> serve_ours(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto client = TRY(net::SocketClient::open(std::move(requests), std::move(replies), memory));
    auto listener = TRY(client.listen(net::ipv4(127, 0, 0, 1, 0), 1));
    s_serving.port = listener.local.port;
    s_serving.port.notify_one();
    auto connection = TRY(client.accept(listener));
    u8 buffer[message_bytes];
    for (auto _ : *s_state) {
        TRY(receive_exactly(client, connection, buffer));
        TRY(client.send(connection, buffer));
    }
    TRY(client.close(connection));
    TRY(client.close(listener));
    return {};
}

ErrorOr<i32> serving_task(Bundle& bundle)
{
    auto served = serve_ours(bundle);
    stop_serving();
    return reported(served);
}

void serve_ours_benchmark(benchmark::State& state, u32 silence_microseconds)
{
    s_state = &state;
    s_serving.port = 0;
    s_serving.failed = false;
    s_serving.silence_microseconds = silence_microseconds;
    std::thread host(serve_from_host);
    bench::run_session_clients(netd_task, { serving_task }, { 256 * KiB, 1 * MiB, task_stack }, grant_host_sockets);
    stop_serving();
    host.join();
    state.SetBytesProcessed(i64(state.iterations()) * i64(2 * message_bytes));
}

void round_trip_posix(benchmark::State& state, u32 silence_microseconds)
{
    HostEcho echo;
    int connection = connected_to(echo.port());
    if (connection < 0) {
        state.SkipWithError("the echo did not accept");
        return;
    }
    u8 request[message_bytes];
    u8 answer[message_bytes];
    u64 iteration = 0;
    for (auto _ : state) {
        fill_request(request, iteration++);
        if (silence_microseconds != 0)
            ::usleep(silence_microseconds);
        usize got = 0;
        bool failed = ::send(connection, request, message_bytes, MSG_NOSIGNAL) != ssize_t(message_bytes);
        while (!failed && got < message_bytes) {
            ssize_t count = ::recv(connection, answer + got, message_bytes - got, 0);
            failed = count <= 0;
            got += failed ? 0 : usize(count);
        }
        if (failed || std::memcmp(request, answer, message_bytes) != 0) {
            state.SkipWithError("the echo's answer is not the request");
            break;
        }
    }
    ::close(connection);
    state.SetBytesProcessed(i64(state.iterations()) * i64(2 * message_bytes));
}

}

/* The peer's silence before each request in BM_socket_wake_host: longer than netd's pass, shorter than the base's 2 ms tick. */
constexpr u32 silence_microseconds = 1000;

BENCHMARK(round_trip_ours)->Name("BM_socket_round_trip_host/ours")->UseRealTime();
BENCHMARK_CAPTURE(round_trip_posix, baseline, 0)->Name("BM_socket_round_trip_host/baseline_posix")->UseRealTime();
BENCHMARK_CAPTURE(serve_ours_benchmark, ours, 0)->Name("BM_socket_serve_host/ours")->UseRealTime();
BENCHMARK_CAPTURE(round_trip_posix, baseline, 0)->Name("BM_socket_serve_host/baseline_posix")->UseRealTime();
BENCHMARK_CAPTURE(serve_ours_benchmark, ours, silence_microseconds)->Name("BM_socket_wake_host/ours")->UseRealTime();
BENCHMARK_CAPTURE(round_trip_posix, baseline, silence_microseconds)->Name("BM_socket_wake_host/baseline_posix")->UseRealTime();
