/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The kernel calls of vectra/kernel/Kernel.h: validate every handle, then create or change.
 */

#include <vectra/kernel/Executor.h>
#include <vectra/Try.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/Kernel.h>
#include "NewObjects.h"

namespace vectra {

CapabilitySpace& current_capabilities()
{
    return Executor::current().current_task().capabilities();
}

ErrorOr<void> console_write(CapabilitySpace const& space, ConsoleCap const& console, std::string_view text)
{
    Device* device = TRY(space.lookup(console, RightWrite));
    if (device->kind() != Device::Kind::Console)
        return Error(ErrorCode::WrongClass, "the DeviceCap names a device that is not the console");
    static_cast<ConsoleDevice*>(device)->write(text);
    return {};
}

}

namespace vectra::kernel {

ErrorOr<ReticleCap> carve(CapabilitySpace& space, ReticleCap const& parent, usize size)
{
    Reticle* reticle = TRY(space.lookup(parent, RightRetype));
    TRY(ensure_room(space));
    Reticle* child = TRY(reticle->try_carve(size));
    return name_new_object<CapabilityClass::Reticle>(space, child, all_rights);
}

ErrorOr<TaskCap> spawn(CapabilitySpace& space, TaskCap const& authority, ReticleCap const& memory,
    SpawnParameters const& parameters)
{
    TRY(space.lookup(authority, RightSpawn));
    Reticle* reticle = TRY(space.lookup(memory, RightRetype));
    TRY(ensure_room(space));
    Task* child = TRY(Executor::current().spawn(*reticle, parameters));
    /* Cannot fail: the space had room and nothing ran since. */
    return MUST(space.mint<CapabilityClass::Task>(child, RightRead | RightGrant | RightRevoke | RightMove));
}

ErrorOr<Task*> task(CapabilitySpace& space, TaskCap const& capability)
{
    return space.lookup(capability, RightRead);
}

ErrorOr<void> reap(CapabilitySpace& space, TaskCap&& capability)
{
    Task* child = TRY(space.lookup(capability, RightRevoke));
    TRY(Executor::current().reap(*child));
    return space.remove(std::move(capability));
}

ErrorOr<void> reclaim(CapabilitySpace& space, ReticleCap const& memory)
{
    Reticle* reticle = TRY(space.lookup(memory, RightRetype));
    return reticle->try_reclaim();
}

ErrorOr<RingCap> create_ring(CapabilitySpace& space, ReticleCap const& memory, u32 slot_count, u32 slot_size, u64 schema_id)
{
    Reticle* reticle = TRY(space.lookup(memory, RightRetype));
    TRY(ensure_room(space));
    Ring* ring = TRY(Ring::try_create(*reticle, slot_count, slot_size, schema_id));
    return name_new_object<CapabilityClass::Ring>(space, ring, all_rights);
}

ErrorOr<void> reset_ring(CapabilitySpace& space, RingCap const& capability)
{
    Ring* ring = TRY(space.lookup(capability, RightRevoke));
    ring->reset();
    return {};
}

ErrorOr<SignalCap> signal_capability(CapabilitySpace& space, SignalBit bit)
{
    auto& self = Executor::current().current_task();
    if (&self.capabilities() != &space)
        return Error(ErrorCode::ForeignHandle, "a Task can only hand out bits of its own Signal Mask");
    TRY(ensure_room(space));
    return space.mint<CapabilityClass::Signal>(&self.signals(), RightRaise | RightGrant | RightRevoke | RightMove, bit.index());
}

ErrorOr<TimerCap> create_timer(CapabilitySpace& space, ReticleCap const& memory, SignalBit bit)
{
    auto& self = Executor::current().current_task();
    if (&self.capabilities() != &space)
        return Error(ErrorCode::ForeignHandle, "a Task creates timers only for its own Signal Mask");
    Reticle* reticle = TRY(space.lookup(memory, RightRetype));
    TRY(ensure_room(space));
    Timer* timer = TRY(reticle->try_create<Timer>(reticle, self.signals(), bit));
    return name_new_object<CapabilityClass::Timer>(space, timer, RightWrite | RightGrant | RightRevoke | RightMove);
}

}
