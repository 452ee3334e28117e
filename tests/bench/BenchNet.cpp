/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The Socket protocol's round trip against a direct lwIP call (issue 12; ADR 0024 §7). Each
 * iteration is one 64-byte TCP request and its 64-byte answer over lwIP's loopback interface
 * (127.0.0.1), the bytes checked:
 *
 *   BM_socket_round_trip/ours              a client Task's `send-receive` (the request sent, then
 *                                          its answer received, inline in the slot, waiting) on a
 *                                          vectra.socket session to netd's real loop (a service Task,
 *                                          the lwIP backend); an echo Task on a session of its own
 *                                          receives the first 64 bytes, then answers each request with
 *                                          a send-receive that also waits for the next: two calls
 *                                          through netd per round trip (four before send-receive)
 *   BM_socket_round_trip/baseline_lwip_raw the same lwIP stack called directly inside one Task: a raw
 *                                          `tcp_write` + `tcp_output` of the request, an echo pcb whose
 *                                          receive callback writes the bytes back, and the stack turned
 *                                          (looped-back packets, due timers: netd's `Stack::turn`) until
 *                                          the client pcb's callback has the 64 bytes
 *
 * Both connect once before timing (ours through netd, with a port of its own per run, so no
 * TIME_WAIT of an earlier run is in the way). lwIP's state is global: one stack serves both sides,
 * started once per process as netd's tests start it (a static heap, a fixed random pattern).
 */

#include "../services/NetdTestStack.h"
#include "NetExchange.h"
#include "SessionPair.h"
#include <atomic>
#include <benchmark/benchmark.h>
#include <cstring>
#include <memory>
#include <lwip/tcp.h>
#include <netd/Server.h>
#include <vectra/Try.h>
#include <vectra/net/Address.h>
#include <vectra/net/SocketClient.h>

using namespace vectra;

namespace {

using bench::fill_request;
using bench::message_bytes;
using bench::task_stack;

benchmark::State* s_state { nullptr };
std::atomic<u16> s_port { 0 };
std::atomic<bool> s_listening { false };
u16 s_next_port { 7100 };

ErrorOr<i32> netd_task(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    TRY(bundle.take<ReticleCap>("memory"));
    TRY(test::start_netd_stack());
    auto server = std::make_unique<netd::Server>();
    TRY(server->serve(std::move(requests), std::move(replies)));
    return 0;
}

ErrorOr<net::SocketClient> open_client(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    return net::SocketClient::open(std::move(requests), std::move(replies), memory);
}

/* Receives exactly `buffer.size()` bytes (each call waits); false at the end of the stream. */
ErrorOr<bool> receive_all(net::SocketClient& client, net::Socket const& socket, std::span<u8> buffer)
{
    usize got = 0;
    while (got < buffer.size()) {
        auto incoming = TRY(client.receive(socket, buffer.subspan(got)));
        got += incoming.length;
        if (incoming.end)
            return got == buffer.size();
    }
    return true;
}

ErrorOr<i32> echo_task(Bundle& bundle)
{
    auto client = TRY(open_client(bundle));
    auto listener = TRY(client.listen(net::ipv4(127, 0, 0, 1, s_port), 1));
    s_listening = true;
    auto connection = TRY(client.accept(listener));
    u8 buffer[message_bytes];
    /* The answer to what came goes out with the wait for what comes next. */
    auto incoming = TRY(client.receive(connection, buffer, Duration::from_seconds(600)));
    while (!incoming.end)
        incoming = TRY(client.send_receive(connection, std::span<u8 const>(buffer, incoming.length), buffer, Duration::from_seconds(600)));
    if (incoming.length > 0)
        TRY(client.send(connection, std::span<u8 const>(buffer, incoming.length)));
    TRY(client.close(connection));
    TRY(client.close(listener));
    return 0;
}

ErrorOr<void> drive_ours(Bundle& bundle)
{
    auto client = TRY(open_client(bundle));
    while (!s_listening)
        Executor::current().yield();
    auto connection = TRY(client.connect(net::ipv4(127, 0, 0, 1, s_port)));
    u8 request[message_bytes];
    u8 answer[message_bytes];
    u64 iteration = 0;
    for (auto _ : *s_state) {
        fill_request(request, iteration++);
        auto first = TRY(client.send_receive(connection, request, answer));
        bool complete = first.length == message_bytes
            || (!first.end && TRY(receive_all(client, connection, std::span<u8>(answer).subspan(first.length))));
        if (!complete || std::memcmp(request, answer, message_bytes) != 0)
            return Error(ErrorCode::InvalidArgument, "the echo's answer is not the request");
    }
    TRY(client.shutdown(connection, net::ShutdownHow::Send));
    TRY(client.close(connection));
    return {};
}

ErrorOr<i32> client_task(Bundle& bundle)
{
    auto driven = drive_ours(bundle);
    if (driven.is_error() && !s_state->error_occurred())
        s_state->SkipWithError(driven.error().message());
    return 0;
}

void round_trip_ours(benchmark::State& state)
{
    s_state = &state;
    s_port = s_next_port++;
    s_listening = false;
    bench::run_session_clients(netd_task, { client_task, echo_task }, { 256 * KiB, 1 * MiB, task_stack });
    state.SetBytesProcessed(i64(state.iterations()) * i64(2 * message_bytes));
}

/* The baseline's two pcbs and what the client pcb received. */
struct RawExchange {
    tcp_pcb* listener { nullptr };
    tcp_pcb* server { nullptr };
    tcp_pcb* client { nullptr };
    bool connected { false };
    bool failed { false };
    u8 answer[message_bytes] {};
    usize answered { 0 };
};

err_t echo_received(void* argument, tcp_pcb* pcb, pbuf* bytes, err_t)
{
    auto& exchange = *static_cast<RawExchange*>(argument);
    if (bytes == nullptr)
        return ERR_OK;
    for (pbuf* part = bytes; part != nullptr; part = part->next) {
        if (tcp_write(pcb, part->payload, part->len, TCP_WRITE_FLAG_COPY) != ERR_OK)
            exchange.failed = true;
    }
    tcp_output(pcb);
    tcp_recved(pcb, bytes->tot_len);
    pbuf_free(bytes);
    return ERR_OK;
}

err_t echo_accepted(void* argument, tcp_pcb* pcb, err_t error)
{
    if (error != ERR_OK || pcb == nullptr)
        return ERR_VAL;
    auto& exchange = *static_cast<RawExchange*>(argument);
    exchange.server = pcb;
    tcp_arg(pcb, argument);
    tcp_recv(pcb, echo_received);
    return ERR_OK;
}

err_t client_received(void* argument, tcp_pcb* pcb, pbuf* bytes, err_t)
{
    auto& exchange = *static_cast<RawExchange*>(argument);
    if (bytes == nullptr)
        return ERR_OK;
    usize room = message_bytes - exchange.answered;
    if (bytes->tot_len > room)
        exchange.failed = true;
    exchange.answered += pbuf_copy_partial(bytes, exchange.answer + exchange.answered, u16(bytes->tot_len > room ? room : bytes->tot_len), 0);
    tcp_recved(pcb, bytes->tot_len);
    pbuf_free(bytes);
    return ERR_OK;
}

err_t client_connected(void* argument, tcp_pcb*, err_t error)
{
    static_cast<RawExchange*>(argument)->connected = error == ERR_OK;
    return ERR_OK;
}

void close_all(RawExchange& exchange)
{
    for (tcp_pcb* pcb : { exchange.client, exchange.server, exchange.listener }) {
        if (pcb != nullptr) {
            tcp_arg(pcb, nullptr);
            if (tcp_close(pcb) != ERR_OK)
                tcp_abort(pcb);
        }
    }
    for (int turn = 0; turn < 4; ++turn)
        (void)netd::Stack::turn();
}

ErrorOr<void> drive_baseline(benchmark::State& state, RawExchange& exchange)
{
    u16 port = s_next_port++;
    exchange.listener = tcp_new();
    if (exchange.listener == nullptr || tcp_bind(exchange.listener, IP4_ADDR_ANY, port) != ERR_OK)
        return Error(ErrorCode::Full, "the echo pcb could not be bound");
    tcp_pcb* listening = tcp_listen(exchange.listener);
    if (listening == nullptr)
        return Error(ErrorCode::Full, "the echo pcb could not listen");
    exchange.listener = listening;
    tcp_arg(listening, &exchange);
    tcp_accept(listening, echo_accepted);
    exchange.client = tcp_new();
    if (exchange.client == nullptr)
        return Error(ErrorCode::Full, "no client pcb");
    tcp_arg(exchange.client, &exchange);
    tcp_recv(exchange.client, client_received);
    ip_addr_t loopback;
    IP_ADDR4(&loopback, 127, 0, 0, 1);
    if (tcp_connect(exchange.client, &loopback, port, client_connected) != ERR_OK)
        return Error(ErrorCode::Full, "the client pcb could not connect");
    for (int turn = 0; turn < 1000 && !(exchange.connected && exchange.server != nullptr); ++turn)
        (void)netd::Stack::turn();
    if (!exchange.connected || exchange.server == nullptr)
        return Error(ErrorCode::TimedOut, "the loopback connection did not come up");
    u8 request[message_bytes];
    u64 iteration = 0;
    for (auto _ : state) {
        fill_request(request, iteration++);
        exchange.answered = 0;
        if (tcp_write(exchange.client, request, message_bytes, TCP_WRITE_FLAG_COPY) != ERR_OK || tcp_output(exchange.client) != ERR_OK)
            return Error(ErrorCode::Full, "tcp_write refused the request");
        while (exchange.answered < message_bytes && !exchange.failed)
            (void)netd::Stack::turn();
        if (exchange.failed || std::memcmp(request, exchange.answer, message_bytes) != 0)
            return Error(ErrorCode::InvalidArgument, "the echo's answer is not the request");
    }
    return {};
}

void round_trip_baseline(benchmark::State& state)
{
    test::Arena arena(1 * MiB);
    auto result = test::in_task(arena.reticle(), [&] {
        if (test::start_netd_stack().is_error()) {
            state.SkipWithError("lwIP did not start");
            return;
        }
        RawExchange exchange;
        auto driven = drive_baseline(state, exchange);
        close_all(exchange);
        if (driven.is_error())
            state.SkipWithError(driven.error().message());
    });
    if (result.is_error() && !state.error_occurred())
        state.SkipWithError("the baseline's Task failed");
    state.SetBytesProcessed(i64(state.iterations()) * i64(2 * message_bytes));
}

}

BENCHMARK(round_trip_ours)->Name("BM_socket_round_trip/ours");
BENCHMARK(round_trip_baseline)->Name("BM_socket_round_trip/baseline_lwip_raw");
