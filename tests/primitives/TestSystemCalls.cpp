/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The kernel-call boundary tried as an attacker would: every call acts for the calling Task
 * only, so handles copied from another Task, Ring bindings copied or kept after they ended, a
 * child's Bundle filled without the right or too late, and malformed frames are all refused.
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <vectra/Ring.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/CallFrame.h>
#include <vectra/kernel/Executor.h>

using namespace vectra;

namespace {

constexpr u64 schema = schema_id_of("schema system-call-test version 1\n");

/* A supervisor's space holding Rings from its own arena, to hand to test Tasks. */
struct Supervisor {
    test::Arena arena { 2 * MiB };
    CapabilitySpace space { allocate_space_id() };

    RingCap ring()
    {
        Ring* ring = Ring::try_create(arena.reticle(), 4, 64, schema).release_value();
        return space.mint<CapabilityClass::Ring>(ring, all_rights).release_value();
    }
    ~Supervisor() { (void)space.clear(); }
};

ErrorCode code_of(ErrorOr<void> const& result) { return result.is_error() ? result.error().code() : ErrorCode::None; }

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

/* Shared between the Tasks of one test: what an attacker learnt from its victim. */
RawHandle s_stolen_handle {};
u8 s_stolen_sender[sizeof(RingSender)] {};

}

TEST_CASE("a handle copied out of another Task's space is refused in every call")
{
    Supervisor supervisor;
    test::Arena tasks(1 * MiB);
    auto ring = supervisor.ring();
    auto victim = test::run_as_task(tasks.reticle(), [&](Task& task) {
        REQUIRE_FALSE(task.bundle().grant("ring", supervisor.space, ring, all_rights).is_error());
    }, [](Bundle& bundle) -> ErrorOr<i32> {
        auto own = TRY(bundle.take<RingCap>("ring"));
        s_stolen_handle = { own.space(), own.slot(), own.generation() };
        return 0;
    });
    REQUIRE(victim.value() == 0);
    /* The victim ended, but its handle's numbers live on in the attacker's hands. */
    auto attacker = test::run_as_task(tasks.reticle(), [](Task&) {}, [](Bundle&) -> ErrorOr<i32> {
        RingCap forged(s_stolen_handle.space, s_stolen_handle.slot, s_stolen_handle.generation);
        if (code_of(system::reset_ring(forged)) != ErrorCode::ForeignHandle)
            return 1;
        if (code_of(RingSender::bind(forged, schema, SignalBit(1))) != ErrorCode::ForeignHandle)
            return 2;
        if (code_of(system::revoke(forged)) != ErrorCode::ForeignHandle)
            return 3;
        /* Its own space id with a made-up slot and generation: empty or stale, never another entry. */
        auto own = TRY(system::signal_capability(SignalBit(3)));
        RingCap made_up(own.space(), static_cast<u16>(own.slot() + 7), 1);
        if (code_of(system::reset_ring(made_up)) == ErrorCode::None)
            return 4;
        SignalCap stale(own.space(), own.slot(), own.generation() + 1);
        if (code_of(system::raise(stale)) != ErrorCode::StaleHandle)
            return 5;
        RingCap wrong_class(own.space(), own.slot(), own.generation());
        if (code_of(system::reset_ring(wrong_class)) != ErrorCode::WrongClass)
            return 6;
        return 0;
    });
    REQUIRE(attacker.value() == 0);
}

TEST_CASE("a Ring binding copied to another Task, or kept after it ended, is refused")
{
    Supervisor supervisor;
    test::Arena tasks(1 * MiB);
    auto ring = supervisor.ring();
    auto victim = test::run_as_task(tasks.reticle(), [&](Task& task) {
        REQUIRE_FALSE(task.bundle().grant("ring", supervisor.space, ring, RightSend).is_error());
    }, [](Bundle& bundle) -> ErrorOr<i32> {
        auto own = TRY(bundle.take<RingCap>("ring"));
        auto sender = TRY(RingSender::bind(own, schema, SignalBit(1)));
        std::memcpy(s_stolen_sender, &sender, sizeof(sender));
        u8 byte = 1;
        TRY(sender.try_send({ &byte, 1 }));
        /* After unbind, the same object (and any copy) is refused. */
        RingSender kept;
        std::memcpy(&kept, &sender, sizeof(sender));
        sender.unbind();
        if (code_of(kept.try_send({ &byte, 1 })) != ErrorCode::StaleHandle)
            return 1;
        /* A new binding reuses the slot under a new generation: the old copy stays refused. */
        auto again = TRY(RingSender::bind(own, schema, SignalBit(1)));
        if (code_of(kept.try_send({ &byte, 1 })) != ErrorCode::StaleHandle)
            return 2;
        TRY(again.try_send({ &byte, 1 }));
        return 0;
    });
    REQUIRE(victim.value() == 0);
    auto attacker = test::run_as_task(tasks.reticle(), [](Task&) {}, [](Bundle&) -> ErrorOr<i32> {
        RingSender forged;
        std::memcpy(&forged, s_stolen_sender, sizeof(forged));
        u8 byte = 2;
        return code_of(forged.try_send({ &byte, 1 })) == ErrorCode::StaleHandle ? 0 : 1;
    });
    REQUIRE(attacker.value() == 0);
}

TEST_CASE("a Task holds a bounded number of Ring bindings, and ended ones make room")
{
    test::Arena arena(2 * MiB);
    CapabilitySpace supervisor(allocate_space_id());
    Reticle* ring_memory = arena.reticle().try_carve(512 * KiB).release_value();
    auto memory = supervisor.mint<CapabilityClass::Reticle>(ring_memory, all_rights).release_value();
    auto result = test::run_as_task(arena.reticle(), [&](Task& task) {
        REQUIRE_FALSE(task.bundle().grant("memory", supervisor, memory, RightRetype).is_error());
    }, [](Bundle& bundle) -> ErrorOr<i32> {
        constexpr usize ring_count = Task::ring_binding_capacity + 1;
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        RingCap rings[ring_count];
        for (auto& ring : rings)
            ring = TRY(system::create_ring(memory, 2, 64, schema));
        for (usize index = 0; index < Task::ring_binding_capacity; ++index)
            TRY(RingSender::bind(rings[index], schema, SignalBit(1)));
        if (code_of(RingSender::bind(rings[ring_count - 1], schema, SignalBit(1))) != ErrorCode::Full)
            return 1;
        /* Resetting one Ring ends that binding's validity, so its slot is reused. */
        TRY(system::reset_ring(rings[0]));
        TRY(RingSender::bind(rings[ring_count - 1], schema, SignalBit(1)));
        return 0;
    });
    (void)supervisor.clear();
    REQUIRE(result.value() == 0);
}

TEST_CASE("an end bound again by the same Task leaves no older slot naming the Ring after it is gone")
{
    test::Arena arena(2 * MiB);
    CapabilitySpace supervisor(allocate_space_id());
    Reticle* ring_memory = arena.reticle().try_carve(256 * KiB).release_value();
    auto memory = supervisor.mint<CapabilityClass::Reticle>(ring_memory, all_rights).release_value();
    auto result = test::run_as_task(arena.reticle(), [&](Task& task) {
        REQUIRE_FALSE(task.bundle().grant("memory", supervisor, memory, RightRetype).is_error());
    }, [](Bundle& bundle) -> ErrorOr<i32> {
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto donation = TRY(system::carve(memory, 64 * KiB));
        auto ring = TRY(system::create_ring(donation, 2, 64, schema));
        auto first = TRY(RingSender::bind(ring, schema, SignalBit(1)));
        auto second = TRY(RingSender::bind(ring, schema, SignalBit(1))); /* replaces the first */
        second.unbind();
        TRY(system::remove(std::move(ring)));
        /* Nothing names the Ring any more: its memory goes back, and may be reused at once. */
        TRY(system::reclaim(donation));
        auto reused = TRY(system::create_ring(donation, 2, 64, schema));
        u8 byte = 7;
        if (code_of(first.try_send({ &byte, 1 })) != ErrorCode::StaleHandle)
            return 1;
        if (first.is_full())
            return 2;
        (void)reused;
        return 0;
    });
    (void)supervisor.clear();
    REQUIRE(result.value() == 0);
}

TEST_CASE("a child's Bundle is filled only through a TaskCap with RightGrant")
{
    test::Arena arena(2 * MiB);
    CapabilitySpace supervisor(allocate_space_id());
    Reticle* child_memory = arena.reticle().try_carve(512 * KiB).release_value();
    auto memory = supervisor.mint<CapabilityClass::Reticle>(child_memory, all_rights).release_value();
    auto result = test::run_as_task(arena.reticle(), [&](Task& task) {
        REQUIRE_FALSE(task.bundle().grant("memory", supervisor, memory, RightRetype | RightGrant).is_error());
        auto tasks = supervisor.mint<CapabilityClass::Task>(&task, RightSpawn | RightMove).release_value();
        REQUIRE_FALSE(task.bundle().give("tasks", supervisor, std::move(tasks)).is_error());
    }, [](Bundle& bundle) -> ErrorOr<i32> {
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto tasks = TRY(bundle.take<TaskCap>("tasks"));
        auto child = TRY(system::spawn(tasks, memory, SpawnRequest { "child", [](Bundle&) -> ErrorOr<i32> { return 0; } }));
        auto read_only = TRY(system::attenuate(child, RightRead));
        if (code_of(system::grant(read_only, "memory", memory, RightRetype)) != ErrorCode::MissingRight)
            return 1;
        /* A grant of a right the parent does not hold is refused too. */
        auto retype_only = TRY(system::attenuate(memory, RightRetype));
        if (code_of(system::grant(child, "memory", retype_only, RightRetype)) != ErrorCode::MissingRight)
            return 2;
        TRY(system::grant(child, "memory", memory, RightRetype));
        return 0;
    });
    (void)supervisor.clear();
    REQUIRE(result.value() == 0);
}

TEST_CASE("malformed kernel-call frames are refused with an error, never acted on")
{
    test::Arena arena(1 * MiB);
    auto result = test::in_task(arena.reticle(), [] {
        auto refused = [](kernel::CallFrame frame) {
            kernel::system_call(frame);
            return static_cast<ErrorCode>(frame.error);
        };
        auto own = system::signal_capability(SignalBit(2)).release_value();
        u64 handle = kernel::handle_word({ own.space(), own.slot(), own.generation() });
        REQUIRE(refused({ 999 }) == ErrorCode::InvalidArgument);
        REQUIRE(refused({ 0 }) == ErrorCode::InvalidArgument);
        REQUIRE(refused({ u64(kernel::Call::Revoke), { handle, own.generation(), 0 } }) == ErrorCode::InvalidArgument);
        REQUIRE(refused({ u64(kernel::Call::Revoke), { handle, own.generation(), 200 } }) == ErrorCode::InvalidArgument);
        REQUIRE(refused({ u64(kernel::Call::Attenuate), { handle, own.generation(), u64(CapabilityClass::Signal), 1u << 20 } })
            == ErrorCode::InvalidArgument);
        REQUIRE(refused({ u64(kernel::Call::SignalCapability), { 64 } }) == ErrorCode::InvalidArgument);
        char const name[] = "a-name-much-longer-than-any-bundle-slot-may-be";
        REQUIRE(refused({ u64(kernel::Call::BundleTake), { reinterpret_cast<uptr>(name), sizeof(name), 1 } })
            == ErrorCode::NameTooLong);
        REQUIRE(refused({ u64(kernel::Call::RingSend), { 0, 0, 0 } }) == ErrorCode::StaleHandle);
        REQUIRE(refused({ u64(kernel::Call::RingSend), { ~u64(0), 0, 0 } }) == ErrorCode::StaleHandle);
        REQUIRE(refused({ u64(kernel::Call::CreateRing), { 0, 0, u64(1) << 33, 64, 0 } }) == ErrorCode::InvalidArgument);
        u8 buffer[8];
        u64 misaligned = reinterpret_cast<uptr>(buffer) | 1;
        REQUIRE(refused({ u64(kernel::Call::SelfStatus), { misaligned } }) == ErrorCode::InvalidArgument);
        /* The refusals left the caller's capability where it was. */
        REQUIRE(system::describe(own).value().rights == (RightRaise | RightGrant | RightRevoke | RightMove));
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("a Task's own panic call ends it as Panicked; a malformed one is refused and changes nothing")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    static char const message[] = "panicking on purpose";
    static char const file[] = "TestSystemCalls.cpp";
    Task* task = MUST(executor.spawn(arena.reticle(), { "panicker", [](Bundle&) -> ErrorOr<i32> {
        kernel::CallFrame refused { u64(kernel::Call::Panic),
            { reinterpret_cast<uptr>(message), 4096, reinterpret_cast<uptr>(file), sizeof(file) - 1, 7 } };
        kernel::system_call(refused);
        if (static_cast<ErrorCode>(refused.error) != ErrorCode::NameTooLong)
            return 1;
        kernel::CallFrame frame { u64(kernel::Call::Panic),
            { reinterpret_cast<uptr>(message), sizeof(message) - 1, reinterpret_cast<uptr>(file), sizeof(file) - 1, 7 } };
        kernel::system_call(frame);
        return 2; /* not reached: the call ends the Task */
    }, 64 * KiB }));
    (void)executor.run_until_exit(*task);
    REQUIRE(task->exit_cause() == ExitCause::Panicked);
    REQUIRE(std::string_view(task->failure_message()) == message);
    MUST(executor.reap(*task));
}

TEST_CASE("a kernel call that acts for a Task is refused outside any Task")
{
    RingCap nothing(1, 1, 1);
    REQUIRE(code_of(system::reset_ring(nothing)) == ErrorCode::InvalidArgument);
    REQUIRE(system::monotonic_nanoseconds() > 0);
}
