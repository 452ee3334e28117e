/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The lifetime rule (vectra/KernelObject.h), tried the way an attacker would: for each way a
 * caller could get memory reused while something still names it, or keep authority after it
 * was revoked, the refusal or the tear-down is checked — and that the memory is returned once
 * nothing names it any more.
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <vector>
#include <vectra/Bundle.h>
#include <vectra/Bytes.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/MemoryObject.h>
#include <vectra/kernel/Ring.h>
#include <vectra/kernel/Console.h>
#include <vectra/Try.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/platform/Platform.h>

using namespace vectra;

namespace {

constexpr u64 schema = schema_id_of("lifetime test ring\n");

std::span<u8 const> byte_message()
{
    static u8 const byte = 7;
    return { &byte, 1 };
}

/* A supervisor's view: a space holding a ReticleCap over an arena and the spawn authority. */
struct Supervisor {
    test::Arena arena { 4 * MiB };
    SignalMask mask;
    CapabilitySpace space { allocate_space_id() };
    ReticleCap memory;
    Task* authority_task { nullptr };
    TaskCap authority;

    Supervisor()
    {
        memory = space.mint<CapabilityClass::Reticle>(&arena.reticle(), RightRetype | RightGrant | RightRevoke).release_value();
    }
    /* The spawn authority names some Task: a parked one made here. */
    void with_authority(Reticle& from)
    {
        authority_task = Executor::current().spawn(from, { "authority", [](Bundle&) -> ErrorOr<i32> { return 0; } }).value();
        authority = space.mint<CapabilityClass::Task>(authority_task, RightSpawn | RightGrant).release_value();
    }
    ~Supervisor()
    {
        (void)space.clear();
        while (Task* task = Executor::current().tasks()) {
            if (task->state() != TaskState::Exited)
                Executor::current().stop(*task);
            else
                (void)Executor::current().reap(*task);
        }
    }
};

/* Another Task's view: its mask and its space, cleared when it exits (here at the latest at scope end). */
struct Peer {
    SignalMask mask;
    CapabilitySpace space { allocate_space_id() };
    ~Peer() { (void)space.clear(); }
};

/* A Ring from `memory`: the supervisor sends on it, `peer` receives through a copy it was lent. */
struct Connection {
    RingCap ring;
    RingProducer sender;
    RingConsumer receiver;
};

Connection connect(Supervisor& supervisor, Peer& peer, ReticleCap const& memory)
{
    auto ring = kernel::create_ring(supervisor.space, memory, 4, 64, schema).release_value();
    auto receive_end = supervisor.space.copy_to(peer.space, ring, RightReceive).release_value();
    auto sender = RingProducer::bind(supervisor.space, ring, schema, supervisor.mask, SignalBit(1)).release_value();
    auto receiver = RingConsumer::bind(peer.space, receive_end, schema, peer.mask, SignalBit(2)).release_value();
    return { std::move(ring), sender, receiver };
}

CapabilitySpace const* ring_consumer_of(CapabilitySpace& space, RingCap const& ring)
{
    return space.lookup(ring, 0).value()->consumer_space();
}

ErrorOr<i32> wait_forever(Bundle&)
{
    (void)wait(SignalBit(9).mask());
    return 0;
}

ErrorOr<i32> yield_then_return(Bundle&)
{
    for (int turn = 0; turn < 4; ++turn)
        Executor::current().yield();
    return 0;
}

}

TEST_CASE("a child Reticle whose capability is deleted keeps its parent busy while its objects live")
{
    Supervisor supervisor;
    auto child = kernel::carve(supervisor.space, supervisor.memory, 64 * KiB).release_value();
    auto ring = kernel::create_ring(supervisor.space, child, 4, 64, schema).release_value();
    REQUIRE_FALSE(supervisor.space.remove(std::move(child)).is_error());
    /* The attack: reclaim the parent and retype over the live Ring. */
    REQUIRE(kernel::reclaim(supervisor.space, supervisor.memory).error().code() == ErrorCode::Busy);
    /* The Ring still works, so its bytes are still in use. */
    auto sender = RingProducer::bind(supervisor.space, ring, schema, supervisor.mask, SignalBit(1)).release_value();
    REQUIRE_FALSE(sender.try_send(byte_message()).is_error());
    sender.unbind();
    REQUIRE_FALSE(supervisor.space.remove(std::move(ring)).is_error());
    REQUIRE_FALSE(kernel::reclaim(supervisor.space, supervisor.memory).is_error());
}

TEST_CASE("deleting the last TaskCap of a live Task stops it, tells its supervisor, and only then frees its memory")
{
    Supervisor supervisor;
    auto& executor = Executor::current();
    auto task_memory = kernel::carve(supervisor.space, supervisor.memory, 256 * KiB).release_value();
    supervisor.with_authority(supervisor.arena.reticle());
    SpawnParameters parameters { "victim", wait_forever };
    parameters.supervisor_mask = &supervisor.mask;
    parameters.exit_bit = SignalBit(30);
    auto victim = kernel::spawn(supervisor.space, supervisor.authority, task_memory, parameters).release_value();
    Task* victim_task = kernel::task(supervisor.space, victim).release_value();
    /* Let it run until it waits. */
    Task* nudger = executor.spawn(supervisor.arena.reticle(), { "nudger", yield_then_return }).value();
    REQUIRE(executor.run_until_exit(*nudger).value() == 0);
    REQUIRE(victim_task->state() == TaskState::Waiting);
    /* The attack: reclaim the Reticle the running Task lives in. */
    REQUIRE(kernel::reclaim(supervisor.space, task_memory).error().code() == ErrorCode::Busy);
    /* Deleting its only TaskCap stops it at once. */
    REQUIRE_FALSE(supervisor.space.remove(std::move(victim)).is_error());
    REQUIRE(victim_task->state() == TaskState::Exited);
    REQUIRE(victim_task->exit_cause() == ExitCause::Stopped);
    REQUIRE_FALSE(victim_task->is_listed());
    REQUIRE(supervisor.mask.take(SignalBit(30).mask()) == SignalBit(30).mask());
    REQUIRE_FALSE(kernel::reclaim(supervisor.space, task_memory).is_error());
    REQUIRE(executor.reap(*nudger).is_error() == false);
}

namespace {

struct SpawnerRecord {
    Task* child { nullptr };
};
SpawnerRecord s_spawner;

ErrorOr<i32> spawner(Bundle& bundle)
{
    auto& space = this_task().capabilities();
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto tasks = TRY(bundle.take<TaskCap>("tasks"));
    auto child = TRY(kernel::spawn(space, tasks, memory, { "orphan", wait_forever }));
    s_spawner.child = TRY(kernel::task(space, child));
    Executor::current().yield(); /* let the child start waiting */
    return 0; /* exits holding the child's only TaskCap */
}

}

TEST_CASE("a spawner that exits takes down the Tasks only it held")
{
    Supervisor supervisor;
    auto& executor = Executor::current();
    supervisor.with_authority(supervisor.arena.reticle());
    auto spawner_memory = kernel::carve(supervisor.space, supervisor.memory, 512 * KiB).release_value();
    auto parent = kernel::spawn(supervisor.space, supervisor.authority, spawner_memory, { "spawner", spawner }).release_value();
    Task* parent_task = kernel::task(supervisor.space, parent).release_value();
    REQUIRE_FALSE(parent_task->bundle().grant("memory", supervisor.space, spawner_memory, RightRetype).is_error());
    REQUIRE_FALSE(parent_task->bundle().grant("tasks", supervisor.space, supervisor.authority, RightSpawn).is_error());
    REQUIRE(executor.run_until_exit(*parent_task).value() == 0);
    REQUIRE(s_spawner.child->state() == TaskState::Exited);
    REQUIRE(s_spawner.child->exit_cause() == ExitCause::Stopped);
    REQUIRE_FALSE(s_spawner.child->is_listed());
    REQUIRE_FALSE(kernel::reap(supervisor.space, std::move(parent)).is_error());
    REQUIRE_FALSE(kernel::reclaim(supervisor.space, spawner_memory).is_error());
}

TEST_CASE("removing a Ring's last capability closes it for bound ends, and its memory waits for them")
{
    Supervisor supervisor;
    Peer consumer;
    auto memory = kernel::carve(supervisor.space, supervisor.memory, 64 * KiB).release_value();
    auto [ring, sender, receiver] = connect(supervisor, consumer, memory);
    REQUIRE_FALSE(sender.try_send(byte_message()).is_error());
    (void)consumer.mask.take(~u64(0));
    REQUIRE_FALSE(supervisor.space.remove(std::move(ring)).is_error());
    /* Both ends see PeerClosed, and the consumer was woken to notice. */
    u8 buffer[64];
    REQUIRE(receiver.try_receive(buffer).error().code() == ErrorCode::PeerClosed);
    REQUIRE(sender.try_send(byte_message()).error().code() == ErrorCode::PeerClosed);
    REQUIRE(consumer.mask.take(SignalBit(2).mask()) == SignalBit(2).mask());
    /* The attack: reclaim under the ends still bound. */
    REQUIRE(kernel::reclaim(supervisor.space, memory).error().code() == ErrorCode::Busy);
    sender.unbind();
    REQUIRE(kernel::reclaim(supervisor.space, memory).error().code() == ErrorCode::Busy);
    (void)consumer.space.clear(); /* the consumer Task exits */
    REQUIRE_FALSE(kernel::reclaim(supervisor.space, memory).is_error());
}

TEST_CASE("revoking the RingCap an end was bound through revokes the binding")
{
    Supervisor supervisor;
    Peer client;
    Peer other;
    auto ring = kernel::create_ring(supervisor.space, supervisor.memory, 4, 64, schema).release_value();
    auto lent = supervisor.space.copy_to(client.space, ring, RightSend).release_value();
    auto sender = RingProducer::bind(client.space, lent, schema, client.mask, SignalBit(3)).release_value();
    REQUIRE_FALSE(sender.try_send(byte_message()).is_error());
    REQUIRE(supervisor.space.revoke(ring).value() == 1);
    REQUIRE(sender.try_send(byte_message()).error().code() == ErrorCode::Revoked);
    REQUIRE(sender.try_send_burst({}).error().code() == ErrorCode::Revoked);
    /* The end stays the client's until it exits: nobody else can take it over meanwhile. */
    auto other_end = supervisor.space.copy_to(other.space, ring, RightSend).release_value();
    REQUIRE(RingProducer::bind(other.space, other_end, schema, other.mask, SignalBit(3)).error().code() == ErrorCode::Busy);
    (void)client.space.clear();
    auto taken = RingProducer::bind(other.space, other_end, schema, other.mask, SignalBit(3)).release_value();
    REQUIRE_FALSE(taken.try_send(byte_message()).is_error());
}

TEST_CASE("a Ring end is bound by one Task at a time: a second binder is refused, the first may bind again")
{
    Supervisor supervisor;
    Peer thief;
    auto ring = kernel::create_ring(supervisor.space, supervisor.memory, 4, 64, schema).release_value();
    auto stolen = supervisor.space.copy_to(thief.space, ring, RightReceive).release_value();
    auto receiver = RingConsumer::bind(supervisor.space, ring, schema, supervisor.mask, SignalBit(4)).release_value();
    /* The attack: bind the same end from another Task to take its doorbell and messages. */
    REQUIRE(RingConsumer::bind(thief.space, stolen, schema, thief.mask, SignalBit(4)).error().code() == ErrorCode::Busy);
    REQUIRE(ring_consumer_of(supervisor.space, ring) == &supervisor.space);
    /* Binding again from the same Task replaces its own binding; the old handle is stale. */
    auto again = RingConsumer::bind(supervisor.space, ring, schema, supervisor.mask, SignalBit(5)).release_value();
    u8 buffer[64];
    REQUIRE(receiver.try_receive(buffer).error().code() == ErrorCode::StaleHandle);
    REQUIRE(again.try_receive(buffer).error().code() == ErrorCode::Empty);
}

TEST_CASE("a capability revoked while in flight is dropped; the message arrives and the Ring flows on")
{
    Supervisor supervisor;
    Peer receiving;
    auto [ring, sender, receiver] = connect(supervisor, receiving, supervisor.memory);
    auto& receiver_space = receiving.space;
    auto memory = MemoryObject::try_create(supervisor.arena.reticle(), supervisor.space, 4096).release_value();
    REQUIRE_FALSE(sender.try_send_copy(as_bytes("lent"), supervisor.space, memory, RightRead).is_error());
    REQUIRE_FALSE(sender.try_send(byte_message()).is_error());
    /* The attack: revoke the copy before the receiver takes it, to wedge the receiver. */
    REQUIRE(supervisor.space.revoke(memory).value() == 1);
    u8 buffer[64];
    auto first = receiver.try_receive(buffer, &receiver_space).release_value();
    REQUIRE(first.length == 4);
    REQUIRE_FALSE(first.has_capability);
    REQUIRE(first.capability_error == ErrorCode::Revoked);
    REQUIRE(receiver.try_receive(buffer, &receiver_space).value().length == 1);
    REQUIRE(receiver.try_receive(buffer, &receiver_space).error().code() == ErrorCode::Empty);
    REQUIRE(receiver_space.count() == 1); /* only its end of the Ring: nothing leaked in */
}

TEST_CASE("calls that build then name an object leave nothing behind when the space is full")
{
    Supervisor supervisor;
    auto memory = kernel::carve(supervisor.space, supervisor.memory, 512 * KiB).release_value();
    /* Fill the space with copies. */
    std::vector<ReticleCap> fillers;
    while (!supervisor.space.is_full())
        fillers.push_back(supervisor.space.attenuate(supervisor.memory, RightRetype).release_value());
    usize used = supervisor.space.count();
    REQUIRE(kernel::carve(supervisor.space, memory, 4 * KiB).error().code() == ErrorCode::Full);
    REQUIRE(kernel::create_ring(supervisor.space, memory, 4, 64, schema).error().code() == ErrorCode::Full);
    REQUIRE(MemoryObject::try_create(static_cast<Reticle&>(*supervisor.space.lookup(memory, RightRetype).value()),
                supervisor.space, 64)
                .error()
                .code()
        == ErrorCode::Full);
    REQUIRE(supervisor.space.count() == used);
    /* No child count leaked: the Reticle is reclaimable, so its parent can be too. */
    REQUIRE_FALSE(kernel::reclaim(supervisor.space, memory).is_error());
    for (auto& filler : fillers)
        REQUIRE_FALSE(supervisor.space.remove(std::move(filler)).is_error());
    REQUIRE_FALSE(supervisor.space.remove(std::move(memory)).is_error());
    REQUIRE_FALSE(kernel::reclaim(supervisor.space, supervisor.memory).is_error());
}

namespace {

struct TimerAndRouteRecord {
    bool armed_before { false };
    bool armed_after { true };
    bool routed_raised { false };
    bool raised_after_removal { true };
    bool routed_after_removal { true };
    ErrorCode timer_in_full_space { ErrorCode::None };
};
TimerAndRouteRecord s_record;
InterruptLine* s_line = nullptr;

ErrorOr<i32> timer_and_route(Bundle& bundle)
{
    auto& space = this_task().capabilities();
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto timer = TRY(kernel::create_timer(space, memory, SignalBit(7)));
    TRY(Executor::current().arm_timer(space, timer, platform::monotonic_nanoseconds() + 60'000'000'000ull));
    Timer* object = TRY(space.lookup(timer, RightWrite));
    s_record.armed_before = object->is_armed();
    /* Removing an armed Timer's only capability disarms it: nothing will raise through it later. */
    TRY(space.remove(std::move(timer)));
    s_record.armed_after = object->is_armed();

    auto irq = TRY(bundle.take<IrqCap>("irq"));
    TRY(kernel::bind_interrupt(space, irq, SignalBit(8)));
    kernel::interrupt_arrived(s_line->line());
    s_record.routed_raised = this_task().signals().take(SignalBit(8).mask()) != 0;
    TRY(space.remove(std::move(irq)));
    kernel::interrupt_arrived(s_line->line());
    s_record.raised_after_removal = this_task().signals().take(SignalBit(8).mask()) != 0;
    s_record.routed_after_removal = s_line->is_routed();

    while (!space.is_full())
        (void)TRY(space.attenuate(memory, RightRetype));
    auto refused = kernel::create_timer(space, memory, SignalBit(7));
    s_record.timer_in_full_space = refused.is_error() ? refused.error().code() : ErrorCode::None;
    return 0;
}

}

TEST_CASE("an armed Timer loses its arming, and an interrupt route its line, with their last capability")
{
    Supervisor supervisor;
    auto& executor = Executor::current();
    supervisor.with_authority(supervisor.arena.reticle());
    InterruptLine line(platform::software_interrupt_line());
    s_line = &line;
    auto irq = supervisor.space.mint<CapabilityClass::Irq>(&line, RightReceive | RightGrant | RightMove).release_value();
    auto timer_memory = kernel::carve(supervisor.space, supervisor.memory, 64 * KiB).release_value();
    auto task_memory = kernel::carve(supervisor.space, supervisor.memory, 512 * KiB).release_value();
    auto task = kernel::spawn(supervisor.space, supervisor.authority, task_memory, { "timers", timer_and_route }).release_value();
    Task* running = kernel::task(supervisor.space, task).release_value();
    REQUIRE_FALSE(running->bundle().grant("memory", supervisor.space, timer_memory, RightRetype).is_error());
    REQUIRE_FALSE(running->bundle().give("irq", supervisor.space, std::move(irq)).is_error());
    REQUIRE(executor.run_until_exit(*running).value() == 0);
    REQUIRE(s_record.armed_before);
    REQUIRE_FALSE(s_record.armed_after);
    REQUIRE(s_record.routed_raised);
    REQUIRE_FALSE(s_record.raised_after_removal);
    REQUIRE_FALSE(s_record.routed_after_removal);
    REQUIRE(s_record.timer_in_full_space == ErrorCode::Full);
    REQUIRE_FALSE(kernel::reclaim(supervisor.space, timer_memory).is_error());
    REQUIRE_FALSE(kernel::reap(supervisor.space, std::move(task)).is_error());
    REQUIRE_FALSE(kernel::reclaim(supervisor.space, task_memory).is_error());
    REQUIRE(line.is_retired());
}

TEST_CASE("a Task that bound a Ring end and exited leaves no doorbell behind")
{
    Supervisor supervisor;
    Peer consumer;
    auto [ring, sender, receiver] = connect(supervisor, consumer, supervisor.memory);
    auto& consumer_mask = consumer.mask;
    REQUIRE(consumer_mask.reference_count() == 1); /* the binding pins the consumer's mask */
    (void)consumer.space.clear(); /* the consumer exits */
    REQUIRE(consumer_mask.reference_count() == 0);
    REQUIRE(ring_consumer_of(supervisor.space, ring) == nullptr);
    REQUIRE_FALSE(sender.try_send(byte_message()).is_error());
    REQUIRE(consumer_mask.peek(~u64(0)) == 0);
}

TEST_CASE("a binding follows its RingCap when it moves, and is revoked with it there")
{
    Supervisor supervisor;
    Peer client;
    Peer holder;
    auto ring = kernel::create_ring(supervisor.space, supervisor.memory, 4, 64, schema).release_value();
    auto lent = supervisor.space.copy_to(client.space, ring, RightSend | RightMove).release_value();
    auto sender = RingProducer::bind(client.space, lent, schema, client.mask, SignalBit(3)).release_value();
    /* Moving the entry elsewhere neither ends the binding nor lets it escape revocation. */
    auto moved = client.space.move_to(holder.space, std::move(lent)).release_value();
    REQUIRE_FALSE(sender.try_send(byte_message()).is_error());
    REQUIRE(supervisor.space.revoke(ring).value() == 1);
    REQUIRE(sender.try_send(byte_message()).error().code() == ErrorCode::Revoked);
    REQUIRE(holder.space.lookup(moved, 0).error().code() == ErrorCode::StaleHandle);
}

namespace {

bool s_ran_past_its_wait = false;

ErrorOr<i32> drops_its_own_task_capability(Bundle& bundle)
{
    auto self = TRY(bundle.take<TaskCap>("self"));
    TRY(this_task().capabilities().remove(std::move(self)));
    /* Its last TaskCap is gone: it ends here, at its next wait. */
    (void)wait(SignalBit(9).mask());
    s_ran_past_its_wait = true;
    return 0;
}

}

TEST_CASE("a Task that deletes its own last TaskCap ends at its next wait")
{
    Supervisor supervisor;
    auto& executor = Executor::current();
    supervisor.with_authority(supervisor.arena.reticle());
    auto task_memory = kernel::carve(supervisor.space, supervisor.memory, 256 * KiB).release_value();
    auto task = kernel::spawn(supervisor.space, supervisor.authority, task_memory, { "self-stopper", drops_its_own_task_capability })
                    .release_value();
    Task* running = kernel::task(supervisor.space, task).release_value();
    REQUIRE_FALSE(running->bundle().give("self", supervisor.space, std::move(task)).is_error());
    REQUIRE(executor.run_until_exit(*running).value() == -1);
    REQUIRE(running->exit_cause() == ExitCause::Stopped);
    REQUIRE_FALSE(s_ran_past_its_wait);
    REQUIRE_FALSE(running->is_listed());
    REQUIRE_FALSE(kernel::reclaim(supervisor.space, task_memory).is_error());
}
