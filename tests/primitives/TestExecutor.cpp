/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <string>
#include <vectra/Bundle.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Ring.h>
#include <vectra/kernel/Signal.h>
#include <vectra/platform/Platform.h>

using namespace vectra;

namespace {

constexpr u64 schema = schema_id_of("schema executor-test version 1\n");
constexpr u32 message_count = 1000;

/* Test-only shared record of what the Tasks did; Tasks themselves see only their Bundles. */
std::string s_trace;

void reap_all(Executor& executor)
{
    while (Task* task = executor.tasks()) {
        REQUIRE(task->state() == TaskState::Exited);
        REQUIRE_FALSE(executor.reap(*task).is_error());
    }
}

ErrorOr<i32> producer(Bundle& bundle)
{
    auto ring = bundle.take<RingCap>("out");
    if (ring.is_error())
        return ring.release_error();
    auto sender = RingProducer::bind(this_task().capabilities(), ring.value(), schema, this_task().signals(), SignalBit(1));
    if (sender.is_error())
        return sender.release_error();
    for (u32 value = 1; value <= message_count;) {
        if (sender.value().try_send({ reinterpret_cast<u8 const*>(&value), sizeof(value) }).is_error()) {
            (void)wait(SignalBit(1).mask());
            continue;
        }
        ++value;
    }
    return 0;
}

ErrorOr<i32> consumer(Bundle& bundle)
{
    auto ring = bundle.take<RingCap>("in");
    if (ring.is_error())
        return ring.release_error();
    auto receiver = RingConsumer::bind(this_task().capabilities(), ring.value(), schema, this_task().signals(), SignalBit(0));
    if (receiver.is_error())
        return receiver.release_error();
    u64 sum = 0;
    u32 expected = 1;
    while (expected <= message_count) {
        u32 value = 0;
        auto got = receiver.value().try_receive({ reinterpret_cast<u8*>(&value), sizeof(value) });
        if (got.is_error()) {
            (void)wait(SignalBit(0).mask());
            continue;
        }
        if (value != expected)
            return Error(ErrorCode::MalformedMessage, "out of order");
        sum += value;
        ++expected;
    }
    return static_cast<i32>(sum % 1000);
}

}

TEST_CASE("two Tasks pass a thousand messages over a small Ring, waking each other by doorbell")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    Ring* ring = Ring::try_create(arena.reticle(), 4, 32, schema).value();
    auto original = parent.mint<CapabilityClass::Ring>(ring, all_rights).release_value();
    Task* receiving = executor.spawn(arena.reticle(), { "consumer", consumer }).value();
    Task* sending = executor.spawn(arena.reticle(), { "producer", producer }).value();
    REQUIRE_FALSE(receiving->bundle().grant("in", parent, original, RightReceive).is_error());
    REQUIRE_FALSE(sending->bundle().grant("out", parent, original, RightSend).is_error());
    u64 switches_before = executor.switches();
    i32 status = executor.run_until_exit(*receiving).value();
    REQUIRE(status == static_cast<i32>((u64(message_count) * (message_count + 1) / 2) % 1000));
    REQUIRE(executor.run_until_exit(*sending).value() == 0);
    /* The Ring holds 4 messages, so the Tasks must have handed over many times. */
    REQUIRE(executor.switches() - switches_before > message_count / 4);
    reap_all(executor);
}

namespace {

ErrorOr<i32> person_worker(Bundle&)
{
    for (int turn = 0; turn < 20; ++turn) {
        s_trace += 'P';
        Executor::current().yield();
    }
    return 0;
}

ErrorOr<i32> network_worker(Bundle&)
{
    for (int turn = 0; turn < 3; ++turn) {
        s_trace += 'N';
        Executor::current().yield();
    }
    return 0;
}

}

TEST_CASE("the Person band runs first and the Network band is never starved")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    s_trace.clear();
    SpawnParameters network { "network", network_worker };
    network.band = Band::Network;
    Task* background = executor.spawn(arena.reticle(), network).value();
    Task* first = executor.spawn(arena.reticle(), { "person-1", person_worker }).value();
    Task* second = executor.spawn(arena.reticle(), { "person-2", person_worker }).value();
    REQUIRE(executor.run_until_exit(*background).value() == 0);
    REQUIRE(executor.run_until_exit(*first).value() == 0);
    REQUIRE(executor.run_until_exit(*second).value() == 0);
    REQUIRE(s_trace.size() == 43);
    REQUIRE(s_trace[0] == 'P');
    /* Never more than the bound of Person turns in a row while Network work waits. */
    usize network_seen = 0;
    usize run = 0;
    for (char turn : s_trace) {
        if (turn == 'N') {
            ++network_seen;
            run = 0;
        } else if (network_seen < 3) {
            ++run;
            REQUIRE(run <= Executor::network_starvation_bound);
        }
    }
    reap_all(executor);
}

namespace {

ErrorOr<i32> sleeper(Bundle&)
{
    u64 start = platform::monotonic_nanoseconds();
    u64 bits = Executor::current().wait_until(SignalBit(2).mask(), start + 3'000'000, SignalBit(9));
    if (bits != SignalBit(9).mask())
        return Error(ErrorCode::InvalidArgument, "woke on the wrong bit");
    if (platform::monotonic_nanoseconds() < start + 3'000'000)
        return Error(ErrorCode::InvalidArgument, "woke early");
    return 7;
}

ErrorOr<i32> failing(Bundle&)
{
    return Error(ErrorCode::NotFound, "failing on purpose");
}

ErrorOr<i32> raiser(Bundle& bundle)
{
    auto signal = bundle.take<SignalCap>("wake");
    if (signal.is_error())
        return signal.release_error();
    if (raise(this_task().capabilities(), signal.value()).is_error())
        return 1;
    return 0;
}

ErrorOr<i32> waiter(Bundle&)
{
    return static_cast<i32>(wait(SignalBit(12).mask() | SignalBit(13).mask()));
}

}

TEST_CASE("a deadline wakes a waiting Task through the platform timer")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    Task* task = executor.spawn(arena.reticle(), { "sleeper", sleeper }).value();
    REQUIRE(executor.run_until_exit(*task).value() == 7);
    reap_all(executor);
}

TEST_CASE("a raised bit wakes exactly the Task waiting on it")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    Task* waiting = executor.spawn(arena.reticle(), { "waiter", waiter }).value();
    Task* raising = executor.spawn(arena.reticle(), { "raiser", raiser }).value();
    auto wake = parent.mint<CapabilityClass::Signal>(&waiting->signals(), RightRaise | RightGrant, 13).release_value();
    REQUIRE_FALSE(raising->bundle().grant("wake", parent, wake, RightRaise).is_error());
    REQUIRE(executor.run_until_exit(*waiting).value() == static_cast<i32>(SignalBit(13).mask()));
    REQUIRE(executor.run_until_exit(*raising).value() == 0);
    reap_all(executor);
}

TEST_CASE("an exiting Task signals its supervisor with its status or its error")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    SignalMask supervisor;
    SpawnParameters parameters { "failing", failing };
    parameters.supervisor_mask = &supervisor;
    parameters.exit_bit = SignalBit(20);
    Task* task = executor.spawn(arena.reticle(), parameters).value();
    REQUIRE(executor.run_until_exit(*task).value() == 1);
    REQUIRE(task->exit_cause() == ExitCause::Failed);
    REQUIRE(task->exit_error().code() == ErrorCode::NotFound);
    REQUIRE(supervisor.take(~u64(0)) == SignalBit(20).mask());
    reap_all(executor);
}

TEST_CASE("spawn refuses bad parameters and reports Reticle exhaustion")
{
    test::Arena arena(96 * KiB);
    auto& executor = Executor::current();
    REQUIRE(executor.spawn(arena.reticle(), { "", failing }).error().code() == ErrorCode::NameTooLong);
    REQUIRE(executor.spawn(arena.reticle(), { std::string_view("x", 40), failing }).error().code() == ErrorCode::NameTooLong);
    REQUIRE(executor.spawn(arena.reticle(), { "no-entry", nullptr }).error().code() == ErrorCode::InvalidArgument);
    SpawnParameters tiny { "tiny", failing };
    tiny.stack_size = 1024;
    REQUIRE(executor.spawn(arena.reticle(), tiny).error().code() == ErrorCode::InvalidArgument);
    SpawnParameters huge { "huge", failing };
    huge.stack_size = 1 * MiB;
    REQUIRE(executor.spawn(arena.reticle(), huge).error().code() == ErrorCode::OutOfMemory);
    REQUIRE(executor.tasks() == nullptr);
}

TEST_CASE("only exited Tasks can be reaped")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    Task* task = executor.spawn(arena.reticle(), { "sleeper", sleeper }).value();
    REQUIRE(executor.reap(*task).error().code() == ErrorCode::Busy);
    REQUIRE(executor.run_until_exit(*task).value() == 7);
    REQUIRE_FALSE(executor.reap(*task).is_error());
    REQUIRE(executor.reap(*task).error().code() == ErrorCode::NotFound);
}

namespace {

ErrorOr<i32> panicking(Bundle&)
{
    int volatile answer = 41;
    VERIFY(answer == 42);
    return 0;
}

ErrorOr<i32> holder(Bundle& bundle)
{
    /* Keeps its granted capability until it exits; then it must be revoked with it. */
    auto memory = bundle.take<ReticleCap>("memory");
    return memory.is_error() ? 1 : 0;
}

ErrorOr<i32> timed(Bundle& bundle)
{
    auto memory = bundle.take<ReticleCap>("memory");
    if (memory.is_error())
        return memory.release_error();
    auto& space = this_task().capabilities();
    Reticle* reticle = space.lookup(memory.value(), RightRetype).release_value();
    Timer* timer = reticle->try_create<Timer>(reticle, this_task().signals(), SignalBit(4)).release_value();
    auto capability = space.mint<CapabilityClass::Timer>(timer, RightWrite).release_value();
    u64 start = platform::monotonic_nanoseconds();
    if (Executor::current().arm_timer(space, capability, start + 2'000'000).is_error())
        return 2;
    if (wait(SignalBit(4).mask()) != SignalBit(4).mask() || platform::monotonic_nanoseconds() < start + 2'000'000)
        return 3;
    if (Executor::current().arm_timer(space, capability, 0).error().code() != ErrorCode::InvalidArgument)
        return 4;
    return 0;
}

}

TEST_CASE("a panicking Task ends alone: its cause is kept, its supervisor signalled, the executor runs on")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    SignalMask supervisor;
    SpawnParameters parameters { "panicking", panicking };
    parameters.supervisor_mask = &supervisor;
    parameters.exit_bit = SignalBit(21);
    Task* task = executor.spawn(arena.reticle(), parameters).value();
    Task* after = executor.spawn(arena.reticle(), { "sleeper", sleeper }).value();
    REQUIRE(executor.run_until_exit(*task).value() == -1);
    REQUIRE(task->exit_cause() == ExitCause::Panicked);
    REQUIRE(std::string_view(task->failure_message()) == "VERIFY(answer == 42) failed");
    REQUIRE(supervisor.take(~u64(0)) == SignalBit(21).mask());
    REQUIRE(executor.run_until_exit(*after).value() == 7);
    reap_all(executor);
}

TEST_CASE("an exited Task's capabilities are revoked, and so is everything derived from them")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    auto memory = parent.mint<CapabilityClass::Reticle>(&arena.reticle(), all_rights).release_value();
    Task* task = executor.spawn(arena.reticle(), { "holder", holder }).value();
    REQUIRE_FALSE(task->bundle().grant("memory", parent, memory, RightRetype).is_error());
    REQUIRE(task->capabilities().count() == 1);
    REQUIRE(executor.run_until_exit(*task).value() == 0);
    REQUIRE(task->capabilities().count() == 0);
    reap_all(executor);
}

TEST_CASE("a Timer raises its bit once its deadline passes")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    auto memory = parent.mint<CapabilityClass::Reticle>(&arena.reticle(), all_rights).release_value();
    Task* task = executor.spawn(arena.reticle(), { "timed", timed }).value();
    REQUIRE_FALSE(task->bundle().grant("memory", parent, memory, RightRetype).is_error());
    REQUIRE(executor.run_until_exit(*task).value() == 0);
    reap_all(executor);
}

TEST_CASE("every Task stack has a guard page below it where the platform can guard pages")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    Task* task = executor.spawn(arena.reticle(), { "sleeper", sleeper }).value();
    REQUIRE(task->guard_page() != 0);
    REQUIRE(task->guard_page() + platform::page_size() == task->stack_base());
    REQUIRE(executor.run_until_exit(*task).value() == 7);
    reap_all(executor);
}

TEST_CASE("a Task's stack starts zeroed, whatever the Reticle's memory held before")
{
    constexpr usize arena_size = 1 * MiB;
    test::Arena arena(arena_size);
    /* What a reaped Task could have left behind: its frames, its keys. */
    __builtin_memset(arena.memory(), 0xa5, arena_size);
    auto& executor = Executor::current();
    Task* task = executor.spawn(arena.reticle(), { "sleeper", sleeper }).value();
    /* The top of the stack holds the context the first jump starts from; below it, nothing. */
    constexpr usize initial_frame_bytes = 512;
    REQUIRE(task->stack_size() > initial_frame_bytes);
    auto const* stack = reinterpret_cast<u8 const*>(task->stack_base());
    usize left_over = 0;
    for (usize offset = 0; offset < task->stack_size() - initial_frame_bytes; ++offset)
        left_over += stack[offset] != 0 ? 1 : 0;
    REQUIRE(left_over == 0);
    REQUIRE(executor.run_until_exit(*task).value() == 7);
    reap_all(executor);
}
