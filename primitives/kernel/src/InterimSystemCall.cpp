/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * INTERIM kernel-call dispatch: the few calls protection domains and their tests need until the
 * full dispatch of vectra/System.h replaces this file. It follows the same rules: every word of
 * the frame is untrusted, every handle is looked up in the caller's own space, every pointer is
 * checked with caller_may_access before it is touched.
 *
 * A handle travels as one word: slot in bits 0-15, generation in bits 16-47 (the space is always
 * the caller's own). Arguments per call:
 *   ConsoleWrite  [0] DeviceCap, [1] text address, [2] length
 *   Wait          [0] mask                              → results[0] the bits taken
 *   Yield, MonotonicNow                                 → results[0] nanoseconds (MonotonicNow)
 *   Exit          [0] status, [1] error code (0: none)  — never returns
 *   Attenuate     [0] class, [1] handle, [2] rights kept → results[0] the new handle
 *   Remove        [0] class, [1] handle
 *   BundleTake    [0] name address, [1] length, [2] class → results[0] the handle
 *   CreateMemory  [0] ReticleCap (retype), [1] size, [2] rights (0: read, write, grant, revoke)
 *                                                       → results[0] the MemCap
 *   MapMemory     [0] class (Memory or Ring), [1] handle → results[0] address, [1] size mapped
 *   RingBind      [0] RingCap, [1] schema id, [2] end (0 producer, 1 consumer), [3] doorbell or space bit
 *   RingSend      [0] RingCap (bound as producer), [1] message address, [2] length
 *   RingReceive   [0] RingCap (bound as consumer), [1] buffer address, [2] capacity → results[0] length
 *                 (Empty when nothing is there; a capability in the slot is dropped, as for a receiver
 *                 offering no space)
 * Bindings live in a table of `maximum_bindings` here, keyed by space and slot; a Task binding the
 * same slot again replaces its entry. The full dispatch keeps them with the Task instead.
 */

#include <vectra/Executor.h>
#include <vectra/MemoryObject.h>
#include <vectra/Ring.h>
#include <vectra/Try.h>
#include <vectra/kernel/CallFrame.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/platform/Platform.h>
#include <optional>

namespace vectra::kernel {

namespace {

struct Decoded {
    u16 slot;
    u32 generation;
};

ErrorOr<Decoded> decode_handle(u64 word)
{
    if (word >> 48)
        return Error(ErrorCode::InvalidArgument, "a handle word holds a slot and a generation only");
    return Decoded { u16(word & 0xffff), u32(word >> 16) };
}

u64 encode_handle(u16 slot, u32 generation) { return (u64(generation) << 16) | slot; }

ErrorOr<CapabilityClass> decode_class(u64 word)
{
    if (word < u64(CapabilityClass::Task) || word > u64(CapabilityClass::Timer))
        return Error(ErrorCode::InvalidArgument, "no such capability class");
    return CapabilityClass(word);
}

ErrorOr<std::string_view> user_text(u64 address, u64 length, usize maximum)
{
    if (length > maximum)
        return Error(ErrorCode::TooLarge, "text too long for this call");
    if (!caller_may_access(uptr(address), usize(length), false))
        return Error(ErrorCode::InvalidArgument, "the text lies in memory the caller may not read");
    return std::string_view(reinterpret_cast<char const*>(address), usize(length));
}

template<CapabilityClass Class>
ErrorOr<u64> take(Bundle& bundle, std::string_view name)
{
    auto handle = TRY(bundle.take<Handle<Class>>(name));
    return encode_handle(handle.slot(), handle.generation());
}

ErrorOr<u64> bundle_take(Bundle& bundle, std::string_view name, CapabilityClass capability_class)
{
    switch (capability_class) {
    case CapabilityClass::Task: return take<CapabilityClass::Task>(bundle, name);
    case CapabilityClass::Memory: return take<CapabilityClass::Memory>(bundle, name);
    case CapabilityClass::Ring: return take<CapabilityClass::Ring>(bundle, name);
    case CapabilityClass::Signal: return take<CapabilityClass::Signal>(bundle, name);
    case CapabilityClass::Bundle: return take<CapabilityClass::Bundle>(bundle, name);
    case CapabilityClass::Reticle: return take<CapabilityClass::Reticle>(bundle, name);
    case CapabilityClass::Irq: return take<CapabilityClass::Irq>(bundle, name);
    case CapabilityClass::Device: return take<CapabilityClass::Device>(bundle, name);
    case CapabilityClass::Timer: return take<CapabilityClass::Timer>(bundle, name);
    }
    return Error(ErrorCode::InvalidArgument, "no such capability class");
}

struct Binding {
    u32 space { 0 };
    u16 slot { 0 };
    std::optional<RingSender> sender;
    std::optional<RingReceiver> receiver;
};

constexpr usize maximum_bindings = 32;
Binding s_bindings[maximum_bindings];

/* The caller's binding through its RingCap `word`, or a free entry for it when `make` is set. */
ErrorOr<Binding*> binding_of(CapabilitySpace& space, u64 word, bool make)
{
    auto handle = TRY(decode_handle(word));
    TRY(space.lookup(RingCap(space.id(), handle.slot, handle.generation), 0));
    Binding* free_entry = nullptr;
    for (auto& binding : s_bindings) {
        if (binding.space == space.id() && binding.slot == handle.slot)
            return &binding;
        if (!free_entry && !binding.sender && !binding.receiver)
            free_entry = &binding;
    }
    if (!make)
        return Error(ErrorCode::NotFound, "the Ring end is not bound through this capability");
    if (!free_entry) {
        /* An entry of a Task that has ended is never looked up again (space ids are never reused). */
        for (auto& binding : s_bindings) {
            bool alive = false;
            for (Task* task = Executor::current().tasks(); task && !alive; task = task->next_listed())
                alive = task->state() != TaskState::Exited && task->capabilities().id() == binding.space;
            if (!alive) {
                binding = {};
                free_entry = &binding;
                break;
            }
        }
    }
    if (!free_entry)
        return Error(ErrorCode::Full, "the interim kernel-call dispatch has no room for another binding");
    free_entry->space = space.id();
    free_entry->slot = handle.slot;
    return free_entry;
}

ErrorOr<void> ring_call(CallFrame& frame, Task& self)
{
    auto& space = self.capabilities();
    auto const* arguments = frame.arguments;
    switch (Call(frame.number)) {
    case Call::RingBind: {
        if (arguments[3] > 63)
            return Error(ErrorCode::InvalidArgument, "signal bits are 0 to 63");
        auto handle = TRY(decode_handle(arguments[0]));
        RingCap ring(space.id(), handle.slot, handle.generation);
        SignalBit bit { u8(arguments[3]) };
        Binding* binding = TRY(binding_of(space, arguments[0], true));
        if (arguments[2] == 0) {
            auto sender = RingSender::bind(space, ring, arguments[1], self.signals(), bit);
            if (sender.is_error()) {
                if (!binding->receiver)
                    binding->space = 0;
                return sender.release_error();
            }
            binding->sender = sender.release_value();
        } else {
            auto receiver = RingReceiver::bind(space, ring, arguments[1], self.signals(), bit);
            if (receiver.is_error()) {
                if (!binding->sender)
                    binding->space = 0;
                return receiver.release_error();
            }
            binding->receiver = receiver.release_value();
        }
        return {};
    }
    case Call::RingSend: {
        Binding* binding = TRY(binding_of(space, arguments[0], false));
        if (!binding->sender)
            return Error(ErrorCode::WrongClass, "the Ring end is not bound as a producer");
        auto message = TRY(user_text(arguments[1], arguments[2], 64 * KiB));
        return binding->sender->try_send({ reinterpret_cast<u8 const*>(message.data()), message.size() });
    }
    case Call::RingReceive: {
        Binding* binding = TRY(binding_of(space, arguments[0], false));
        if (!binding->receiver)
            return Error(ErrorCode::WrongClass, "the Ring end is not bound as a consumer");
        if (arguments[2] > 64 * KiB || !caller_may_access(uptr(arguments[1]), usize(arguments[2]), true))
            return Error(ErrorCode::InvalidArgument, "the buffer lies in memory the caller may not write");
        auto received = TRY(binding->receiver->try_receive({ reinterpret_cast<u8*>(arguments[1]), usize(arguments[2]) }));
        frame.results[0] = received.length;
        return {};
    }
    default:
        return Error(ErrorCode::Unsupported, "no such kernel call (or not in the interim dispatch)");
    }
}

ErrorOr<void> dispatch(CallFrame& frame, Task& self)
{
    auto& space = self.capabilities();
    auto const* arguments = frame.arguments;
    switch (Call(frame.number)) {
    case Call::ConsoleWrite: {
        auto handle = TRY(decode_handle(arguments[0]));
        auto text = TRY(user_text(arguments[1], arguments[2], 4096));
        return console_write(space, ConsoleCap(space.id(), handle.slot, handle.generation), text);
    }
    case Call::Wait:
        if (arguments[0] == 0)
            return Error(ErrorCode::InvalidArgument, "wait needs a non-empty mask");
        frame.results[0] = Executor::current().wait(arguments[0]);
        return {};
    case Call::Yield:
        Executor::current().yield();
        return {};
    case Call::MonotonicNow:
        frame.results[0] = platform::monotonic_nanoseconds();
        return {};
    case Call::Exit: {
        if (arguments[1] > u64(ErrorCode::PeerClosed))
            Executor::current().exit_current(ErrorOr<i32>(Error(ErrorCode::InvalidArgument, "exit with an unknown error")));
        if (arguments[1] != 0)
            Executor::current().exit_current(ErrorOr<i32>(Error(ErrorCode(arguments[1]), "the Task's entry returned an error")));
        Executor::current().exit_current(i32(u32(arguments[0])));
    }
    case Call::Attenuate: {
        auto capability_class = TRY(decode_class(arguments[0]));
        auto handle = TRY(decode_handle(arguments[1]));
        if (space.is_full())
            return Error(ErrorCode::Full, "capability space is full");
        auto derived = TRY(space.derive(space.id(), handle.slot, handle.generation, capability_class,
            Rights(arguments[2] & all_rights), space, 0));
        frame.results[0] = encode_handle(derived.slot, derived.generation);
        return {};
    }
    case Call::Remove: {
        auto capability_class = TRY(decode_class(arguments[0]));
        auto handle = TRY(decode_handle(arguments[1]));
        return space.erase(space.id(), handle.slot, handle.generation, capability_class);
    }
    case Call::BundleTake: {
        auto name = TRY(user_text(arguments[0], arguments[1], Bundle::name_capacity));
        frame.results[0] = TRY(bundle_take(self.bundle(), name, TRY(decode_class(arguments[2]))));
        return {};
    }
    case Call::CreateMemory: {
        auto handle = TRY(decode_handle(arguments[0]));
        Reticle* reticle = TRY(space.lookup(ReticleCap(space.id(), handle.slot, handle.generation), RightRetype));
        if (arguments[1] == 0 || arguments[1] > 64 * MiB)
            return Error(ErrorCode::InvalidArgument, "a memory object is 1 byte to 64 MiB");
        Rights rights = arguments[2] == 0 ? RightRead | RightWrite | RightGrant | RightRevoke : Rights(arguments[2]);
        if ((rights & ~(RightRead | RightWrite | RightGrant | RightRevoke)) != 0)
            return Error(ErrorCode::InvalidArgument, "a MemCap carries read, write, grant and revoke only");
        if (space.is_full())
            return Error(ErrorCode::Full, "capability space is full");
        usize size = align_up(usize(arguments[1]), MemoryObject::page_granule);
        void* bytes = TRY(reticle->try_retype(size, MemoryObject::page_granule));
        auto* object = TRY(reticle->try_create<MemoryObject>(*reticle, static_cast<u8*>(bytes), usize(arguments[1])));
        auto capability = space.mint<CapabilityClass::Memory>(object, rights);
        if (capability.is_error()) {
            object->abandon();
            return capability.release_error();
        }
        frame.results[0] = encode_handle(capability.value().slot(), capability.value().generation());
        return {};
    }
    case Call::MapMemory: {
        auto capability_class = TRY(decode_class(arguments[0]));
        auto handle = TRY(decode_handle(arguments[1]));
        auto view = TRY(space.view(space.id(), handle.slot, handle.generation));
        if (view.capability_class != capability_class)
            return Error(ErrorCode::WrongClass, "capability is of another class");
        std::span<u8> pages;
        if (capability_class == CapabilityClass::Memory)
            pages = static_cast<MemoryObject*>(view.object)->pages();
        else if (capability_class == CapabilityClass::Ring)
            pages = static_cast<Ring*>(view.object)->slot_memory();
        else
            return Error(ErrorCode::WrongClass, "only MemCaps and RingCaps name memory");
        /* Memory is identity-mapped: where the kernel keeps it is where the Task sees it. */
        frame.results[0] = reinterpret_cast<uptr>(pages.data());
        frame.results[1] = pages.size();
        return {};
    }
    default:
        return ring_call(frame, self);
    }
}

}

void system_call(CallFrame& frame)
{
    frame.results[0] = 0;
    frame.results[1] = 0;
    auto result = dispatch(frame, Executor::current().current_task());
    frame.error = result.is_error() ? u64(result.error().code()) : 0;
    frame.message = result.is_error() ? result.error().message() : nullptr;
}

}
