/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The one file of the connection library that names the kernel: when the kernel's component
 * interface changes, this is what changes.
 */

#include <vectra/Executor.h>
#include <vectra/Signal.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/platform/Platform.h>

namespace vectra::endpoint {

namespace {

CapabilitySpace& own_space() { return this_task().capabilities(); }

}

ErrorOr<RingSender> bind_sender(RingCap const& ring, u64 schema_id, SignalBit space_bit)
{
    auto& self = this_task();
    return RingSender::bind(self.capabilities(), ring, schema_id, self.signals(), space_bit);
}

ErrorOr<RingReceiver> bind_receiver(RingCap const& ring, u64 schema_id, SignalBit doorbell)
{
    auto& self = this_task();
    return RingReceiver::bind(self.capabilities(), ring, schema_id, self.signals(), doorbell);
}

ErrorOr<ReceivedMessage> receive(RingReceiver& receiver, std::span<u8> buffer)
{
    return receiver.try_receive(buffer, &own_space());
}

ErrorOr<void> send_moving(RingSender& sender, std::span<u8 const> message, RingCap&& capability)
{
    return sender.try_send_with(message, own_space(), std::move(capability));
}

ErrorOr<void> send_moving(RingSender& sender, std::span<u8 const> message, ReticleCap&& capability)
{
    return sender.try_send_with(message, own_space(), std::move(capability));
}

ErrorOr<void> send_copy(RingSender& sender, std::span<u8 const> message, RingCap const& capability, Rights keep)
{
    return sender.try_send_copy(message, own_space(), capability, keep);
}

u64 now_nanoseconds() { return platform::monotonic_nanoseconds(); }

u64 wait(u64 mask) { return Executor::current().wait(mask); }

u64 wait_until(u64 mask, u64 deadline_nanoseconds, SignalBit timeout_bit)
{
    return Executor::current().wait_until(mask, deadline_nanoseconds, timeout_bit);
}

void yield() { Executor::current().yield(); }

ErrorOr<ReticleCap> carve(ReticleCap const& parent, usize size) { return kernel::carve(own_space(), parent, size); }

ErrorOr<void> reclaim(ReticleCap const& reticle) { return kernel::reclaim(own_space(), reticle); }

ErrorOr<RingCap> create_ring(ReticleCap const& memory, u32 slot_count, u32 slot_size, u64 schema_id)
{
    return kernel::create_ring(own_space(), memory, slot_count, slot_size, schema_id);
}

ErrorOr<RingCap> attenuate(RingCap const& ring, Rights keep) { return own_space().attenuate(ring, keep); }

ErrorOr<void> remove(RingCap&& ring) { return own_space().remove(std::move(ring)); }

ErrorOr<void> remove(ReticleCap&& reticle) { return own_space().remove(std::move(reticle)); }

ErrorOr<ReticleCap> as_reticle(ReceivedCapability const& received) { return received.as<CapabilityClass::Reticle>(); }

ErrorOr<RingCap> as_ring(ReceivedCapability const& received) { return received.as<CapabilityClass::Ring>(); }

ErrorOr<Reticle*> reticle(ReticleCap const& memory) { return own_space().lookup(memory, RightRetype); }

ErrorOr<void> raise(SignalCap const& signal) { return vectra::raise(own_space(), signal); }

void discard(ReceivedCapability const& received)
{
    (void)own_space().erase(received.handle.space, received.handle.slot, received.handle.generation,
        received.capability_class);
}

}
