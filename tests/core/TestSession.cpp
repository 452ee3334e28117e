/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Sessions, as Tasks over real Rings: a service (the echo protocol served from one loop) and
 * clients that open sessions with donated memory, close them, die holding them, flood them and
 * send the listener what it should refuse.
 */

#include "FsTestTasks.h"
#include <catch2/catch.hpp>
#include <crashtest/Echo.h>
#include <string>
#include <vector>
#include <vectra/kernel/Executor.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>

using namespace vectra;
using crashtest::EchoProtocol;

namespace {

constexpr SignalBit gate_bit { 60 };

/* What the service saw, for the test to check after the Tasks ran. */
struct Observed {
    std::vector<std::string> handled;
    usize opened { 0 };
    usize closed { 0 };
    session::Table* table { nullptr };
    Task* service { nullptr };
    bool quiet_open { false };
    bool flood_sent { false };
};
Observed s_observed;
session::Limits s_limits { 2, 1 };

struct EchoSession {
    ErrorOr<crashtest::Echoed> handle(crashtest::Echo const& request)
    {
        s_observed.handled.emplace_back(request.text.view());
        if (request.text.view().empty())
            return Error(crashtest::EchoError::Empty, "there is no text to echo");
        /* "hold" keeps the loop inside this handler until a client raises the gate: others queue meanwhile. */
        if (request.text.view() == "hold")
            (void)wait(gate_bit.mask());
        return crashtest::Echoed { request.text };
    }
    void opened() { ++s_observed.opened; }
    void closed() { ++s_observed.closed; }
};

/* A fresh table listening on the service's Bundle (each test runs a new service), published in s_observed. */
ErrorOr<session::Table*> listen_afresh(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    TRY(bundle.take<ReticleCap>("memory"));
    static session::Table table;
    table.~Table();
    new (&table) session::Table();
    s_observed.table = TRY(session::Table::listen(table, std::move(requests), std::move(replies),
        session::geometry_of<EchoProtocol>(), s_limits));
    return s_observed.table;
}

ErrorOr<i32> service(Bundle& bundle)
{
    static EchoSession handlers[session::maximum_sessions];
    TRY(session::serve<EchoProtocol>(*TRY(listen_afresh(bundle)), handlers));
    return 0;
}

ErrorOr<session::SessionClient<EchoProtocol>> open_echo(Bundle& bundle)
{
    return session::SessionClient<EchoProtocol>::open(TRY(bundle.take<RingCap>("requests")),
        TRY(bundle.take<RingCap>("replies")), TRY(bundle.take<ReticleCap>("memory")));
}

ErrorOr<std::string> echo(session::SessionClient<EchoProtocol>& client, std::string_view text)
{
    auto reply = TRY(client.call(crashtest::Echo { TRY(FixedString<64>::try_from(text)) }));
    return std::string(reply.text.view());
}

/* A raw session::open of P with a five-second deadline. */
template<typename P>
ErrorOr<Connection> open_raw(Connection& listener, ReticleCap const& memory)
{
    return session::open(listener, memory, session::geometry_of<P>(), session::donation_size<P>(), {},
        deadline_after(Duration::from_seconds(5)));
}

ErrorOr<i32> settle_entry(Bundle&)
{
    for (int turn = 0; turn < 8; ++turn)
        Executor::current().yield();
    return 0;
}

/* Runs a service and `clients` (each with its own memory to donate), until every client ended. */
void run(std::initializer_list<TaskEntry> clients, usize sessions = 2, TaskEntry service_entry = service)
{
    s_observed = {};
    s_limits = { sessions, 1 };
    test::Arena arena(8 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    auto listener = test::make_listener(arena.reticle(), parent);
    Reticle* service_memory = arena.reticle().try_carve(64 * KiB).value();
    auto memory = parent.mint<CapabilityClass::Reticle>(service_memory, all_rights).release_value();
    SpawnParameters service_parameters { "service", service_entry };
    service_parameters.stack_size = 64 * KiB;
    Task* serving = executor.spawn(arena.reticle(), service_parameters).value();
    s_observed.service = serving;
    REQUIRE(test::grant_service(*serving, parent, listener, memory));

    std::vector<Reticle*> client_memory;
    std::vector<Task*> tasks;
    for (auto entry : clients) {
        client_memory.push_back(arena.reticle().try_carve(256 * KiB).value());
        auto donations = parent.mint<CapabilityClass::Reticle>(client_memory.back(), all_rights).release_value();
        SpawnParameters parameters { "client", entry };
        parameters.stack_size = 64 * KiB;
        tasks.push_back(executor.spawn(arena.reticle(), parameters).value());
        REQUIRE(test::grant_client(*tasks.back(), parent, listener, donations));
    }
    test::task_failure().clear();
    for (Task* task : tasks) {
        i32 status = executor.run_until_exit(*task).value();
        INFO(test::task_failure());
        INFO("client error: " << task->exit_error().name() << " " << (task->exit_error().message() ? task->exit_error().message() : ""));
        REQUIRE(task->exit_cause() == ExitCause::Returned);
        REQUIRE(status == 0);
    }
    /* Let the service notice what ended (a Task that yields a few turns), then stop it through its listener. */
    Task* settle = executor.spawn(arena.reticle(), { "settle", settle_entry }).value();
    REQUIRE(executor.run_until_exit(*settle).value() == 0);
    for (usize index = 0; index < s_observed.table->capacity(); ++index) {
        INFO("session " << index);
        REQUIRE(s_observed.table->slot(index).state == session::Table::State::Free);
    }
    listener.requests_ring->reset();
    REQUIRE(executor.run_until_exit(*serving).value() == 1);
    REQUIRE(serving->exit_error().code() == ErrorCode::PeerRestarted);
    while (Task* task = executor.tasks())
        REQUIRE_FALSE(executor.reap(*task).is_error());
    for (auto* reticle : client_memory)
        reticle->~Reticle();
    service_memory->~Reticle();
}

ErrorOr<i32> open_call_close(Bundle& bundle)
{
    auto client = TRY(open_echo(bundle));
    EXPECT_IN_TASK(TRY(echo(client, "hello")) == "hello");
    usize open_before = s_observed.table->open_count();
    usize closed_before = s_observed.closed;
    usize opened_before = s_observed.opened;
    EXPECT_IN_TASK(open_before >= 1);
    auto empty = echo(client, "");
    EXPECT_IN_TASK(empty.is_error() && empty.error().is(crashtest::EchoError::Empty));
    client.close();
    EXPECT_IN_TASK(!client.is_open());
    /* The service frees the session once it runs again; then a new session reuses the slot. */
    for (int turn = 0; turn < 100 && s_observed.closed == closed_before; ++turn)
        Executor::current().yield();
    EXPECT_IN_TASK(s_observed.closed > closed_before);
    EXPECT_IN_TASK(TRY(echo(client, "again")) == "again");
    EXPECT_IN_TASK(s_observed.opened > opened_before);
    client.close();
    return 0;
}

ErrorOr<i32> hold_two_sessions(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto listener = Connection::unbound(std::move(requests), std::move(replies), session::schema_id);
    auto first = TRY(open_raw<EchoProtocol>(listener, memory));
    auto second = TRY(open_raw<EchoProtocol>(listener, memory));
    /* The service holds two sessions: a third is refused, and the donation comes back to nobody. */
    auto third = open_raw<EchoProtocol>(listener, memory);
    EXPECT_IN_TASK(third.is_error() && third.error().is(session::SessionError::NoSessionLeft));
    /* A session of another protocol is refused. */
    auto other = open_raw<vfs::Protocol>(listener, memory);
    EXPECT_IN_TASK(other.is_error() && other.error().is(session::SessionError::WrongProtocol));
    first.close();
    for (int turn = 0; turn < 10; ++turn)
        Executor::current().yield();
    auto fourth = TRY(open_raw<EchoProtocol>(listener, memory));
    fourth.close();
    second.close();
    return 0;
}

ErrorOr<i32> listener_attacker(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto connection = Connection::unbound(std::move(requests), std::move(replies), session::schema_id);
    /* Another client may be opening its session: the listener is taken in turns. */
    while (connection.rebind().is_error())
        Executor::current().yield();
    Client<session::Protocol> listener(std::move(connection));
    /* open-session without its donation, attach-session with nothing opened, and bytes that are no request. */
    auto bare = listener.call(session::OpenSession { protocol::schema_id<EchoProtocol> });
    EXPECT_IN_TASK(bare.is_error() && bare.error().is(session::SessionError::DonationUnusable));
    auto stray = listener.call(session::AttachSession { 0, 1 });
    EXPECT_IN_TASK(stray.is_error() && stray.error().is(session::SessionError::NotOpening));
    u8 garbage[] = { 9, 9, 9 };
    TRY(listener.connection().send(garbage, deadline_after(Duration::from_seconds(1))));
    u8 buffer[64];
    auto answer = TRY(listener.connection().receive(buffer, deadline_after(Duration::from_seconds(1))));
    auto envelope = TRY(protocol::read_envelope(std::span<u8 const>(buffer, answer.length)));
    EXPECT_IN_TASK(protocol::error_of_status(envelope.status, session::domain).is(ErrorCode::MalformedMessage));
    EXPECT_IN_TASK(s_observed.table->open_count() == 0);
    /*
     * More malformed open-sessions, each carrying memory, than the service's capability space has
     * entries: it keeps none of them — every carve is back (reclaim succeeds) before the next.
     */
    u8 const truncated_open[] = { 1, 0, 0, 0, 5, 0, 0, 0, 1 };
    for (int round = 0; round < 80; ++round) {
        TRY(endpoint::reclaim(memory));
        auto donation = TRY(endpoint::carve(memory, 4096));
        TRY(listener.connection().send(truncated_open, std::move(donation), deadline_after(Duration::from_seconds(1))));
        auto refused = TRY(listener.connection().receive(buffer, deadline_after(Duration::from_seconds(1))));
        auto refusal = TRY(protocol::read_envelope(std::span<u8 const>(buffer, refused.length)));
        EXPECT_IN_TASK(protocol::error_of_status(refusal.status, session::domain).is(ErrorCode::MalformedMessage));
    }
    TRY(endpoint::reclaim(memory));
    listener.connection().unbind();
    return 0;
}

/*
 * More sessions opened and closed, and more opens refused, than a capability space has entries
 * (64): a client that keeps a slot per attempt runs out of them and fails here.
 */
/*
 * A client that sends capabilities the protocol never asked for: each request carries a copy of
 * a MemCap. The service answers every request, and keeps none of the copies — else a client
 * could fill the service's space and starve every other session of its capabilities.
 */
/*
 * 100 echo requests on one session (more than the service's space has entries), each carrying a copy
 * of a MemCap; with `every_other_kept` every other one says "keep" (a handler that takes it). The
 * service's space must end as it began, and no reply carries a capability.
 */
ErrorOr<i32> send_with_capabilities(Bundle& bundle, bool every_other_kept)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto listener = Connection::unbound(std::move(requests), std::move(replies), session::schema_id);
    auto connection = TRY(open_raw<EchoProtocol>(listener, memory));
    auto own = TRY(system::carve(memory, 16 * KiB));
    auto bait = TRY(system::create_memory(own, 4096));
    for (int turn = 0; turn < 10; ++turn)
        Executor::current().yield();
    usize before = test::used_entries(*s_observed.service);
    u8 buffer[protocol::payload_capacity<EchoProtocol>];
    u64 deadline = deadline_after(Duration::from_seconds(5));
    constexpr u32 sent = 100;
    for (u32 index = 1; index <= sent; ++index) {
        char const* text = every_other_kept ? (index % 2 ? "keep" : "leave") : "with a capability";
        usize length = TRY(protocol::encode_request<EchoProtocol>(crashtest::Echo { TRY(FixedString<64>::try_from(text)) }, index, buffer));
        TRY(connection.send(std::span<u8 const>(buffer, length), bait, RightRead, deadline));
        auto reply = TRY(connection.receive(buffer, deadline));
        EXPECT_IN_TASK(!reply.has_capability);
    }
    EXPECT_IN_TASK(s_observed.handled.size() == sent);
    EXPECT_IN_TASK(test::used_entries(*s_observed.service) == before);
    connection.close();
    return 0;
}

ErrorOr<i32> sends_unasked_capabilities(Bundle& bundle)
{
    return send_with_capabilities(bundle, false);
}

/*
 * A service loop written by hand, as vterm's, tlsd's or fontd's: the listener served, reclaims
 * retried, `take_one(index)` for every session (true when it took a request), and one wait on the
 * table's mask alone when none did. Returns only when the listener fails.
 */
template<typename TakeOne>
ErrorOr<i32> serve_by_hand(session::Table& table, TakeOne take_one)
{
    for (;;) {
        TRY(table.serve_listener());
        table.retry_reclaims();
        bool served = false;
        for (usize index = 0; index < table.capacity(); ++index)
            served |= take_one(index);
        if (!served)
            (void)endpoint::wait(table.wait_mask());
    }
}

/* An echo session for a loop that takes its requests with take_request_handled: it counts the capabilities it is handed. */
struct CountingSession {
    usize carried { 0 };
    ErrorOr<crashtest::Echoed> handle(crashtest::Echo const& request, protocol::MessageCapabilities& capabilities)
    {
        s_observed.handled.emplace_back(request.text.view());
        if (capabilities.received)
            ++carried;
        /* "keep" takes the capability as a handler of a carrying message does (and lets it go itself). */
        if (request.text.view() == "keep" && capabilities.received) {
            endpoint::discard(*capabilities.received);
            capabilities.received.reset();
        }
        return crashtest::Echoed { request.text };
    }
};
CountingSession s_counting;

/* A service loop as tlsd's, compositord's and fontd's: each request through take_request_handled. */
ErrorOr<i32> handling_service(Bundle& bundle)
{
    auto* listening = TRY(listen_afresh(bundle));
    s_counting = {};
    u8 request[protocol::payload_capacity<EchoProtocol>];
    u8 reply[protocol::payload_capacity<EchoProtocol>];
    return serve_by_hand(*listening, [&](usize index) {
        return listening->take_request_handled(index, request, 0, [&](std::span<u8 const> bytes, protocol::MessageCapabilities& capabilities) {
            usize length = protocol::dispatch<EchoProtocol>(s_counting, bytes, reply, capabilities);
            listening->send_reply(index, std::span<u8 const>(reply, length));
        });
    });
}

/*
 * Opens a session and never attaches it, then opens another: with one session to give, the second
 * is served only because the first was freed (ADR 0008: an open-session never attached is given up
 * by the next one), and a session opened through it answers.
 */
ErrorOr<i32> opens_without_attaching(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto connection = Connection::unbound(std::move(requests), std::move(replies), session::schema_id);
    TRY(connection.rebind());
    Client<session::Protocol> listener(std::move(connection));
    u64 deadline = deadline_after(Duration::from_seconds(5));
    auto donation = TRY(endpoint::carve(memory, session::donation_size<EchoProtocol>()));
    auto first = TRY(listener.call_carrying(session::OpenSession { protocol::schema_id<EchoProtocol> }, &donation, deadline));
    EXPECT_IN_TASK(first.capability.has_value());
    EXPECT_IN_TASK(s_observed.table->slot(first.reply.session).state == session::Table::State::Opening);
    /* The opener gives up its end of the first session's requests Ring, as a client that abandons its open. */
    (void)endpoint::remove(TRY(endpoint::as_ring(*first.capability)));
    auto second_donation = TRY(endpoint::carve(memory, session::donation_size<EchoProtocol>()));
    auto second = TRY(listener.call_carrying(session::OpenSession { protocol::schema_id<EchoProtocol> }, &second_donation, deadline));
    EXPECT_IN_TASK(second.capability.has_value());
    /* The first's token no longer attaches; the second's does. */
    auto stale = listener.call(session::AttachSession { first.reply.session, first.reply.token });
    EXPECT_IN_TASK(stale.is_error() && stale.error().is(session::SessionError::NotOpening));
    auto attached = TRY(listener.call_carrying(session::AttachSession { second.reply.session, second.reply.token }, nullptr, deadline));
    EXPECT_IN_TASK(attached.capability.has_value());
    auto session_requests = TRY(endpoint::as_ring(*second.capability));
    auto session_replies = TRY(endpoint::as_ring(*attached.capability));
    Client<EchoProtocol> echoing(TRY(Connection::bind(std::move(session_requests), std::move(session_replies), protocol::schema_id<EchoProtocol>, {})));
    auto answer = TRY(echoing.call(crashtest::Echo { TRY(FixedString<64>::try_from("second")) }));
    EXPECT_IN_TASK(answer.text.view() == "second");
    EXPECT_IN_TASK(s_observed.opened == 2 && s_observed.closed == 1);
    echoing.connection().close();
    listener.connection().unbind();
    return 0;
}

/* As sends_unasked_capabilities, every other request "keep": the handler takes those, take_request_handled discards the rest. */
ErrorOr<i32> sends_capabilities_some_kept(Bundle& bundle)
{
    return send_with_capabilities(bundle, true);
}

ErrorOr<i32> opens_and_closes_many(Bundle& bundle)
{
    auto client = TRY(open_echo(bundle));
    for (int round = 0; round < 80; ++round) {
        EXPECT_IN_TASK(TRY(echo(client, "round")) == "round");
        usize closed_before = s_observed.closed;
        client.close();
        /* The donation is reclaimed once the service let go of it: wait for that, or memory runs out first. */
        for (int turn = 0; turn < 100 && s_observed.closed == closed_before; ++turn)
            Executor::current().yield();
    }
    client.close();
    return 0;
}

ErrorOr<i32> refused_many_times(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto listener = Connection::unbound(std::move(requests), std::move(replies), session::schema_id);
    auto held = TRY(open_raw<EchoProtocol>(listener, TRY(system::carve(memory, session::pool_size<EchoProtocol>()))));
    /* Each attempt donates from the same pool, which open reclaims whole first. */
    auto pool = TRY(system::carve(memory, session::pool_size<vfs::Protocol>()));
    for (int round = 0; round < 80; ++round) {
        auto refused = open_raw<EchoProtocol>(listener, pool);
        EXPECT_IN_TASK(refused.is_error() && refused.error().is(session::SessionError::NoSessionLeft));
        auto other = open_raw<vfs::Protocol>(listener, pool);
        EXPECT_IN_TASK(other.is_error() && other.error().is(session::SessionError::WrongProtocol));
    }
    held.close();
    for (int turn = 0; turn < 10; ++turn)
        Executor::current().yield();
    auto after = TRY(open_raw<EchoProtocol>(listener, pool));
    after.close();
    return 0;
}

/*
 * A SessionClient whose open is refused gives back what it was handed (the listener's two Ring
 * capabilities and its pool): more refused clients than the space has entries, then one that opens.
 */
ErrorOr<i32> refused_clients_many_times(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto copy = [](RingCap const& ring) -> ErrorOr<RingCap> {
        return system::attenuate(ring, TRY(system::describe(ring)).rights);
    };
    auto held = TRY(session::SessionClient<EchoProtocol>::open(TRY(copy(requests)), TRY(copy(replies)),
        TRY(system::carve(memory, session::pool_size<EchoProtocol>()))));
    /* Every refused client is handed a copy of one pool: each open reclaims it whole first. */
    auto pool = TRY(system::carve(memory, session::pool_size<EchoProtocol>()));
    for (int round = 0; round < 80; ++round) {
        auto refused = session::SessionClient<EchoProtocol>::open(TRY(copy(requests)), TRY(copy(replies)),
            TRY(system::attenuate(pool, TRY(system::describe(pool)).rights)));
        EXPECT_IN_TASK(refused.is_error() && refused.error().is(session::SessionError::NoSessionLeft));
    }
    usize closed_before = s_observed.closed;
    held.close();
    for (int turn = 0; turn < 100 && s_observed.closed == closed_before; ++turn)
        Executor::current().yield();
    auto after = TRY(session::SessionClient<EchoProtocol>::open(std::move(requests), std::move(replies), std::move(pool)));
    EXPECT_IN_TASK(TRY(echo(after, "after")) == "after");
    return 0;
}

/* Clients that end without their destructors running, as a crashed Task would. */
alignas(session::SessionClient<EchoProtocol>) u8 s_abandoned[4][sizeof(session::SessionClient<EchoProtocol>)];
usize s_abandoned_count { 0 };

ErrorOr<i32> dies_holding_a_session(Bundle& bundle)
{
    auto client = TRY(open_echo(bundle));
    EXPECT_IN_TASK(TRY(echo(client, "last words")) == "last words");
    /* Ends without closing: its capabilities go with the Task, and so must the session. */
    new (s_abandoned[s_abandoned_count++ % 4]) session::SessionClient<EchoProtocol>(std::move(client));
    return 0;
}

/* An echo session that answers "end" by the service ending the session instead (vterm's window closed by the person). */
struct EndingSession {
    bool ending { false };
    ErrorOr<crashtest::Echoed> handle(crashtest::Echo const& request)
    {
        ending = request.text.view() == "end";
        return crashtest::Echoed { request.text };
    }
};

/*
 * A service loop as vterm's: it ends a session itself while the client holds it, and its one wait
 * is on the table's mask alone — no deadline, no timer: only the session's bit, rung when the client
 * lets go, can make it reclaim the donation the client's next open waits for.
 */
ErrorOr<i32> ending_service(Bundle& bundle)
{
    auto* listening = TRY(listen_afresh(bundle));
    u8 request[protocol::payload_capacity<EchoProtocol>];
    u8 reply[protocol::payload_capacity<EchoProtocol>];
    return serve_by_hand(*listening, [&](usize index) {
        auto length = listening->take_request(index, request, 0);
        if (!length)
            return false;
        EndingSession handler;
        usize reply_length = protocol::dispatch<EchoProtocol>(handler, std::span<u8 const>(request, *length), reply);
        if (handler.ending) {
            ++s_observed.closed;
            listening->free(index);
        } else {
            listening->send_reply(index, std::span<u8 const>(reply, reply_length));
        }
        return true;
    });
}

/* The service ends the session under a call; the client's call sees it, lets go and opens the next
 * session, whose donation the service gives back only on the bit the letting go rang. */
ErrorOr<i32> held_while_ended(Bundle& bundle)
{
    /* A pool for one session at a time, as a Task's clients have: the next open waits for the donation. */
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto pool = TRY(endpoint::carve(memory, session::pool_size<EchoProtocol>()));
    auto client = TRY(session::SessionClient<EchoProtocol>::open(
        TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")), std::move(pool)));
    EXPECT_IN_TASK(TRY(echo(client, "one")) == "one");
    for (int round = 0; round < 3; ++round) {
        u64 before = endpoint::now_nanoseconds();
        auto ended = echo(client, "end");
        EXPECT_IN_TASK(ended.is_error() && (ended.error().is(ErrorCode::PeerClosed) || ended.error().is(ErrorCode::Revoked)));
        /* The failed call let go and opened the next session at once: a call on it answers. */
        EXPECT_IN_TASK(client.is_open());
        EXPECT_IN_TASK(TRY(echo(client, "again")) == "again");
        /* Without the bit the open would wait out the call's 5 s deadline. */
        EXPECT_IN_TASK(endpoint::now_nanoseconds() - before < 2'000'000'000);
    }
    client.close();
    return 0;
}

ErrorOr<i32> closes_mid_call(Bundle& bundle)
{
    auto client = TRY(open_echo(bundle));
    u8 request[protocol::payload_capacity<EchoProtocol>];
    usize length = TRY(protocol::encode_request<EchoProtocol>(crashtest::Echo { TRY(FixedString<64>::try_from("unanswered")) }, 1, request));
    TRY(client.connection()->send(std::span<u8 const>(request, length), deadline_after(Duration::from_seconds(1))));
    /* Gone before the reply: the service answers into a Ring nobody reads, then sees the session end. */
    client.close();
    EXPECT_IN_TASK(TRY(echo(client, "next")) == "next");
    client.close();
    return 0;
}

ErrorOr<i32> flooder(Bundle& bundle)
{
    auto client = TRY(open_echo(bundle));
    while (!s_observed.quiet_open)
        Executor::current().yield();
    auto* connection = client.connection();
    u8 request[protocol::payload_capacity<EchoProtocol>];
    u64 deadline = deadline_after(Duration::from_seconds(5));
    for (u32 index = 0; index < EchoProtocol::slot_count; ++index) {
        std::string text = index == 0 ? "hold" : "flood " + std::to_string(index);
        usize length = TRY(protocol::encode_request<EchoProtocol>(crashtest::Echo { TRY(FixedString<64>::try_from(text)) }, index + 1, request));
        TRY(connection->send(std::span<u8 const>(request, length), deadline));
    }
    s_observed.flood_sent = true;
    for (u32 index = 0; index < EchoProtocol::slot_count; ++index)
        TRY(connection->receive(request, deadline));
    client.close();
    return 0;
}

ErrorOr<i32> quiet(Bundle& bundle)
{
    auto client = TRY(open_echo(bundle));
    s_observed.quiet_open = true;
    while (!s_observed.flood_sent)
        Executor::current().yield();
    auto* connection = client.connection();
    u8 request[protocol::payload_capacity<EchoProtocol>];
    u64 deadline = deadline_after(Duration::from_seconds(5));
    usize length = TRY(protocol::encode_request<EchoProtocol>(crashtest::Echo { TRY(FixedString<64>::try_from("quiet")) }, 1, request));
    TRY(connection->send(std::span<u8 const>(request, length), deadline));
    s_observed.service->signals().raise(gate_bit);
    TRY(connection->receive(request, deadline));
    client.close();
    return 0;
}

}

TEST_CASE("a client opens a session with donated memory, calls, closes it, and the slot is reused")
{
    run({ open_call_close });
}

TEST_CASE("a service holds at most its sessions; another is refused until one closes; another protocol is refused")
{
    run({ hold_two_sessions });
}

TEST_CASE("the listener refuses an open without memory, a stray attach and garbage, and keeps serving")
{
    run({ listener_attacker, open_call_close });
}

TEST_CASE("a client that dies holding a session frees it, and its donated memory is reclaimed")
{
    /* Every slot ends Free (run() checks): the dead clients' sessions were freed and their donations reclaimed. */
    run({ dies_holding_a_session, dies_holding_a_session, open_call_close }, 3);
    REQUIRE(s_observed.opened == 4);
    REQUIRE(s_observed.closed == 4);
}

TEST_CASE("a session the service ends while its client holds it is reclaimed on the bit the client's letting go rings")
{
    /* Every slot ends Free (run() checks), with a service loop that waits on its table's mask alone. */
    run({ held_while_ended }, 1, ending_service);
    REQUIRE(s_observed.closed == 3);
}

TEST_CASE("a client that closes its session with a request in flight does not disturb the service")
{
    run({ closes_mid_call, open_call_close }, 3);
    REQUIRE(s_observed.closed == 4);
}

TEST_CASE("sessions take turns: a flooding session delays another by at most its quota per turn")
{
    run({ flooder, quiet });
    REQUIRE(s_observed.handled.size() == EchoProtocol::slot_count + 1);
    REQUIRE(s_observed.handled[0] == "hold");
    /* Round robin with one request per session per turn: the quiet session is next, not last. */
    REQUIRE(s_observed.handled[1] == "quiet");
}

TEST_CASE("a client opens and closes more sessions, and is refused more opens, than its capability space has entries")
{
    run({ opens_and_closes_many });
    REQUIRE(s_observed.opened == 80);
    REQUIRE(s_observed.closed == 80);
    run({ refused_many_times }, 1);
    REQUIRE(s_observed.opened == 2);
    run({ refused_clients_many_times }, 1);
    REQUIRE(s_observed.opened == 2);
}

TEST_CASE("a service keeps no capability a client sends with a request its protocol does not carry")
{
    run({ sends_unasked_capabilities });
    REQUIRE(s_observed.handled.size() == 100);
}

TEST_CASE("a loop taking requests with take_request_handled hands each capability to its handler and keeps none")
{
    run({ sends_capabilities_some_kept }, 2, handling_service);
    REQUIRE(s_observed.handled.size() == 100);
    REQUIRE(s_counting.carried == 100);
}

TEST_CASE("an open-session never attached is given up by the next open-session, which gets the one session")
{
    run({ opens_without_attaching }, 1);
    REQUIRE(s_observed.opened == 2);
}

TEST_CASE("the Signal bits a session table owns follow its TableBits, and a client's bits are checked against them")
{
    constexpr u64 defaults = 0b111 | (u64(1) << 8) | (u64(1) << 9);
    STATIC_REQUIRE(session::table_bits(2) == defaults);
    STATIC_REQUIRE(session::table_bits(0) == 0b111);
    /* A second table with bits of its own (compositord's privileged one shares only the reply space bit). */
    constexpr session::TableBits second { SignalBit(22), SignalBit(23), session::reply_space_bit, 24 };
    constexpr u64 second_bits = (u64(1) << 22) | (u64(1) << 23) | 0b100 | (u64(1) << 24) | (u64(1) << 25);
    STATIC_REQUIRE(session::table_bits(2, second) == second_bits);
    STATIC_REQUIRE((session::table_bits(8) & session::table_bits(2, second)) == session::reply_space_bit.mask());

    /* Clear of one table is not clear of the other. */
    constexpr ConnectionBits high { SignalBit(24), SignalBit(26), SignalBit(27) };
    STATIC_REQUIRE(session::clear_of_table(high, 8));
    STATIC_REQUIRE(!session::clear_of_table(high, 2, second));
    STATIC_REQUIRE(session::clear_of_table(high, 0, { SignalBit(22), SignalBit(23), session::reply_space_bit, 28 }));
    /* The defaults of ConnectionBits share the listener's bits; a doorbell's bit is caught as well. */
    STATIC_REQUIRE(!session::clear_of_table(ConnectionBits {}, 1));
    STATIC_REQUIRE(!session::clear_of_table(ConnectionBits { SignalBit(16), SignalBit(9), SignalBit(18) }, 2));
    STATIC_REQUIRE(session::clear_of_table(ConnectionBits { SignalBit(16), SignalBit(9), SignalBit(18) }, 1));

    /* Attacks on the bounds: more sessions than a table serves, doorbells past bit 63. */
    STATIC_REQUIRE(session::table_bits(1000) == session::table_bits(session::maximum_sessions));
    constexpr session::TableBits late { SignalBit(3), SignalBit(4), SignalBit(5), 62 };
    STATIC_REQUIRE(session::table_bits(8, late) == ((u64(0b111) << 3) | (u64(0b11) << 62)));
}
