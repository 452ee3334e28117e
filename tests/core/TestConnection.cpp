/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The connection library's client on a direct connection: typed calls with a deadline, and
 * binding again by itself after the service restarted (its Rings reset by a supervisor).
 */

#include "FsTestTasks.h"
#include <catch2/catch.hpp>
#include <crashtest/Echo.h>
#include <vectra/kernel/Executor.h>
#include <vectra/Service.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>

using namespace vectra;
using crashtest::EchoProtocol;

namespace {

constexpr SignalBit exit_bit { 9 };

struct Restart {
    Ring* requests_ring { nullptr };
    Ring* replies_ring { nullptr };
    CapabilitySpace* space { nullptr };
    Reticle* arena { nullptr };
    RingCap const* requests { nullptr };
    RingCap const* replies { nullptr };
    Task* next { nullptr };
};
Restart s_restart;

struct CrashOnRequest {
    ErrorOr<crashtest::Echoed> handle(crashtest::Echo const& request)
    {
        if (request.text.view() == "crash")
            Executor::current().exit_current(3);
        return crashtest::Echoed { request.text };
    }
};

ErrorOr<i32> echo_service(Bundle& bundle)
{
    auto server = TRY(ServerConnection::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        protocol::schema_id<EchoProtocol>));
    CrashOnRequest handler;
    TRY(serve<EchoProtocol>(server, handler));
    return 0;
}

Task* spawn_service(SignalMask* supervisor)
{
    SpawnParameters parameters { "echo", echo_service };
    parameters.stack_size = 64 * KiB;
    parameters.supervisor_mask = supervisor;
    parameters.exit_bit = exit_bit;
    Task* task = Executor::current().spawn(*s_restart.arena, parameters).value();
    if (task->bundle().grant("requests", *s_restart.space, *s_restart.requests, RightReceive).is_error()
        || task->bundle().grant("replies", *s_restart.space, *s_restart.replies, RightSend).is_error())
        return nullptr;
    return task;
}

ErrorOr<i32> restarter(Bundle&)
{
    (void)wait(exit_bit.mask());
    s_restart.requests_ring->reset();
    s_restart.replies_ring->reset();
    s_restart.next = spawn_service(nullptr);
    return s_restart.next ? 0 : 1;
}

ErrorOr<std::string_view> echo(Client<EchoProtocol>& client, std::string_view text, crashtest::Echoed& reply)
{
    reply = TRY(client.call(crashtest::Echo { TRY(FixedString<64>::try_from(text)) }));
    return reply.text.view();
}

ErrorOr<i32> client(Bundle& bundle)
{
    auto echo_client = TRY(Client<EchoProtocol>::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies"))));
    crashtest::Echoed reply;
    EXPECT_IN_TASK(TRY(echo(echo_client, "one", reply)) == "one");
    auto crashed = echo(echo_client, "crash", reply);
    EXPECT_IN_TASK(crashed.is_error() && crashed.error().is(ErrorCode::PeerRestarted));
    /* No rebind by hand: the call that saw PeerRestarted bound again. */
    EXPECT_IN_TASK(TRY(echo(echo_client, "two", reply)) == "two");
    return 0;
}

ErrorOr<i32> lonely_client(Bundle& bundle)
{
    auto echo_client = TRY(Client<EchoProtocol>::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies"))));
    auto unanswered = echo_client.call(crashtest::Echo { TRY(FixedString<64>::try_from("anyone?")) }, Duration::from_milliseconds(20));
    EXPECT_IN_TASK(unanswered.is_error() && unanswered.error().is(ErrorCode::TimedOut));
    return 0;
}

Task* s_echo_service { nullptr };

/* An Echo sent raw with its own call id, its reply left for later. */
ErrorOr<void> send_echo(Connection& connection, char const* text, u32 call_id)
{
    u8 request[protocol::payload_capacity<EchoProtocol>];
    usize length = TRY(
        protocol::encode_request<EchoProtocol>(crashtest::Echo { TRY(FixedString<64>::try_from(text)) }, call_id, request));
    return connection.send(std::span<u8 const>(request, length), deadline_after(Duration::from_seconds(1)));
}

ErrorOr<std::string_view> echoed_text(std::span<u8 const> reply, crashtest::Echoed& echoed)
{
    auto envelope = TRY(protocol::read_envelope(reply));
    if (!envelope.is_reply || envelope.status != protocol::status_success)
        return Error(ErrorCode::MalformedMessage, "not a successful reply");
    auto decoded = protocol::decode_body(reply, echoed);
    if (decoded.is_error())
        return Error(decoded.error());
    return echoed.text.view();
}

/* A waiting request left outstanding while other calls go on: its reply is kept, not skipped. */
ErrorOr<i32> expects_later(Bundle& bundle)
{
    auto echo_client = TRY(Client<EchoProtocol>::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies"))));
    Connection& connection = echo_client.connection();
    u8 later[protocol::payload_capacity<EchoProtocol>];
    crashtest::Echoed reply;

    /* Nothing expected: nothing to receive. */
    EXPECT_IN_TASK(!TRY(connection.receive_later()).has_value());

    /* The reply a call meets on its way is kept, and handed over once. */
    TRY(send_echo(connection, "later", 1000));
    connection.expect_later(1000, later);
    EXPECT_IN_TASK(TRY(echo(echo_client, "now", reply)) == "now");
    EXPECT_IN_TASK(connection.has_later());
    auto kept = TRY(connection.receive_later());
    EXPECT_IN_TASK(kept.has_value() && TRY(echoed_text({ later, *kept }, reply)) == "later");
    EXPECT_IN_TASK(connection.expected_later() == 0 && !connection.has_later());
    EXPECT_IN_TASK(!TRY(connection.receive_later()).has_value());

    /* Not arrived yet (not even sent): nothing, without waiting; received once the reply bit rang. */
    connection.expect_later(1001, later);
    EXPECT_IN_TASK(!TRY(connection.receive_later()).has_value());
    EXPECT_IN_TASK(connection.expected_later() == 1001);
    TRY(send_echo(connection, "soon", 1001));
    (void)endpoint::wait(connection.bits().reply.mask());
    auto received = TRY(connection.receive_later());
    EXPECT_IN_TASK(received.has_value() && TRY(echoed_text({ later, *received }, reply)) == "soon");

    /* An abandoned call's reply is still skipped: only the expected id is kept. */
    TRY(send_echo(connection, "abandoned", 1002));
    connection.expect_later(1003, later);
    EXPECT_IN_TASK(TRY(echo(echo_client, "after", reply)) == "after");
    EXPECT_IN_TASK(!connection.has_later() && !TRY(connection.receive_later()).has_value());

    /* A buffer too small for the reply: refused when taken, and nothing is expected after. */
    u8 small[8];
    TRY(send_echo(connection, "too long for eight bytes", 1004));
    connection.expect_later(1004, small);
    EXPECT_IN_TASK(TRY(echo(echo_client, "next", reply)) == "next");
    auto refused = connection.receive_later();
    EXPECT_IN_TASK(refused.is_error() && refused.error().is(ErrorCode::MalformedMessage));
    EXPECT_IN_TASK(connection.expected_later() == 0);
    return 0;
}

/* Each request carries a copy of a MemCap the protocol never asked for: the service keeps none. */
ErrorOr<i32> sends_unasked_capabilities(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto bait = TRY(system::create_memory(memory, 4096));
    auto sender = TRY(endpoint::bind_sender(requests, crashtest::echo_schema_id, SignalBit(1)));
    auto receiver = TRY(endpoint::bind_receiver(replies, crashtest::echo_schema_id, SignalBit(2)));
    Executor::current().yield();
    usize before = test::used_entries(*s_echo_service);
    u8 buffer[protocol::payload_capacity<EchoProtocol>];
    for (u32 index = 1; index <= 100; ++index) {
        usize length = TRY(protocol::encode_request<EchoProtocol>(
            crashtest::Echo { TRY(FixedString<64>::try_from("with a capability")) }, index, buffer));
        TRY(endpoint::send_copy(sender, std::span<u8 const>(buffer, length), bait, RightRead));
        for (;;) {
            auto reply = endpoint::receive(receiver, buffer);
            if (!reply.is_error())
                break;
            if (reply.error().code() != ErrorCode::Empty)
                return reply.release_error();
            (void)endpoint::wait(SignalBit(2).mask());
        }
    }
    EXPECT_IN_TASK(test::used_entries(*s_echo_service) == before);
    return 0;
}

/* A direct echo connection's two Rings, their originals in `owner`. */
struct EchoRings {
    Ring* requests_ring;
    Ring* replies_ring;
    RingCap requests;
    RingCap replies;
};

EchoRings echo_rings(Reticle& arena, CapabilitySpace& owner)
{
    Ring* requests = Ring::try_create(arena, EchoProtocol::slot_count, EchoProtocol::slot_size, crashtest::echo_schema_id).value();
    Ring* replies = Ring::try_create(arena, EchoProtocol::slot_count, EchoProtocol::slot_size, crashtest::echo_schema_id).value();
    return { requests, replies, owner.mint<CapabilityClass::Ring>(requests, all_rights).release_value(),
        owner.mint<CapabilityClass::Ring>(replies, all_rights).release_value() };
}

Task* spawn_client(Reticle& arena, CapabilitySpace& owner, TaskEntry entry, RingCap const& requests, RingCap const& replies)
{
    SpawnParameters parameters { "client", entry };
    parameters.stack_size = 64 * KiB;
    Task* task = Executor::current().spawn(arena, parameters).value();
    REQUIRE_FALSE(task->bundle().grant("requests", owner, requests, RightSend).is_error());
    REQUIRE_FALSE(task->bundle().grant("replies", owner, replies, RightReceive).is_error());
    return task;
}

}

TEST_CASE("a declared client binds again by itself after the service restarts, and reaches the new instance")
{
    test::Arena arena(2 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    auto [requests_ring, replies_ring, requests, replies] = echo_rings(arena.reticle(), parent);
    s_restart = { requests_ring, replies_ring, &parent, &arena.reticle(), &requests, &replies, nullptr };
    Task* supervising = executor.spawn(arena.reticle(), { "restarter", restarter }).value();
    Task* first = spawn_service(&supervising->signals());
    Task* calling = spawn_client(arena.reticle(), parent, client, requests, replies);
    test::task_failure().clear();
    i32 status = executor.run_until_exit(*calling).value();
    INFO(test::task_failure());
    REQUIRE(status == 0);
    REQUIRE(first->exit_status() == 3);
    REQUIRE(executor.run_until_exit(*supervising).value() == 0);
    requests_ring->reset();
    REQUIRE(executor.run_until_exit(*s_restart.next).value() == 1);
    while (Task* task = executor.tasks())
        REQUIRE_FALSE(executor.reap(*task).is_error());
}

TEST_CASE("a call nobody answers ends at its deadline with TimedOut")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    auto [requests_ring, replies_ring, requests, replies] = echo_rings(arena.reticle(), parent);
    Task* calling = spawn_client(arena.reticle(), parent, lonely_client, requests, replies);
    test::task_failure().clear();
    i32 status = executor.run_until_exit(*calling).value();
    INFO(test::task_failure());
    REQUIRE(status == 0);
    while (Task* task = executor.tasks())
        REQUIRE_FALSE(executor.reap(*task).is_error());
}

/* try_receive: Empty at once while nothing is there — no wait, so the Task is never switched
 * out (a receive with a deadline of now parks it and reschedules) — then the reply, then Empty. */
ErrorOr<i32> looks_without_waiting(Bundle& bundle)
{
    auto echo_client = TRY(Client<EchoProtocol>::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies"))));
    Connection& connection = echo_client.connection();
    u8 buffer[protocol::payload_capacity<EchoProtocol>];
    crashtest::Echoed reply;
    Task const& self = Executor::current().current_task();
    u64 switches_before = self.switches();
    for (int look = 0; look < 100; ++look) {
        auto nothing = connection.try_receive(buffer);
        EXPECT_IN_TASK(nothing.is_error() && nothing.error().is(ErrorCode::Empty));
    }
    EXPECT_IN_TASK(self.switches() == switches_before);
    TRY(send_echo(connection, "there", 1100));
    (void)endpoint::wait(connection.bits().reply.mask());
    auto received = TRY(connection.try_receive(buffer));
    auto envelope = TRY(protocol::read_envelope({ buffer, received.length }));
    EXPECT_IN_TASK(envelope.call_id == 1100);
    EXPECT_IN_TASK(TRY(echoed_text({ buffer, received.length }, reply)) == "there");
    auto drained = connection.try_receive(buffer);
    EXPECT_IN_TASK(drained.is_error() && drained.error().is(ErrorCode::Empty));
    return 0;
}

/* Runs `entry` as a client of a fresh echo service (granted `client_memory` as "memory" when given) until it returns 0, then ends the service. */
void run_with_echo_service(TaskEntry entry, Reticle* client_memory = nullptr)
{
    test::Arena arena(2 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    auto [requests_ring, replies_ring, requests, replies] = echo_rings(arena.reticle(), parent);
    s_restart = { requests_ring, replies_ring, &parent, &arena.reticle(), &requests, &replies, nullptr };
    s_echo_service = spawn_service(nullptr);
    REQUIRE(s_echo_service);
    Task* calling = spawn_client(arena.reticle(), parent, entry, requests, replies);
    if (client_memory) {
        auto memory = parent.mint<CapabilityClass::Reticle>(client_memory, all_rights).release_value();
        REQUIRE_FALSE(calling->bundle().grant("memory", parent, memory, RightRetype).is_error());
    }
    test::task_failure().clear();
    i32 status = executor.run_until_exit(*calling).value();
    INFO(test::task_failure());
    REQUIRE(status == 0);
    requests_ring->reset();
    REQUIRE(executor.run_until_exit(*s_echo_service).value() == 1);
    while (Task* task = executor.tasks())
        REQUIRE_FALSE(executor.reap(*task).is_error());
}

TEST_CASE("a service on a direct connection keeps no capability a client sends with a request")
{
    test::Arena client_memory(64 * KiB);
    run_with_echo_service(sends_unasked_capabilities, &client_memory.reticle());
}

TEST_CASE("a reply expected later is kept by the calls that meet it; other calls' stray replies are still skipped", "[attack]")
{
    run_with_echo_service(expects_later);
}

TEST_CASE("try_receive answers Empty at once without switching the Task out, then takes the reply that arrived")
{
    run_with_echo_service(looks_without_waiting);
}
