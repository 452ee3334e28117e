/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's service loop as a Task over real Rings, with the real lwIP stack (loopback): requests that
 * wait are kept and answered when their socket's event comes, a second waiting request on one
 * socket and direction is `busy`, and a client that stops reading its replies can neither make netd
 * take more requests than its replies Ring can answer nor stop another session from being served.
 */

#include "NetdTestLoop.h"
#include <algorithm>
#include <catch2/catch.hpp>
#include <netd/Server.h>
#include <netd/Stack.h>
#include <utility>
#include <vector>
#include <vectra/Entropy.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/kernel/Executor.h>
#include <vectra/net/Address.h>

using namespace vectra;
using namespace vectra::net;

namespace {

constexpr Duration quiet = Duration::from_milliseconds(50);
constexpr Duration patient = Duration::from_seconds(5);

/* One raw session: requests sent with chosen call ids, replies read one at a time, in any order. */
class Raw {
public:
    explicit Raw(Connection connection)
        : m_connection(std::move(connection))
    {
    }

    template<typename Request>
    ErrorOr<void> send(Request const& request, u32 call_id, MemCap const* lent = nullptr, Rights keep = 0)
    {
        u8 buffer[protocol::payload_capacity<Protocol>];
        usize length = TRY(protocol::encode_request<Protocol>(request, call_id, buffer));
        if (lent)
            return m_connection.send({ buffer, length }, *lent, keep, deadline_after(patient));
        return m_connection.send({ buffer, length }, deadline_after(patient));
    }

    struct Reply {
        protocol::Envelope envelope;
        std::vector<u8> bytes;
    };
    ErrorOr<Reply> next(Duration timeout = patient)
    {
        u8 buffer[protocol::payload_capacity<Protocol>];
        auto received = TRY(m_connection.receive(buffer, deadline_after(timeout)));
        std::span<u8 const> message(buffer, received.length);
        return Reply { TRY(protocol::read_envelope(message)), std::vector<u8>(message.begin(), message.end()) };
    }

    /* The reply to `call_id`, which must be the next one. */
    template<typename Request>
    ErrorOr<protocol::ReplyOf<Protocol, Request>> call(Request const& request, u32 call_id)
    {
        TRY(send(request, call_id));
        auto reply = TRY(next());
        return decode<Request>(reply, call_id);
    }

    template<typename Request>
    static ErrorOr<protocol::ReplyOf<Protocol, Request>> decode(Reply const& reply, u32 call_id)
    {
        if (reply.envelope.call_id != call_id)
            return Error(ErrorCode::MalformedMessage, "a reply to another call came first");
        if (reply.envelope.status != 0)
            return protocol::error_of_status(reply.envelope.status, net::domain);
        protocol::ReplyOf<Protocol, Request> decoded {};
        if (protocol::decode_body(reply.bytes, decoded).is_error())
            return Error(ErrorCode::MalformedMessage, "the reply does not decode");
        return decoded;
    }

    Connection& connection() { return m_connection; }

private:
    Connection m_connection;
};

ErrorOr<Raw> open_session(Connection& listener, ReticleCap const& parent)
{
    auto pool = TRY(system::carve(parent, session::pool_size<Protocol>()));
    return Raw(TRY(session::open(listener, pool, session::geometry_of<Protocol>(), session::donation_size<Protocol>(),
        {}, deadline_after(patient))));
}

Address loopback(u16 port) { return ipv4(127, 0, 0, 1, port); }

Data text(std::string_view bytes)
{
    Data data;
    for (char byte : bytes)
        MUST(data.try_append(u8(byte)));
    return data;
}

bool has(Data const& data, std::string_view bytes)
{
    return data.size() == bytes.size() && std::equal(bytes.begin(), bytes.end(), data.span().begin());
}

template<typename Result>
bool failed_with(Result const& result, SocketError code)
{
    return result.is_error() && result.error().is(code);
}

struct Clients {
    Connection listener;
    ReticleCap memory;
};

ErrorOr<Clients> client_start(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    return Clients { Connection::unbound(std::move(requests), std::move(replies), session::schema_id),
        std::move(memory) };
}

/* Nothing answers within `quiet` (a reply that came says which call and status, for the failure message). */
bool silent(Raw& session)
{
    auto reply = session.next(quiet);
    if (reply.is_error())
        return true;
    test::task_failure() = "call " + std::to_string(reply.value().envelope.call_id) + " answered with status "
        + std::to_string(reply.value().envelope.status);
    return false;
}

/* Two sessions, and a connection from the client's to a listener of the server's (accepted). */
struct Connected {
    Raw server;
    Raw client;
    Opened listening;
    Opened connected;
    Opened accepted;
};

ErrorOr<Connected> connected_sessions(Clients& clients)
{
    auto server = TRY(open_session(clients.listener, clients.memory));
    auto client = TRY(open_session(clients.listener, clients.memory));
    auto listening = TRY(server.call(TcpListen { loopback(0), 4 }, 1));
    auto connected = TRY(client.call(TcpConnect { loopback(listening.local.port), {} }, 1));
    auto accepted = TRY(server.call(TcpAccept { listening.socket, true }, 2));
    return Connected { std::move(server), std::move(client), listening, connected, accepted };
}

ErrorOr<i32> waiting_and_busy(Bundle& bundle)
{
    auto clients = TRY(client_start(bundle));
    auto server = TRY(open_session(clients.listener, clients.memory));
    auto client = TRY(open_session(clients.listener, clients.memory));

    /* An accept that waits, sent before anyone connects: kept, no reply; a second one is busy. */
    auto listening = TRY(server.call(TcpListen { loopback(0), 4 }, 1));
    TRY(server.send(TcpAccept { listening.socket, true }, 2));
    if (!silent(server))
        return 1;
    EXPECT_IN_TASK(failed_with(server.call(TcpAccept { listening.socket, true }, 3), SocketError::Busy));
    /* Without `wait` it is answered at once, and not busy. */
    EXPECT_IN_TASK(failed_with(server.call(TcpAccept { listening.socket, false }, 4), SocketError::WouldBlock));
    auto connected = TRY(client.call(TcpConnect { loopback(listening.local.port), {} }, 1));
    auto accepted = TRY(Raw::decode<TcpAccept>(TRY(server.next()), 2));

    /* A receive that waits, then a second one on the same socket: busy; the send direction is not. */
    Receive receive;
    receive.socket = accepted.socket;
    receive.maximum = 64;
    TRY(server.send(receive, 5));
    if (!silent(server))
        return 1;
    EXPECT_IN_TASK(failed_with(server.call(receive, 6), SocketError::Busy));
    Send reply;
    reply.socket = accepted.socket;
    reply.data = text("pong");
    EXPECT_IN_TASK(TRY(server.call(reply, 7)).length == 4);
    Send hello;
    hello.socket = connected.socket;
    hello.data = text("hello");
    EXPECT_IN_TASK(TRY(client.call(hello, 2)).length == 5);
    auto got = TRY(Raw::decode<Receive>(TRY(server.next()), 5));
    EXPECT_IN_TASK(has(got.data, "hello"));
    Receive pong;
    pong.socket = connected.socket;
    pong.maximum = 64;
    EXPECT_IN_TASK(has(TRY(client.call(pong, 3)).data, "pong"));

    /* A waiting receive into a lent MemCap keeps it until bytes come: 3000 bytes, more than a slot. */
    auto target = TRY(system::create_memory(clients.memory, 4096));
    auto source = TRY(system::create_memory(clients.memory, 4096));
    auto source_bytes = TRY(system::map_memory(source));
    for (usize index = 0; index < source_bytes.size(); ++index)
        source_bytes[index] = u8(index * 13 + 5);
    Receive into;
    into.socket = accepted.socket;
    into.offset = 96;
    into.maximum = 3000;
    TRY(server.send(into, 8, &target, RightRead | RightWrite));
    if (!silent(server))
        return 1;
    Send lots;
    lots.socket = connected.socket;
    lots.length = 3000;
    TRY(client.send(lots, 4, &source, RightRead));
    EXPECT_IN_TASK(TRY(Raw::decode<Send>(TRY(client.next()), 4)).length == 3000);
    auto filled = TRY(Raw::decode<Receive>(TRY(server.next()), 8));
    EXPECT_IN_TASK(filled.length > 0 && filled.length <= 3000);
    auto target_bytes = TRY(system::map_memory(target));
    EXPECT_IN_TASK(std::equal(source_bytes.begin(), source_bytes.begin() + filled.length, target_bytes.begin() + 96));
    EXPECT_IN_TASK(target_bytes[95] == 0);

    /* Closing a socket answers what waits on it: no-such-socket. */
    receive.socket = connected.socket;
    TRY(client.send(receive, 5));
    if (!silent(client))
        return 1;
    auto accept_again = server.call(TcpAccept { listening.socket, false }, 9);
    EXPECT_IN_TASK(failed_with(accept_again, SocketError::WouldBlock));
    TRY(client.send(Close { connected.socket, false }, 6));
    auto first = TRY(client.next());
    auto second = TRY(client.next());
    auto& waited = first.envelope.call_id == 5 ? first : second;
    auto& closed = first.envelope.call_id == 5 ? second : first;
    EXPECT_IN_TASK(closed.envelope.call_id == 6 && closed.envelope.status == 0);
    EXPECT_IN_TASK(failed_with(Raw::decode<Receive>(waited, 5), SocketError::NoSuchSocket));
    server.connection().close();
    client.connection().close();
    return 0;
}

/*
 * send-receive through the loop: the client's request goes and its call waits for the answer,
 * holding both directions of its socket (busy); the loop dispatches it again after every turn
 * meanwhile, yet the server receives the request once; the server's own send-receive answers it and
 * waits for what comes next — the client's end.
 */
ErrorOr<i32> send_receive_waiting(Bundle& bundle)
{
    auto clients = TRY(client_start(bundle));
    auto sessions = TRY(connected_sessions(clients));
    auto& [server, client, listening, connected, accepted] = sessions;

    SendReceive ask;
    ask.socket = connected.socket;
    ask.data = text("ping");
    ask.maximum = 64;
    TRY(client.send(ask, 2));
    if (!silent(client))
        return 1;
    /* Both directions held: a waiting receive, a waiting send, another send-receive (waiting or not) are busy. */
    Receive receive;
    receive.socket = connected.socket;
    receive.maximum = 64;
    EXPECT_IN_TASK(failed_with(client.call(receive, 3), SocketError::Busy));
    Send send;
    send.socket = connected.socket;
    send.data = text("x");
    EXPECT_IN_TASK(failed_with(client.call(send, 4), SocketError::Busy));
    EXPECT_IN_TASK(failed_with(client.call(ask, 5), SocketError::Busy));
    SendReceive at_once = ask;
    at_once.wait = false;
    EXPECT_IN_TASK(failed_with(client.call(at_once, 6), SocketError::Busy));

    /* The request arrived once, whatever the passes in between dispatched again. */
    Receive got;
    got.socket = accepted.socket;
    got.maximum = 64;
    got.wait = false;
    EXPECT_IN_TASK(has(TRY(server.call(got, 3)).data, "ping"));
    EXPECT_IN_TASK(failed_with(server.call(got, 4), SocketError::WouldBlock));

    SendReceive answer;
    answer.socket = accepted.socket;
    answer.data = text("pong");
    answer.maximum = 64;
    TRY(server.send(answer, 5));
    auto answered = TRY(Raw::decode<SendReceive>(TRY(client.next()), 2));
    EXPECT_IN_TASK(answered.sent == 4 && has(answered.data, "pong") && !answered.end);
    if (!silent(server))
        return 1; /* the server's waits for the next request */

    /* The next request in the same way, then the client's end answers the server's last one. */
    ask.data = text("again");
    TRY(client.send(ask, 7));
    auto next = TRY(Raw::decode<SendReceive>(TRY(server.next()), 5));
    EXPECT_IN_TASK(next.sent == 4 && has(next.data, "again"));
    answer.data = text("done");
    TRY(server.send(answer, 6));
    auto last = TRY(Raw::decode<SendReceive>(TRY(client.next()), 7));
    EXPECT_IN_TASK(last.sent == 5 && has(last.data, "done"));
    TRY(client.call(Shutdown { connected.socket, u8(ShutdownHow::Send) }, 8));
    auto ended = TRY(Raw::decode<SendReceive>(TRY(server.next()), 6));
    EXPECT_IN_TASK(ended.sent == 4 && ended.data.is_empty() && ended.end);
    server.connection().close();
    client.connection().close();
    return 0;
}

/*
 * 15 receives wait on 15 sockets of session A; then A sends five `limits` requests and reads
 * nothing. netd may take only the first (16 reply slots: 15 owed + 1); session B is served
 * meanwhile; once B's datagrams arrive all 15 waiting replies fit, and the other four `limits`
 * are taken only as A reads.
 */
ErrorOr<i32> unread_replies(Bundle& bundle)
{
    auto clients = TRY(client_start(bundle));
    auto flooding = TRY(open_session(clients.listener, clients.memory));
    auto other = TRY(open_session(clients.listener, clients.memory));
    constexpr usize waiting = netd::waiting_per_session - 1;
    Address bound[waiting];
    for (usize index = 0; index < waiting; ++index) {
        auto opened = TRY(flooding.call(UdpBind { loopback(0) }, u32(100 + index)));
        bound[index] = opened.local;
        Receive receive;
        receive.socket = opened.socket;
        receive.maximum = 16;
        TRY(flooding.send(receive, u32(200 + index)));
    }
    if (!silent(flooding))
        return 1;
    for (u32 index = 0; index < 5; ++index)
        TRY(flooding.send(Limits {}, 300 + index));
    /* Another session is served while A reads nothing. */
    for (u32 index = 0; index < 3; ++index)
        EXPECT_IN_TASK(TRY(other.call(Limits {}, 1 + index)).maximum_sockets == netd::maximum_sockets);
    auto sender = TRY(other.call(UdpBind { loopback(0) }, 10));
    for (usize index = 0; index < waiting; ++index) {
        Send datagram;
        datagram.socket = sender.socket;
        datagram.to = bound[index];
        datagram.data = text("x");
        EXPECT_IN_TASK(TRY(other.call(datagram, u32(20 + index))).length == 1);
    }
    (void)other.next(quiet);
    /* Every reply arrives: first the one limits netd could take, then the 15 receives, then the rest. */
    auto first = TRY(flooding.next());
    EXPECT_IN_TASK(first.envelope.call_id == 300 && first.envelope.status == 0);
    bool answered[waiting] = {};
    for (usize count = 0; count < waiting; ++count) {
        auto reply = TRY(flooding.next());
        u32 id = reply.envelope.call_id;
        EXPECT_IN_TASK(id >= 200 && id < 200 + waiting && !answered[id - 200]);
        answered[id - 200] = true;
        EXPECT_IN_TASK(has(TRY(Raw::decode<Receive>(reply, id)).data, "x"));
    }
    for (u32 index = 1; index < 5; ++index) {
        auto reply = TRY(flooding.next());
        EXPECT_IN_TASK(reply.envelope.call_id == 300 + index && reply.envelope.status == 0);
    }
    flooding.connection().close();
    other.connection().close();
    return 0;
}

/* A watch without `wait`: whether the session was raised (and the bit cleared). */
ErrorOr<bool> was_raised(Raw& session, u32 call_id)
{
    Watch look;
    look.wait = false;
    return TRY(session.call(look, call_id)).raised;
}

/* Leaves a waiting watch as `call_id` once one stays unanswered for `quiet` (what was in flight has landed). */
ErrorOr<void> watch_quietly(Raw& session, u32& call_id)
{
    for (int attempt = 0; attempt < 20; ++attempt) {
        (void)TRY(was_raised(session, call_id++));
        TRY(session.send(Watch { true }, call_id));
        auto early = session.next(quiet);
        if (early.is_error())
            return {};
        ++call_id;
    }
    return Error(ErrorCode::TimedOut, "the session kept being raised");
}

/*
 * Readiness (ADR 0024 amendment "readiness events"): a waiting watch is answered when bytes land
 * on an idle socket, and when send room returns to a socket whose send was refused for room; it
 * stays unanswered while nothing happens.
 */
ErrorOr<i32> watch_answered_on_events(Bundle& bundle)
{
    auto clients = TRY(client_start(bundle));
    auto sessions = TRY(connected_sessions(clients));
    auto& [server, client, listening, connected, accepted] = sessions;

    /* Bytes on an idle socket. */
    u32 server_call = 10;
    TRY(watch_quietly(server, server_call));
    Send hello;
    hello.socket = connected.socket;
    hello.data = text("hello");
    EXPECT_IN_TASK(TRY(client.call(hello, 2)).length == 5);
    auto answer = TRY(Raw::decode<Watch>(TRY(server.next()), server_call));
    EXPECT_IN_TASK(answer.raised);
    Receive take;
    take.socket = accepted.socket;
    take.maximum = 64;
    take.wait = false;
    EXPECT_IN_TASK(has(TRY(server.call(take, ++server_call)).data, "hello"));

    /* Send room: the client fills what the stack takes while the server reads nothing. */
    u32 client_call = 100;
    Send fill;
    fill.socket = connected.socket;
    fill.wait = false;
    for (usize index = 0; index < inline_maximum; ++index)
        MUST(fill.data.try_append(u8(index)));
    usize filled = 0;
    for (;;) {
        auto sent = client.call(fill, client_call++);
        if (failed_with(sent, SocketError::WouldBlock))
            break;
        filled += TRY(sent).length;
    }
    /* A watch waits once what was in flight has landed; the buffer is still full. */
    TRY(watch_quietly(client, client_call));
    u32 watching = client_call;
    EXPECT_IN_TASK(failed_with(client.call(fill, ++client_call), SocketError::WouldBlock));
    /* The server reads: its window opens, the client's bytes go, their acknowledgements give room back. */
    take.maximum = u32(inline_maximum);
    usize drained = 0;
    for (int round = 0; round < 64 && drained < filled; ++round) {
        auto got = server.call(take, ++server_call);
        if (failed_with(got, SocketError::WouldBlock)) {
            (void)server.next(Duration::from_milliseconds(2));
            continue;
        }
        drained += TRY(got).length;
    }
    auto room = TRY(client.next());
    EXPECT_IN_TASK(room.envelope.call_id == watching && TRY(Raw::decode<Watch>(room, watching)).raised);
    TRY(client.call(Close { connected.socket, true }, ++client_call));
    TRY(server.call(Close { accepted.socket, true }, ++server_call));
    TRY(server.call(Close { listening.socket, false }, ++server_call));
    server.connection().close();
    client.connection().close();
    return 0;
}

/* Sends what the stack takes on `socket` without waiting until it takes nothing more; returns how many bytes. */
ErrorOr<usize> fill_sending(Raw& session, u32 socket, u32& call_id)
{
    Send fill;
    fill.socket = socket;
    fill.wait = false;
    for (usize index = 0; index < inline_maximum; ++index)
        MUST(fill.data.try_append(u8(index * 7 + 1)));
    usize filled = 0;
    for (;;) {
        auto sent = session.call(fill, call_id++);
        if (failed_with(sent, SocketError::WouldBlock))
            return filled;
        filled += TRY(sent).length;
    }
}

/* Reads `socket` until its end; returns how many bytes came. */
ErrorOr<usize> drain_to_end(Raw& session, u32 socket, u32& call_id)
{
    Receive take;
    take.socket = socket;
    take.maximum = u32(inline_maximum);
    usize drained = 0;
    for (;;) {
        auto got = TRY(session.call(take, call_id++));
        drained += got.data.size();
        if (got.end)
            return drained;
    }
}

/*
 * A lingering close (vectra.socket v6): it waits while the bytes it follows are unacknowledged —
 * the peer reads nothing, its window is shut — and holds both directions of its socket; it is
 * answered once the peer read every byte and the end (its stack acknowledged them), and frees the
 * socket. The attacker's half: a peer that resets the connection instead makes the close
 * answer `reset` (the bytes did not all arrive), and the socket is freed all the same.
 */
ErrorOr<i32> lingering_close(Bundle& bundle)
{
    auto clients = TRY(client_start(bundle));
    auto sessions = TRY(connected_sessions(clients));
    auto& [server, client, listening, connected, accepted] = sessions;
    u32 server_call = 10;
    u32 client_call = 10;

    usize filled = TRY(fill_sending(server, accepted.socket, server_call));
    EXPECT_IN_TASK(filled > 0);
    u32 closing = server_call++;
    TRY(server.send(Close { accepted.socket, false, true }, closing));
    if (!silent(server))
        return 1;
    Receive receive;
    receive.socket = accepted.socket;
    receive.maximum = 64;
    EXPECT_IN_TASK(failed_with(server.call(receive, server_call++), SocketError::Busy));
    EXPECT_IN_TASK(TRY(server.call(ReadCounters {}, server_call++)).sockets == 2);
    EXPECT_IN_TASK(TRY(drain_to_end(client, connected.socket, client_call)) == filled);
    auto answer = TRY(server.next());
    EXPECT_IN_TASK(answer.envelope.call_id == closing && answer.envelope.status == 0);
    EXPECT_IN_TASK(TRY(server.call(ReadCounters {}, server_call++)).sockets == 1);
    EXPECT_IN_TASK(failed_with(server.call(receive, server_call++), SocketError::NoSuchSocket));
    TRY(client.call(Close { connected.socket, false }, client_call++));

    /* The peer ended first (the echo's order): the close's FIN is the last word; lwIP frees the connection once it is acknowledged. */
    auto ending = TRY(client.call(TcpConnect { loopback(listening.local.port), {} }, client_call++));
    auto echoing = TRY(server.call(TcpAccept { listening.socket, true }, server_call++));
    TRY(client.call(Shutdown { ending.socket, u8(ShutdownHow::Send) }, client_call++));
    EXPECT_IN_TASK(TRY(drain_to_end(server, echoing.socket, server_call)) == 0);
    usize echoed = TRY(fill_sending(server, echoing.socket, server_call));
    closing = server_call++;
    TRY(server.send(Close { echoing.socket, false, true }, closing));
    if (!silent(server))
        return 1;
    EXPECT_IN_TASK(TRY(drain_to_end(client, ending.socket, client_call)) == echoed);
    answer = TRY(server.next());
    EXPECT_IN_TASK(answer.envelope.call_id == closing && answer.envelope.status == 0);
    EXPECT_IN_TASK(TRY(server.call(ReadCounters {}, server_call++)).sockets == 1);
    TRY(client.call(Close { ending.socket, false }, client_call++));

    /* The peer resets instead of reading. */
    auto again = TRY(client.call(TcpConnect { loopback(listening.local.port), {} }, client_call++));
    auto taken = TRY(server.call(TcpAccept { listening.socket, true }, server_call++));
    EXPECT_IN_TASK(TRY(fill_sending(server, taken.socket, server_call)) > 0);
    closing = server_call++;
    TRY(server.send(Close { taken.socket, false, true }, closing));
    if (!silent(server))
        return 1;
    TRY(client.call(Close { again.socket, true }, client_call++));
    auto refused = TRY(server.next());
    EXPECT_IN_TASK(refused.envelope.call_id == closing);
    EXPECT_IN_TASK(failed_with(Raw::decode<Close>(refused, closing), SocketError::Reset));
    EXPECT_IN_TASK(TRY(server.call(ReadCounters {}, server_call++)).sockets == 1);

    TRY(server.call(Close { listening.socket, false }, server_call++));
    server.connection().close();
    client.connection().close();
    return 0;
}

/*
 * The attacker's case: a session that sends watches and reads nothing. One waits; every other is
 * `busy`; netd takes no more than its replies Ring can answer, keeps one watch at most, and the
 * waiting watch's answer — owed while the Ring is full of busy replies — arrives in the slot the
 * Ring-space rule kept for it once something happens.
 */
ErrorOr<i32> watch_flood(Bundle& bundle)
{
    auto clients = TRY(client_start(bundle));
    auto flooding = TRY(open_session(clients.listener, clients.memory));
    auto other = TRY(open_session(clients.listener, clients.memory));
    auto bound = TRY(flooding.call(UdpBind { loopback(0) }, 1));
    u32 call = 2;
    TRY(watch_quietly(flooding, call));
    u32 watching = call;
    constexpr u32 flood = Protocol::slot_count - 1;
    for (u32 index = 1; index <= flood; ++index)
        TRY(flooding.send(Watch { true }, watching + index));
    /* Let netd take what it may; then no session holds more than one waiting request (the watch). */
    (void)other.call(Limits {}, 1);
    for (usize index = 0; index < netd::maximum_sessions; ++index)
        EXPECT_IN_TASK(test::netd_server()->waiting(index).count() <= 1);
    auto sender = TRY(other.call(UdpBind { loopback(0) }, 2));
    Send datagram;
    datagram.socket = sender.socket;
    datagram.to = bound.local;
    datagram.data = text("x");
    EXPECT_IN_TASK(TRY(other.call(datagram, 3)).length == 1);
    usize raised = 0;
    usize busy = 0;
    for (u32 count = 0; count <= flood; ++count) {
        auto reply = TRY(flooding.next());
        u32 id = reply.envelope.call_id;
        EXPECT_IN_TASK(id >= watching && id <= watching + flood);
        auto decoded = Raw::decode<Watch>(reply, id);
        if (failed_with(decoded, SocketError::Busy))
            ++busy;
        else if (!decoded.is_error() && decoded.value().raised)
            ++raised;
    }
    EXPECT_IN_TASK(raised == 1 && busy == flood);
    flooding.connection().close();
    other.connection().close();
    return 0;
}

/* A watch whose body does not decode, and a message number past the declaration's, are refused at once. */
ErrorOr<i32> watch_malformed(Bundle& bundle)
{
    auto clients = TRY(client_start(bundle));
    auto session = TRY(open_session(clients.listener, clients.memory));
    u8 buffer[protocol::payload_capacity<Protocol>];
    usize length = TRY(protocol::encode_request<Protocol>(Watch { true }, 7, buffer));
    TRY(session.connection().send({ buffer, length - 1 }, deadline_after(patient)));
    auto truncated = TRY(session.next());
    constexpr u16 malformed = protocol::status_general | u16(ErrorCode::MalformedMessage);
    EXPECT_IN_TASK(truncated.envelope.call_id == 7 && truncated.envelope.status == malformed);
    buffer[length - 1] = 2; /* a bool is 0 or 1 */
    TRY(session.connection().send({ buffer, length }, deadline_after(patient)));
    auto not_bool = TRY(session.next());
    EXPECT_IN_TASK(not_bool.envelope.call_id == 7 && not_bool.envelope.status == malformed);
    /* Still served: a well-formed watch without wait is answered. */
    (void)TRY(was_raised(session, 8));
    session.connection().close();
    return 0;
}

/*
 * A stack that does nothing at once, so the loop must come back for everything itself: a datagram
 * sent is queued (work_queued()) and reaches the socket bound to its port only in the next turn();
 * a socket may send once per datagram it has taken (one bound to an odd port may also send once
 * at the start); turn() never asks for a timer and the backend raises no Signal. A loop that waits
 * while a session's Ring still holds requests, while work is queued, or while a waiting request
 * has become answerable, waits here for ever.
 */
class StepwiseBackend final : public netd::Backend {
public:
    struct State {
        u16 port;
        u16 sends;    /* sends it may make */
        u8 count;     /* datagrams it holds, one byte each */
        u8 bytes[15];
    };

    ErrorOr<Opened> listen(netd::Socket&, Address const&, u16) override { return refused(); }
    ErrorOr<Opened> connect(netd::Socket&, Address const&, Address const&) override { return refused(); }
    ErrorOr<Opened> accept(netd::Socket&, netd::Socket&) override { return refused(); }
    Opened claimed(netd::Socket&) override { return {}; }

    ErrorOr<Opened> bind(netd::Socket& socket, Address const& local) override
    {
        auto& state = socket.state.as<State>();
        state = State { local.port, u16(local.port % 2), 0, {} };
        m_bound.push_back(&socket);
        Opened opened;
        opened.local = local;
        return opened;
    }

    ErrorOr<usize> send(netd::Socket& socket, std::span<u8 const> bytes, Address const* to) override
    {
        auto& state = socket.state.as<State>();
        if (to == nullptr || bytes.size() != 1)
            return Error(SocketError::AddressUnusable, "one byte to an address");
        if (state.sends == 0)
            return Error(SocketError::WouldBlock, "this socket has taken no datagram since it last sent");
        --state.sends;
        m_queued.push_back({ to->port, bytes[0] });
        return usize(1);
    }

    ErrorOr<netd::Receipt> receive(netd::Socket& socket, std::span<u8> into) override
    {
        auto& state = socket.state.as<State>();
        if (state.count == 0)
            return Error(SocketError::WouldBlock, "nothing has reached this socket");
        into[0] = state.bytes[0];
        std::copy(state.bytes + 1, state.bytes + state.count, state.bytes);
        --state.count;
        ++state.sends;
        netd::Receipt receipt;
        receipt.length = 1;
        return receipt;
    }

    void shutdown(netd::Socket&, bool, bool) override { }
    void release(netd::Socket& socket, bool) override { std::erase(m_bound, &socket); }

    u32 turn(u64) override
    {
        for (auto [port, byte] : m_queued) {
            for (netd::Socket* socket : m_bound) {
                auto& state = socket->state.as<State>();
                if (state.port == port && state.count < sizeof(state.bytes))
                    state.bytes[state.count++] = byte;
            }
        }
        m_queued.clear();
        return 0xffff'ffffu;
    }
    u64 wait_mask() override { return 0; }
    bool work_queued() override { return !m_queued.empty(); }

private:
    static Error refused() { return Error(SocketError::WrongKind, "datagrams only"); }

    std::vector<netd::Socket*> m_bound;
    std::vector<std::pair<u16, u8>> m_queued;
};

ErrorOr<i32> stepwise_netd(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    TRY(bundle.take<ReticleCap>("memory"));
    static StepwiseBackend backend;
    static netd::Server* server = new netd::Server(backend);
    test::netd_server() = server;
    TRY(server->serve(std::move(requests), std::move(replies)));
    return 0;
}

/*
 * Four requests sent before netd runs (one taken per pass: the Ring still holds three). Q's receive
 * and P's send and receive wait; R's send reaches P in the turn after it: P's receive is answered,
 * which lets P send — answerable only after that, without any turn; P's byte reaches Q only in the
 * turn after that, and nothing but the loop itself comes back for it.
 */
ErrorOr<i32> stepwise_chain(Bundle& bundle)
{
    auto clients = TRY(client_start(bundle));
    auto session = TRY(open_session(clients.listener, clients.memory));
    auto q = TRY(session.call(UdpBind { loopback(2000) }, 1));
    auto p = TRY(session.call(UdpBind { loopback(2002) }, 2));
    auto r = TRY(session.call(UdpBind { loopback(2001) }, 3));
    Receive at_q;
    at_q.socket = q.socket;
    at_q.maximum = 16;
    Send from_p;
    from_p.socket = p.socket;
    from_p.to = loopback(2000);
    from_p.data = text("p");
    Receive at_p = at_q;
    at_p.socket = p.socket;
    Send from_r;
    from_r.socket = r.socket;
    from_r.to = loopback(2002);
    from_r.data = text("r");
    from_r.wait = false;
    TRY(session.send(at_q, 10));
    TRY(session.send(from_p, 11));
    TRY(session.send(at_p, 12));
    TRY(session.send(from_r, 13));
    bool answered[4] = {};
    for (usize count = 0; count < 4; ++count) {
        auto reply = TRY(session.next());
        u32 id = reply.envelope.call_id;
        EXPECT_IN_TASK(id >= 10 && id < 14 && !answered[id - 10]);
        answered[id - 10] = true;
        if (id == 10)
            EXPECT_IN_TASK(has(TRY(Raw::decode<Receive>(reply, id)).data, "p"));
        if (id == 11 || id == 13)
            EXPECT_IN_TASK(TRY(Raw::decode<Send>(reply, id)).length == 1);
        if (id == 12)
            EXPECT_IN_TASK(has(TRY(Raw::decode<Receive>(reply, id)).data, "r"));
    }
    session.connection().close();
    return 0;
}

}

TEST_CASE("netd's loop: requests that wait are kept and answered on their event; a second is busy", "[netd]")
{
    test::run_with_netd({ waiting_and_busy }, 128 * KiB);
}

TEST_CASE("netd's loop: a send-receive waits holding both directions, sends once, and is answered by the peer's send-receive", "[netd]")
{
    test::run_with_netd({ send_receive_waiting }, 128 * KiB);
}

TEST_CASE("netd's loop: a client that reads no replies cannot make netd owe more than its Ring holds", "[netd]")
{
    test::run_with_netd({ unread_replies }, 128 * KiB);
}

TEST_CASE("netd's loop: comes back by itself for requests left, queued work and requests another answer made answerable", "[netd]")
{
    test::run_with_netd(stepwise_netd, {}, { stepwise_chain }, 128 * KiB);
}

TEST_CASE("netd's loop: a watch is answered when bytes land on an idle socket and when send room returns", "[netd]")
{
    test::run_with_netd({ watch_answered_on_events }, 128 * KiB);
}

TEST_CASE("netd's loop: watches flooded unread: one waits, the rest are busy, its answer fits the full Ring", "[netd]")
{
    test::run_with_netd({ watch_flood }, 128 * KiB);
}

TEST_CASE("netd's loop: a malformed watch is refused and the session still served", "[netd]")
{
    test::run_with_netd({ watch_malformed }, 128 * KiB);
}

TEST_CASE("netd's loop: a lingering close is answered once the peer acknowledged every byte, or with its reset", "[netd]")
{
    test::run_with_netd({ lingering_close }, 128 * KiB);
}
