/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The one file of the connection library that names the kernel: when the kernel's component
 * interface changes, this is what changes.
 */

#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>

namespace vectra::endpoint {

ErrorOr<RingSender> bind_sender(RingCap const& ring, u64 schema_id, SignalBit space_bit)
{
    return RingSender::bind(ring, schema_id, space_bit);
}

ErrorOr<RingReceiver> bind_receiver(RingCap const& ring, u64 schema_id, SignalBit doorbell)
{
    return RingReceiver::bind(ring, schema_id, doorbell);
}

ErrorOr<ReceivedMessage> receive(RingReceiver& receiver, std::span<u8> buffer) { return receiver.try_receive(buffer); }

ErrorOr<void> send_moving(RingSender& sender, std::span<u8 const> message, RingCap&& capability)
{
    return sender.try_send_with(message, std::move(capability));
}

ErrorOr<void> send_moving(RingSender& sender, std::span<u8 const> message, ReticleCap&& capability)
{
    return sender.try_send_with(message, std::move(capability));
}

ErrorOr<void> send_copy(RingSender& sender, std::span<u8 const> message, MemCap const& capability, Rights keep)
{
    return sender.try_send_copy(message, capability, keep);
}

ErrorOr<void> send_copy(RingSender& sender, std::span<u8 const> message, RingCap const& capability, Rights keep)
{
    return sender.try_send_copy(message, capability, keep);
}

ErrorOr<void> send_waiting_for_space(RingSender& sender, std::span<u8 const> message)
{
    for (;;) {
        auto sent = sender.try_send(message);
        if (!sent.is_error())
            return {};
        if (sent.error().code() != ErrorCode::Full)
            return sent.release_error();
        (void)system::wait(sender.space_bit().mask());
    }
}

u64 now_nanoseconds() { return system::monotonic_nanoseconds(); }

u64 wait(u64 mask) { return system::wait(mask); }

u64 wait_until(u64 mask, u64 deadline_nanoseconds, SignalBit timeout_bit)
{
    return system::wait_until(mask, deadline_nanoseconds, timeout_bit);
}

void yield() { system::yield(); }

ErrorOr<ReticleCap> carve(ReticleCap const& parent, usize size) { return system::carve(parent, size); }

ErrorOr<void> reclaim(ReticleCap const& reticle) { return system::reclaim(reticle); }

ErrorOr<RingCap> create_ring(ReticleCap const& memory, u32 slot_count, u32 slot_size, u64 schema_id)
{
    return system::create_ring(memory, slot_count, slot_size, schema_id);
}

ErrorOr<RingCap> attenuate(RingCap const& ring, Rights keep) { return system::attenuate(ring, keep); }

ErrorOr<void> remove(RingCap&& ring) { return system::remove(std::move(ring)); }

ErrorOr<void> remove(ReticleCap&& reticle) { return system::remove(std::move(reticle)); }

ErrorOr<ReticleCap> as_reticle(ReceivedCapability const& received) { return received.as<CapabilityClass::Reticle>(); }

ErrorOr<RingCap> as_ring(ReceivedCapability const& received) { return received.as<CapabilityClass::Ring>(); }

ErrorOr<std::span<u8>> memory(ReticleCap const& from, usize size)
{
    auto object = TRY(system::create_memory(from, size));
    return system::map_memory(object);
}

ErrorOr<void> raise(SignalCap const& signal) { return system::raise(signal); }

void discard(ReceivedCapability const& received)
{
    (void)system::remove(received.handle, received.capability_class);
}

ErrorOr<LentMemory> lent_memory(std::optional<ReceivedCapability> const& received, bool writable)
{
    if (!received)
        return Error(ErrorCode::InvalidArgument, "no MemCap came with the request");
    auto memory = received->as<CapabilityClass::Memory>();
    if (memory.is_error())
        return Error(ErrorCode::WrongClass, "the request carried a capability that is not memory");
    auto described = system::describe(memory.value());
    if (described.is_error())
        return described.release_error();
    if ((described.value().rights & RightRead) == 0 || (writable && (described.value().rights & RightWrite) == 0))
        return Error(ErrorCode::MissingRight, "the MemCap lacks read, or write where the server writes into it");
    auto view = system::map_memory_read_only(memory.value());
    if (view.is_error())
        return view.release_error();
    return LentMemory { memory.release_value(), view.value().size() };
}

}
