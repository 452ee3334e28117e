/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * RingSender and RingReceiver: each operation is one kernel call naming the binding.
 */

#include <vectra/Ring.h>
#include <vectra/Try.h>
#include <vectra/CallFrame.h>

namespace vectra {

using kernel::Call;
using kernel::CallFrame;

namespace {

ErrorOr<CallFrame> ring_call(Call number, u64 binding, u64 first = 0, u64 second = 0, u64 third = 0, u64 fourth = 0,
    u64 fifth = 0)
{
    CallFrame frame;
    frame.number = static_cast<u64>(number);
    frame.arguments[0] = binding;
    frame.arguments[1] = first;
    frame.arguments[2] = second;
    frame.arguments[3] = third;
    frame.arguments[4] = fourth;
    frame.arguments[5] = fifth;
    kernel::enter(frame);
    if (frame.error != 0)
        return Error(static_cast<ErrorCode>(frame.error), frame.message);
    return frame;
}

u64 word_of(RingBinding binding) { return kernel::binding_word(binding.index, binding.generation); }

RingBinding binding_of(u64 word) { return { static_cast<u32>(word), static_cast<u32>(word >> 32) }; }

ErrorOr<CallFrame> bind_call(RingCap const& ring, u64 schema_id, bool consumer, SignalBit bit)
{
    return ring_call(Call::RingBind, kernel::handle_word({ ring.space(), ring.slot(), ring.generation() }), ring.generation(),
        schema_id, (u64(consumer ? 1 : 0) << 8) | bit.index());
}

u64 address(void const* pointer) { return reinterpret_cast<uptr>(pointer); }

}

ErrorOr<RingSender> RingSender::bind(RingCap const& ring, u64 expected_schema_id, SignalBit space_bit)
{
    auto frame = TRY(bind_call(ring, expected_schema_id, false, space_bit));
    RingSender sender;
    sender.m_binding = binding_of(frame.results[0]);
    sender.m_payload_capacity = static_cast<u32>(frame.results[1]);
    sender.m_space_bit = space_bit;
    return sender;
}

ErrorOr<void> RingSender::try_send(std::span<u8 const> message)
{
    TRY(ring_call(Call::RingSend, word_of(m_binding), address(message.data()), message.size()));
    return {};
}

ErrorOr<usize> RingSender::try_send_burst(std::span<std::span<u8 const> const> messages)
{
    auto frame = TRY(ring_call(Call::RingSendBurst, word_of(m_binding), address(messages.data()), messages.size()));
    return static_cast<usize>(frame.results[0]);
}

ErrorOr<void> RingSender::send_with_capability(std::span<u8 const> message, CapabilityClass capability_class,
    RawHandle capability, bool copy, Rights keep)
{
    u64 how = u64(capability_class) | (u64(copy ? 1 : 0) << 8) | (u64(keep) << 16);
    TRY(ring_call(Call::RingSendCapability, word_of(m_binding), address(message.data()), message.size(),
        kernel::handle_word(capability), capability.generation, how));
    return {};
}

bool RingSender::is_full() const
{
    auto frame = ring_call(Call::RingState, word_of(m_binding));
    return !frame.is_error() && (frame.value().results[0] & 2) != 0;
}

u32 RingSender::free_slots() const
{
    auto frame = ring_call(Call::RingState, word_of(m_binding));
    return frame.is_error() ? 0 : static_cast<u32>(frame.value().results[1]);
}

void RingSender::unbind()
{
    (void)ring_call(Call::RingUnbind, word_of(m_binding));
}

ErrorOr<RingReceiver> RingReceiver::bind(RingCap const& ring, u64 expected_schema_id, SignalBit doorbell)
{
    auto frame = TRY(bind_call(ring, expected_schema_id, true, doorbell));
    RingReceiver receiver;
    receiver.m_binding = binding_of(frame.results[0]);
    receiver.m_payload_capacity = static_cast<u32>(frame.results[1]);
    receiver.m_doorbell = doorbell;
    return receiver;
}

ErrorOr<ReceivedMessage> RingReceiver::try_receive(std::span<u8> buffer)
{
    ReceivedMessage message;
    TRY(ring_call(Call::RingReceive, word_of(m_binding), address(buffer.data()), buffer.size(), address(&message)));
    return message;
}

ErrorOr<usize> RingReceiver::take_burst(std::span<u8> buffer, usize maximum)
{
    auto frame = TRY(ring_call(Call::RingReceiveBurst, word_of(m_binding), address(buffer.data()), buffer.size(), maximum));
    return static_cast<usize>(frame.results[0]);
}

bool RingReceiver::is_empty() const
{
    auto frame = ring_call(Call::RingState, word_of(m_binding));
    return frame.is_error() || (frame.value().results[0] & 1) != 0;
}

ErrorOr<void> RingReceiver::check_bound() const
{
    TRY(ring_call(Call::RingState, word_of(m_binding)));
    return {};
}

void RingReceiver::unbind()
{
    (void)ring_call(Call::RingUnbind, word_of(m_binding));
}

}
