/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * kernel::system_call(): every kernel call a component makes arrives here as a CallFrame, by a
 * direct call or through a trap. Decode → validate → invoke: the caller is always the current
 * Task, its authority is always its own capability space, every handle is looked up again and
 * every pointer goes through caller_memory() before it is read or written.
 */

#include <vectra/Try.h>
#include <vectra/CallFrame.h>
#include <vectra/kernel/BlockDevice.h>
#include <vectra/kernel/Entropy.h>
#include <vectra/kernel/SnapshotDevice.h>
#include <vectra/kernel/I8042.h>
#include <vectra/kernel/HostInput.h>
#include <vectra/kernel/HostSockets.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/Display.h>
#include <vectra/kernel/Domain.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/kernel/KernelLock.h>
#include <vectra/config.h>
#include <vectra/kernel/MemoryObject.h>
#include <vectra/kernel/MmioSlot.h>
#include <vectra/kernel/PciDevice.h>
#include <vectra/kernel/Signal.h>
#include <vectra/platform/Platform.h>

namespace vectra::kernel {

namespace {

using BindingSlot = Task::RingBindingSlot;

Task& caller() { return Executor::current().current_task(); }
CapabilitySpace& caller_space() { return caller().capabilities(); }

RawHandle raw_argument(CallFrame const& frame, usize first)
{
    /*
     * Words with bits no handle_word() sets (above the slot, above the generation) name no
     * capability: they decode to a space no Task has, so every lookup refuses them
     * (ForeignHandle) instead of reading the truncated handle as a real one.
     */
    u64 first_word = frame.arguments[first];
    u64 second_word = frame.arguments[first + 1];
    if ((first_word >> 48) != 0 || (second_word >> 32) != 0)
        return { ~u32(0), 0, 0 };
    return handle_from_words(first_word, second_word);
}

template<CapabilityClass Class>
Handle<Class> handle_argument(CallFrame const& frame, usize first)
{
    auto raw = raw_argument(frame, first);
    return Handle<Class>(raw.space, raw.slot, raw.generation);
}

template<CapabilityClass Class>
void return_handle(CallFrame& frame, Handle<Class> const& handle)
{
    frame.results[0] = handle_word({ handle.space(), handle.slot(), handle.generation() });
    frame.results[1] = handle.generation();
}

void return_raw(CallFrame& frame, RawHandle handle)
{
    frame.results[0] = handle_word(handle);
    frame.results[1] = handle.generation;
}

ErrorOr<CapabilityClass> class_argument(u64 word)
{
    if (word < u64(CapabilityClass::Task) || word > u64(CapabilityClass::VirtioMmioSlot))
        return Error(ErrorCode::InvalidArgument, "no such capability class");
    return static_cast<CapabilityClass>(word);
}

ErrorOr<Rights> rights_argument(u64 word)
{
    if ((word & ~u64(all_rights)) != 0)
        return Error(ErrorCode::InvalidArgument, "rights outside the defined set");
    return static_cast<Rights>(word);
}

ErrorOr<SignalBit> bit_argument(u64 word)
{
    if (word > 63)
        return Error(ErrorCode::InvalidArgument, "a signal bit is 0 to 63");
    return SignalBit(static_cast<u8>(word));
}

/* The caller's bytes at [address, address + length), checked readable (or writable). */
ErrorOr<std::span<u8 const>> caller_bytes(u64 address, u64 length)
{
    if (length == 0)
        return std::span<u8 const>();
    u8 const* bytes = address + length < address ? nullptr : caller_memory(address, length, false);
    if (!bytes)
        return Error(ErrorCode::InvalidArgument, "the buffer is not memory the calling Task may read");
    return std::span<u8 const>(bytes, length);
}

ErrorOr<std::span<u8>> caller_writable_bytes(u64 address, u64 length)
{
    if (length == 0)
        return std::span<u8>();
    u8* bytes = address + length < address ? nullptr : caller_memory(address, length, true);
    if (!bytes)
        return Error(ErrorCode::InvalidArgument, "the buffer is not memory the calling Task may write");
    return std::span<u8>(bytes, length);
}

template<typename T>
ErrorOr<T const*> caller_object(u64 address)
{
    if (address % alignof(T) != 0)
        return Error(ErrorCode::InvalidArgument, "a kernel-call argument is misaligned");
    auto bytes = TRY(caller_bytes(address, sizeof(T)));
    return reinterpret_cast<T const*>(bytes.data());
}

template<typename T>
ErrorOr<T*> caller_writable_object(u64 address)
{
    if (address % alignof(T) != 0)
        return Error(ErrorCode::InvalidArgument, "a kernel-call result buffer is misaligned");
    auto bytes = TRY(caller_writable_bytes(address, sizeof(T)));
    return reinterpret_cast<T*>(bytes.data());
}

ErrorOr<std::string_view> caller_string(u64 address, u64 length, usize maximum)
{
    if (length > maximum)
        return Error(ErrorCode::NameTooLong, "a name passed to the kernel is too long");
    auto bytes = TRY(caller_bytes(address, length));
    return std::string_view(reinterpret_cast<char const*>(bytes.data()), bytes.size());
}

/* --- Ring bindings ------------------------------------------------------------------------ */

ErrorOr<BindingSlot*> binding_argument(u64 word, BindingSlot::Kind kind)
{
    u32 index = static_cast<u32>(word);
    u32 generation = static_cast<u32>(word >> 32);
    auto slots = caller().ring_bindings();
    if (index >= slots.size() || slots[index].kind != kind || slots[index].generation != generation)
        return Error(ErrorCode::StaleHandle, "the Ring end was given up, or is not this Task's");
    return &slots[index];
}

void release_binding(BindingSlot& slot)
{
    if (slot.kind == BindingSlot::Kind::Producer)
        slot.producer.unbind();
    else if (slot.kind == BindingSlot::Kind::Consumer)
        slot.consumer.unbind();
    slot.kind = BindingSlot::Kind::Free;
    ++slot.generation;
}

/* A free slot; failing that, one whose binding is no longer valid (released first). */
ErrorOr<BindingSlot*> free_binding_slot()
{
    auto slots = caller().ring_bindings();
    for (auto& slot : slots) {
        if (slot.kind == BindingSlot::Kind::Free)
            return &slot;
    }
    for (auto& slot : slots) {
        bool stale = slot.kind == BindingSlot::Kind::Producer ? slot.producer.check_binding().is_error()
                                                              : slot.consumer.check_binding().is_error();
        if (stale) {
            release_binding(slot);
            return &slot;
        }
    }
    return Error(ErrorCode::Full, "the Task holds as many Ring bindings as it may");
}

ErrorOr<void> ring_bind(CallFrame& frame)
{
    auto ring = handle_argument<CapabilityClass::Ring>(frame, 0);
    u64 schema = frame.arguments[2];
    bool consumer = (frame.arguments[3] >> 8) != 0;
    SignalBit bit = TRY(bit_argument(frame.arguments[3] & 0xff));
    auto& task = caller();
    BindingSlot* slot = TRY(free_binding_slot());
    u32 capacity = 0;
    if (consumer) {
        auto bound = TRY(RingConsumer::bind(task.capabilities(), ring, schema, task.signals(), bit));
        std::construct_at(&slot->consumer, bound);
        slot->kind = BindingSlot::Kind::Consumer;
        capacity = bound.payload_capacity();
    } else {
        auto bound = TRY(RingProducer::bind(task.capabilities(), ring, schema, task.signals(), bit));
        std::construct_at(&slot->producer, bound);
        slot->kind = BindingSlot::Kind::Producer;
        capacity = bound.payload_capacity();
    }
    ++slot->generation;
    /*
     * Binding an end again from the same Task replaces its earlier binding, which then no longer
     * pins the Ring: a slot that still named it could outlive the Ring's memory. Forget such slots.
     */
    for (auto& other : task.ring_bindings()) {
        if (&other == slot || other.kind != slot->kind)
            continue;
        Ring const* ring_of_other = other.kind == BindingSlot::Kind::Producer ? other.producer.ring() : other.consumer.ring();
        Ring const* ring_of_new = slot->kind == BindingSlot::Kind::Producer ? slot->producer.ring() : slot->consumer.ring();
        if (ring_of_other == ring_of_new) {
            other.kind = BindingSlot::Kind::Free;
            ++other.generation;
        }
    }
    frame.results[0] = binding_word(static_cast<u32>(slot - task.ring_bindings().data()), slot->generation);
    frame.results[1] = capacity;
    return {};
}

ErrorOr<void> ring_unbind(CallFrame& frame)
{
    auto slots = caller().ring_bindings();
    u32 index = static_cast<u32>(frame.arguments[0]);
    u32 generation = static_cast<u32>(frame.arguments[0] >> 32);
    if (index >= slots.size() || slots[index].kind == BindingSlot::Kind::Free || slots[index].generation != generation)
        return Error(ErrorCode::StaleHandle, "the Ring end was given up, or is not this Task's");
    release_binding(slots[index]);
    return {};
}

ErrorOr<void> ring_send(CallFrame& frame)
{
    auto* slot = TRY(binding_argument(frame.arguments[0], BindingSlot::Kind::Producer));
    auto message = TRY(caller_bytes(frame.arguments[1], frame.arguments[2]));
    return slot->producer.try_send(message);
}

ErrorOr<void> ring_send_capability(CallFrame& frame)
{
    auto* slot = TRY(binding_argument(frame.arguments[0], BindingSlot::Kind::Producer));
    auto message = TRY(caller_bytes(frame.arguments[1], frame.arguments[2]));
    auto capability = raw_argument(frame, 3);
    auto capability_class = TRY(class_argument(frame.arguments[5] & 0xff));
    bool copy = ((frame.arguments[5] >> 8) & 1) != 0;
    Rights keep = TRY(rights_argument(frame.arguments[5] >> 16));
    return slot->producer.send_capability(message, caller_space(), capability_class, capability, copy, keep);
}

ErrorOr<void> ring_send_burst(CallFrame& frame)
{
    constexpr usize maximum_burst = 64;
    auto* slot = TRY(binding_argument(frame.arguments[0], BindingSlot::Kind::Producer));
    u64 count = frame.arguments[2];
    if (count > maximum_burst)
        return Error(ErrorCode::InvalidArgument, "a burst is at most 64 messages");
    using Span = std::span<u8 const>;
    auto table = TRY(caller_bytes(frame.arguments[1], count * sizeof(Span)));
    if (frame.arguments[1] % alignof(Span) != 0)
        return Error(ErrorCode::InvalidArgument, "a kernel-call argument is misaligned");
    Span messages[maximum_burst];
    for (usize index = 0; index < count; ++index) {
        Span claimed = reinterpret_cast<Span const*>(table.data())[index];
        messages[index] = TRY(caller_bytes(reinterpret_cast<uptr>(claimed.data()), claimed.size()));
    }
    frame.results[0] = TRY(slot->producer.try_send_burst(std::span<Span const>(messages, count)));
    return {};
}

ErrorOr<void> ring_receive(CallFrame& frame)
{
    auto* slot = TRY(binding_argument(frame.arguments[0], BindingSlot::Kind::Consumer));
    auto buffer = TRY(caller_writable_bytes(frame.arguments[1], frame.arguments[2]));
    auto* out = TRY(caller_writable_object<ReceivedMessage>(frame.arguments[3]));
    *out = TRY(slot->consumer.try_receive(buffer, &caller_space()));
    return {};
}

ErrorOr<void> ring_receive_burst(CallFrame& frame)
{
    auto* slot = TRY(binding_argument(frame.arguments[0], BindingSlot::Kind::Consumer));
    auto buffer = TRY(caller_writable_bytes(frame.arguments[1], frame.arguments[2]));
    /* Never take more than the buffer can hold at the largest message size. */
    usize record = (sizeof(u32) + slot->consumer.payload_capacity() + 3) & ~usize(3);
    usize maximum = frame.arguments[3] < buffer.size() / record ? frame.arguments[3] : buffer.size() / record;
    usize offset = 0;
    frame.results[0] = TRY(slot->consumer.receive_burst(maximum, [&](std::span<u8 const> message) {
        u32 length = static_cast<u32>(message.size());
        __builtin_memcpy(buffer.data() + offset, &length, sizeof(length));
        __builtin_memcpy(buffer.data() + offset + sizeof(length), message.data(), message.size());
        offset += (sizeof(length) + message.size() + 3) & ~usize(3);
    }));
    return {};
}

ErrorOr<void> ring_state(CallFrame& frame)
{
    auto slots = caller().ring_bindings();
    u32 index = static_cast<u32>(frame.arguments[0]);
    u32 generation = static_cast<u32>(frame.arguments[0] >> 32);
    if (index >= slots.size() || slots[index].kind == BindingSlot::Kind::Free || slots[index].generation != generation)
        return Error(ErrorCode::StaleHandle, "the Ring end was given up, or is not this Task's");
    auto& slot = slots[index];
    if (slot.kind == BindingSlot::Kind::Producer) {
        TRY(slot.producer.check_binding());
        frame.results[0] = slot.producer.is_full() ? 2 : 0;
        frame.results[1] = slot.producer.free_slots();
    } else {
        TRY(slot.consumer.check_binding());
        frame.results[0] = slot.consumer.is_empty() ? 1 : 0;
    }
    return {};
}

/* --- Tasks and Bundles -------------------------------------------------------------------- */

void describe_task(Task& task, TaskStatus& status)
{
    status.name = FixedString<31>();
    (void)status.name.append(task.name());
    status.state = task.state();
    status.band = task.band();
    status.exit_cause = task.exit_cause();
    status.exit_status = task.exit_status();
    status.exit_error = task.exit_error().code();
    status.exit_error_message = task.exit_error().message();
    status.failure_message = task.failure_message();
    status.failure_address = task.failure_address();
    /* The stack the Task's own code runs on: in a domain, the user stack, whose guard is the
       never-mapped page below it; otherwise the fiber stack's guard page. */
    status.guard_page = task.user_stack_base() != 0 ? task.user_stack_base() - 4096 : task.guard_page();
    status.switches = task.switches();
    status.processor = task.is_listed() ? task.executor().processor() : 0;
    status.migrations = task.migrations();
    status.processor_deadline_interrupts = task.is_listed() ? task.executor().timer_interrupts() : 0;
}

ErrorOr<void> spawn(CallFrame& frame)
{
    auto authority = handle_argument<CapabilityClass::Task>(frame, 0);
    auto memory = handle_argument<CapabilityClass::Reticle>(frame, 2);
    auto const* request = TRY(caller_object<SpawnRequest>(frame.arguments[4]));
    SpawnParameters parameters;
    parameters.name = TRY(caller_string(reinterpret_cast<uptr>(request->name.data()), request->name.size(), 31));
    parameters.entry = request->entry;
    parameters.stack_size = request->stack_size;
    if (request->band != Band::Person && request->band != Band::Network)
        return Error(ErrorCode::InvalidArgument, "no such band");
    parameters.band = request->band;
    if (request->processor != processor_any && request->processor >= CONFIG_CPUS_MAX)
        return Error(ErrorCode::InvalidArgument, "no such CPU (above CONFIG_CPUS_MAX)");
    if (request->processor != processor_boot && !request->domain.empty())
        return Error(ErrorCode::Unsupported, "a Task in a protection domain runs on cpu 0 (ADR 0026)");
    parameters.processor = request->processor;
    if (request->notify_on_exit) {
        parameters.supervisor_mask = &caller().signals();
        parameters.exit_bit = request->exit_bit;
    }
    /*
     * A protection domain: its name and the data section the manifest compiler set apart for it
     * (the kernel checks the range, domains::join). The entry is a code address the spawned Task
     * runs from, so a Task inside a domain may not spawn: it could start one outside its own.
     */
    if (domains::name_of(caller()).size() != 0)
        return Error(ErrorCode::Unsupported, "a Task in a protection domain cannot spawn Tasks");
    if (!request->domain.empty()) {
        parameters.domain = TRY(caller_string(reinterpret_cast<uptr>(request->domain.data()), request->domain.size(), 31));
        parameters.domain_data_start = request->domain_data_start;
        parameters.domain_data_end = request->domain_data_end;
    }
    return_handle(frame, TRY(kernel::spawn(caller_space(), authority, memory, parameters)));
    return {};
}

ErrorOr<void> task_status(CallFrame& frame)
{
    Task* task = TRY(kernel::task(caller_space(), handle_argument<CapabilityClass::Task>(frame, 0)));
    auto* out = TRY(caller_writable_object<TaskStatus>(frame.arguments[2]));
    describe_task(*task, *out);
    return {};
}

ErrorOr<void> self_status(CallFrame& frame)
{
    auto* out = TRY(caller_writable_object<TaskStatus>(frame.arguments[0]));
    describe_task(caller(), *out);
    return {};
}

ErrorOr<void> bundle_take(CallFrame& frame)
{
    auto name = TRY(caller_string(frame.arguments[0], frame.arguments[1], BundleObject::name_capacity));
    auto capability_class = TRY(class_argument(frame.arguments[2]));
    return_raw(frame, TRY(caller().bundle().take_slot(name, capability_class)));
    return {};
}

ErrorOr<void> bundle_describe(CallFrame& frame)
{
    u64 capacity = frame.arguments[1];
    if (capacity > BundleObject::capacity)
        capacity = BundleObject::capacity;
    auto out = TRY(caller_writable_bytes(frame.arguments[0], capacity * sizeof(Bundle::SlotDescription)));
    if (frame.arguments[0] % alignof(Bundle::SlotDescription) != 0)
        return Error(ErrorCode::InvalidArgument, "a kernel-call result buffer is misaligned");
    auto* descriptions = reinterpret_cast<Bundle::SlotDescription*>(out.data());
    usize written = 0;
    for (usize index = 0; index < BundleObject::capacity; ++index) {
        auto const& slot = caller().bundle().slots()[index];
        if (!slot.present)
            continue;
        if (written == capacity)
            return Error(ErrorCode::Full, "the Bundle holds more slots than the buffer");
        descriptions[written].name = slot.name;
        descriptions[written].capability_class = slot.capability_class;
        descriptions[written].rights = slot.rights;
        ++written;
    }
    frame.results[0] = written;
    return {};
}

/*
 * Filling a child's Bundle: RightGrant on the child's TaskCap, and only before the child first
 * runs — afterwards its Bundle is its own, and nobody else may add to what it believes it got.
 */
ErrorOr<void> bundle_place(CallFrame& frame, bool copy)
{
    auto const* placement = TRY(caller_object<BundlePlacement>(frame.arguments[0]));
    auto child_handle = handle_from_words(placement->child[0], placement->child[1]);
    Task* child = TRY(caller_space().lookup(TaskCap(child_handle.space, child_handle.slot, child_handle.generation), RightGrant));
    if (child->has_run() || child->state() == TaskState::Exited)
        return Error(ErrorCode::Busy, "a child's Bundle is filled before it first runs");
    auto name = TRY(caller_string(reinterpret_cast<uptr>(placement->name), placement->name_length, BundleObject::name_capacity));
    auto source = handle_from_words(placement->source[0], placement->source[1]);
    auto capability_class = TRY(class_argument(placement->capability_class));
    if (copy)
        return child->bundle().grant_raw(name, caller_space(), source, capability_class, TRY(rights_argument(placement->rights)));
    return child->bundle().give_raw(name, caller_space(), source, capability_class);
}

/* --- Capabilities ------------------------------------------------------------------------- */

ErrorOr<void> attenuate(CallFrame& frame)
{
    auto handle = raw_argument(frame, 0);
    auto capability_class = TRY(class_argument(frame.arguments[2]));
    Rights keep = TRY(rights_argument(frame.arguments[3]));
    auto& space = caller_space();
    return_raw(frame, TRY(space.derive(handle.space, handle.slot, handle.generation, capability_class, keep, space, 0)));
    return {};
}

ErrorOr<void> describe(CallFrame& frame)
{
    auto handle = raw_argument(frame, 0);
    auto capability_class = TRY(class_argument(frame.arguments[2]));
    auto view = TRY(caller_space().view(handle.space, handle.slot, handle.generation));
    if (view.capability_class != capability_class)
        return Error(ErrorCode::WrongClass, "the handle names a capability of another class");
    frame.results[0] = u64(view.capability_class);
    frame.results[1] = view.rights;
    return {};
}

/* --- Memory ------------------------------------------------------------------------------- */

ErrorOr<void> create_memory(CallFrame& frame)
{
    auto& space = caller_space();
    Reticle* reticle = TRY(space.lookup(handle_argument<CapabilityClass::Reticle>(frame, 0), RightRetype));
    if (space.is_full())
        return Error(ErrorCode::Full, "capability space is full");
    /* The rights the new MemCap carries: a subset of the defaults (0: all of them). */
    constexpr Rights defaults = RightRead | RightWrite | RightGrant | RightRevoke | RightMove;
    Rights rights = frame.arguments[3] == 0 ? defaults : Rights(frame.arguments[3]);
    if (frame.arguments[3] > u64(defaults) || (rights & ~defaults) != 0)
        return Error(ErrorCode::InvalidArgument, "a new MemCap carries a subset of read, write, grant, revoke and move");
    return_handle(frame, TRY(MemoryObject::try_create(*reticle, space, frame.arguments[2], rights)));
    return {};
}

ErrorOr<void> ring_slot_memory(CallFrame& frame)
{
    Ring* ring = TRY(caller_space().lookup(handle_argument<CapabilityClass::Ring>(frame, 0), 0));
    auto slots = ring->slot_memory();
    frame.results[0] = reinterpret_cast<uptr>(slots.data());
    frame.results[1] = slots.size();
    return {};
}

ErrorOr<void> map_memory(CallFrame& frame)
{
    auto memory = handle_argument<CapabilityClass::Memory>(frame, 0);
    if (frame.arguments[2] != 0) {
        auto bytes = TRY(writable_view(caller_space(), memory));
        frame.results[0] = reinterpret_cast<uptr>(bytes.data());
        frame.results[1] = bytes.size();
    } else {
        auto bytes = TRY(readable_view(caller_space(), memory));
        frame.results[0] = reinterpret_cast<uptr>(bytes.data());
        frame.results[1] = bytes.size();
    }
    return {};
}

/* --- Display ------------------------------------------------------------------------------ */

ErrorOr<void> display_call(CallFrame& frame)
{
    auto& space = caller_space();
    auto display = handle_argument<CapabilityClass::Device>(frame, 0);
    switch (static_cast<Call>(frame.number)) {
    case Call::DisplayMode: {
        auto mode = TRY(display_mode(space, display));
        frame.results[0] = u64(mode.width) | (u64(mode.height) << 32);
        frame.results[1] = u64(mode.stride) | (u64(mode.format) << 32);
        return {};
    }
    case Call::DisplayMemory:
        if (frame.arguments[2] > 1)
            return Error(ErrorCode::InvalidArgument, "the framebuffer is asked for read-only (0) or writable (1)");
        return_handle(frame, TRY(display_memory(space, display, frame.arguments[2] != 0)));
        return {};
    default: {
        /* Call::DisplayPresent: x and y, then width and height, each pair in one word. */
        Rectangle damage { static_cast<u32>(frame.arguments[2]), static_cast<u32>(frame.arguments[2] >> 32),
            static_cast<u32>(frame.arguments[3]), static_cast<u32>(frame.arguments[3] >> 32) };
        return display_present(space, display, damage);
    }
    }
}

/* --- Block devices (ADR 0017) ------------------------------------------------------------- */

ErrorOr<void> block_call(CallFrame& frame)
{
    auto& space = caller_space();
    auto disk = handle_argument<CapabilityClass::Device>(frame, 0);
    switch (static_cast<Call>(frame.number)) {
    case Call::BlockInfo: {
        auto geometry = TRY(block_info(space, disk));
        frame.results[0] = geometry.block_count;
        frame.results[1] = u64(geometry.block_size) | (u64(geometry.read_only) << 32);
        return {};
    }
    case Call::BlockFlush:
        return block_flush(space, disk);
    default: {
        /* Call::BlockRead / BlockWrite: the memory, then the byte offset (48 bits) and block count (16), the first block. */
        auto memory = handle_argument<CapabilityClass::Memory>(frame, 2);
        BlockTransfer transfer { frame.arguments[5], static_cast<u32>(frame.arguments[4] >> 48),
            frame.arguments[4] & ((u64(1) << 48) - 1) };
        if (static_cast<Call>(frame.number) == Call::BlockRead)
            return block_read(space, disk, memory, transfer);
        return block_write(space, disk, memory, transfer);
    }
    }
}

/* --- Host sockets (vectra/HostSockets.h) ------------------------------------------------- */

/*
 * The device, then the operation (8 bits), the index (24) and the extra word (32), the address
 * (0: none) and the bytes. Results: the value, then the status and the end flag.
 */
ErrorOr<void> host_socket(CallFrame& frame)
{
    auto device = handle_argument<CapabilityClass::Device>(frame, 0);
    HostSocketCall call;
    call.operation = HostSocketOperation(frame.arguments[2] & 0xff);
    call.index = static_cast<u32>((frame.arguments[2] >> 8) & 0xffffff);
    call.extra = static_cast<u32>(frame.arguments[2] >> 32);
    bool writes = call.operation == HostSocketOperation::Receive;
    if (frame.arguments[3] != 0) {
        bool address_written = writes || call.operation == HostSocketOperation::Accept || call.operation == HostSocketOperation::Local;
        if (address_written)
            call.address = TRY(caller_writable_object<HostAddress>(frame.arguments[3]));
        else
            call.address = const_cast<HostAddress*>(TRY(caller_object<HostAddress>(frame.arguments[3])));
    }
    if (writes)
        call.bytes = TRY(caller_writable_bytes(frame.arguments[4], frame.arguments[5]));
    else {
        auto bytes = TRY(caller_bytes(frame.arguments[4], frame.arguments[5]));
        call.bytes = std::span<u8>(const_cast<u8*>(bytes.data()), bytes.size()); /* only read */
    }
    auto result = TRY(host_socket_call(caller_space(), device, call));
    frame.results[0] = result.value;
    frame.results[1] = u64(result.status) | (u64(result.end) << 8);
    return {};
}

/* The readiness line: the device, the Reticle, the bit; result an IrqCap. */
ErrorOr<void> host_sockets_line(CallFrame& frame)
{
    return_handle(frame, TRY(host_sockets_interrupt(caller_space(), handle_argument<CapabilityClass::Device>(frame, 0),
                             handle_argument<CapabilityClass::Reticle>(frame, 2), TRY(bit_argument(frame.arguments[4])))));
    return {};
}

/* --- The hosted window's input (vectra/HostInput.h) ---------------------------------------- */

/*
 * Info: results the width and height, then the groups dropped. Drain: the events' address and
 * room (in events); result how many were moved. Interrupt: the Reticle, the bit; result an IrqCap.
 */
ErrorOr<void> host_input(CallFrame& frame)
{
    auto& space = caller_space();
    auto input = handle_argument<CapabilityClass::Device>(frame, 0);
    switch (static_cast<Call>(frame.number)) {
    case Call::HostInputInfo: {
        auto info = TRY(host_input_info(space, input));
        frame.results[0] = u64(info.width) | (u64(info.height) << 32);
        frame.results[1] = info.dropped;
        return {};
    }
    case Call::HostInputDrain: {
        if (frame.arguments[3] > maximum_host_input_drain)
            return Error(ErrorCode::InvalidArgument, "a drain moves at most maximum_host_input_drain events");
        auto bytes = TRY(caller_writable_bytes(frame.arguments[2], frame.arguments[3] * sizeof(HostInputEvent)));
        if (reinterpret_cast<uptr>(bytes.data()) % alignof(HostInputEvent) != 0)
            return Error(ErrorCode::InvalidArgument, "the events are not aligned");
        frame.results[0] = TRY(host_input_drain(space, input,
            { reinterpret_cast<HostInputEvent*>(bytes.data()), usize(frame.arguments[3]) }));
        return {};
    }
    default:
        return_handle(frame, TRY(host_input_interrupt(space, input, handle_argument<CapabilityClass::Reticle>(frame, 2),
                                 TRY(bit_argument(frame.arguments[4])))));
        return {};
    }
}

ErrorOr<void> entropy(CallFrame& frame)
{
    auto buffer = TRY(caller_writable_bytes(frame.arguments[0], frame.arguments[1]));
    frame.results[0] = kernel::entropy_extract(buffer);
    return {};
}

/* The snapshot DeviceCap (ADR 0045); SnapshotRead also the buffer. Result: the table's bytes (copied). */
ErrorOr<void> snapshot_call(CallFrame& frame)
{
    auto handle = handle_argument<CapabilityClass::Device>(frame, 0);
    if (static_cast<Call>(frame.number) == Call::SnapshotSize) {
        frame.results[0] = TRY(snapshot_size(caller_space(), handle));
        return {};
    }
    auto buffer = TRY(caller_writable_bytes(frame.arguments[2], frame.arguments[3]));
    frame.results[0] = TRY(snapshot_copy(caller_space(), handle, buffer));
    return {};
}

/* The i8042's DeviceCap, then the port (and the byte), or the Reticle and the bit for its keyboard line. */
ErrorOr<void> i8042_call(CallFrame& frame, CapabilitySpace& space)
{
    auto controller = handle_argument<CapabilityClass::Device>(frame, 0);
    switch (static_cast<Call>(frame.number)) {
    case Call::I8042Read:
        frame.results[0] = TRY(i8042_read(space, controller, frame.arguments[2]));
        return {};
    case Call::I8042Write:
        return i8042_write(space, controller, frame.arguments[2], frame.arguments[3]);
    default:
        return_handle(frame, TRY(i8042_interrupt(space, controller, handle_argument<CapabilityClass::Reticle>(frame, 2),
                                 TRY(bit_argument(frame.arguments[4])))));
        return {};
    }
}

/* The EntropySource (a DeviceCap of kind Entropy), the bytes, the credit asked for; result: the credit given. */
ErrorOr<void> feed_entropy(CallFrame& frame)
{
    auto bytes = TRY(caller_bytes(frame.arguments[2], frame.arguments[3]));
    frame.results[0] = TRY(entropy_feed(caller_space(), handle_argument<CapabilityClass::Device>(frame, 0), bytes,
        frame.arguments[4]));
    return {};
}

/* --- Devices (ADR 0012) ------------------------------------------------------------------- */

ErrorOr<void> device_call(CallFrame& frame, CapabilitySpace& space)
{
    auto device = handle_argument<CapabilityClass::PciDevice>(frame, 0);
    switch (static_cast<Call>(frame.number)) {
    case Call::PciOpen: {
        if (frame.arguments[5] > 0xffff)
            return Error(ErrorCode::InvalidArgument, "a PCI match index is below 65536");
        auto match = TRY(PciMatch::from_word(frame.arguments[4]));
        return_handle(frame, TRY(pci_open(space, handle_argument<CapabilityClass::Device>(frame, 0),
                                 handle_argument<CapabilityClass::Reticle>(frame, 2), match, frame.arguments[5])));
        return {};
    }
    case Call::PciDescribe: {
        auto info = TRY(pci_describe(space, device));
        frame.results[0] = u64(info.bus) | (u64(info.device) << 8) | (u64(info.function) << 16)
            | (u64(info.header_type) << 24) | (u64(info.vendor_id) << 32) | (u64(info.device_id) << 48);
        frame.results[1] = u64(info.revision) | (u64(info.interface) << 8) | (u64(info.subclass) << 16)
            | (u64(info.class_code) << 24);
        return {};
    }
    case Call::PciConfigRead:
        frame.results[0] = TRY(pci_config_read(space, device, frame.arguments[2], frame.arguments[3]));
        return {};
    case Call::PciConfigWrite:
        return pci_config_write(space, device, frame.arguments[2], frame.arguments[3], frame.arguments[4]);
    case Call::PciBar: {
        auto bar = TRY(pci_bar(space, device, frame.arguments[2]));
        frame.results[0] = bar.size;
        frame.results[1] = u64(bar.kind) | (u64(bar.prefetchable) << 8) | (u64(bar.assigned) << 9);
        return {};
    }
    case Call::DeviceMemoryOpen:
        return_handle(frame, TRY(device_memory(space, device, handle_argument<CapabilityClass::Reticle>(frame, 2),
                                 frame.arguments[4])));
        return {};
    case Call::DeviceMemoryMap: {
        auto bytes = TRY(map_device_memory(space, handle_argument<CapabilityClass::DeviceMemory>(frame, 0),
            frame.arguments[2] != 0));
        frame.results[0] = reinterpret_cast<uptr>(bytes.data());
        frame.results[1] = bytes.size();
        return {};
    }
    case Call::DmaAddress:
        frame.results[0] = TRY(dma_address(space, device, handle_argument<CapabilityClass::Memory>(frame, 2)));
        return {};
    case Call::PciInterrupt:
        return_handle(frame, TRY(pci_interrupt(space, device, handle_argument<CapabilityClass::Reticle>(frame, 2),
                                 frame.arguments[4], TRY(bit_argument(frame.arguments[5])))));
        return {};
    default:
        return Error(ErrorCode::InvalidArgument, "no such kernel call");
    }
}

/* --- virtio-mmio slots (ADR 0025) --------------------------------------------------------- */

ErrorOr<void> mmio_slot_call(CallFrame& frame, CapabilitySpace& space)
{
    auto slot = handle_argument<CapabilityClass::VirtioMmioSlot>(frame, 0);
    switch (static_cast<Call>(frame.number)) {
    case Call::MmioSlotOpen:
        return_handle(frame, TRY(mmio_slot_open(space, handle_argument<CapabilityClass::Device>(frame, 0),
                                 handle_argument<CapabilityClass::Reticle>(frame, 2), frame.arguments[4], frame.arguments[5])));
        return {};
    case Call::MmioSlotDescribe: {
        auto record = TRY(mmio_slot_describe(space, slot));
        frame.results[0] = u64(record.device_id) | (u64(record.version) << 32);
        frame.results[1] = record.slot.size | (u64(record.slot.line & 0x7fff'ffff) << 32) | (u64(record.slot.level) << 63);
        return {};
    }
    case Call::MmioSlotRead:
        frame.results[0] = TRY(mmio_slot_read(space, slot, frame.arguments[2]));
        return {};
    case Call::MmioSlotWrite:
        return mmio_slot_write(space, slot, frame.arguments[2], frame.arguments[3]);
    case Call::MmioSlotDmaAddress:
        frame.results[0] = TRY(mmio_slot_dma_address(space, slot, handle_argument<CapabilityClass::Memory>(frame, 2)));
        return {};
    case Call::MmioSlotInterrupt:
        return_handle(frame, TRY(mmio_slot_interrupt(space, slot, handle_argument<CapabilityClass::Reticle>(frame, 2),
                                 TRY(bit_argument(frame.arguments[4])))));
        return {};
    default:
        return Error(ErrorCode::InvalidArgument, "no such kernel call");
    }
}

ErrorOr<void> dispatch(CallFrame& frame)
{
    /* Calls that need no authority answer kernel code outside any Task too (boot, host tests). */
    switch (static_cast<Call>(frame.number)) {
    case Call::MonotonicNow:
        frame.results[0] = platform::monotonic_nanoseconds();
        return {};
    case Call::Entropy:
        return entropy(frame);
    default:
        break;
    }
    auto& executor = Executor::current();
    if (!executor.in_task())
        return Error(ErrorCode::InvalidArgument, "a kernel call that acts for a Task came from outside any Task");
    auto& space = caller_space();
    switch (static_cast<Call>(frame.number)) {
    case Call::ConsoleWrite: {
        auto text = TRY(caller_bytes(frame.arguments[2], frame.arguments[3]));
        return console_write(space, handle_argument<CapabilityClass::Device>(frame, 0),
            std::string_view(reinterpret_cast<char const*>(text.data()), text.size()));
    }
    case Call::Wait:
        /* A non-zero second word only takes what is already pending. */
        frame.results[0] = frame.arguments[1] != 0 ? caller().signals().take(frame.arguments[0]) : executor.wait(frame.arguments[0]);
        return {};
    case Call::WaitUntil:
        frame.results[0] = executor.wait_until(frame.arguments[0], frame.arguments[1], TRY(bit_argument(frame.arguments[2])));
        return {};
    case Call::Yield:
        executor.yield();
        return {};
    case Call::Exit:
        /* A non-zero second word: the Task's entry returned that error (how a Task in a domain ends). */
        if (frame.arguments[1] > u64(ErrorCode::NotMovable) || frame.arguments[1] == u64(ErrorCode::DomainError))
            executor.exit_current(ErrorOr<i32>(Error(ErrorCode::InvalidArgument, "exit with an unknown error")));
        if (frame.arguments[1] != 0)
            executor.exit_current(ErrorOr<i32>(Error(ErrorCode(frame.arguments[1]), "the Task's entry returned an error")));
        executor.exit_current(static_cast<i32>(frame.arguments[0]));
    case Call::Panic: {
        /* A Task in a domain reports its own panic (vectra::panic); it ends like any panicking Task. */
        auto message = TRY(caller_string(frame.arguments[0], frame.arguments[1], 200));
        auto file = TRY(caller_string(frame.arguments[2], frame.arguments[3], 200));
        console_format("PANIC: task {}: {} ({}:{})", caller().name(), message, file, static_cast<u32>(frame.arguments[4]));
        executor.fail_current(ExitCause::Panicked, reinterpret_cast<char const*>(frame.arguments[0]), 0);
    }
    case Call::Raise:
        return raise(space, handle_argument<CapabilityClass::Signal>(frame, 0));
    case Call::SignalCapability:
        return_handle(frame, TRY(signal_capability(space, TRY(bit_argument(frame.arguments[0])))));
        return {};
    case Call::Attenuate:
        return attenuate(frame);
    case Call::Revoke: {
        auto handle = raw_argument(frame, 0);
        frame.results[0] = TRY(space.revoke_children(handle.space, handle.slot, handle.generation,
            TRY(class_argument(frame.arguments[2]))));
        return {};
    }
    case Call::Remove: {
        auto handle = raw_argument(frame, 0);
        return space.erase(handle.space, handle.slot, handle.generation, TRY(class_argument(frame.arguments[2])));
    }
    case Call::Describe:
        return describe(frame);
    case Call::BundleTake:
        return bundle_take(frame);
    case Call::BundleGrant:
        return bundle_place(frame, true);
    case Call::BundleGive:
        return bundle_place(frame, false);
    case Call::BundleDescribe:
        return bundle_describe(frame);
    case Call::Carve:
        return_handle(frame, TRY(carve(space, handle_argument<CapabilityClass::Reticle>(frame, 0), frame.arguments[2])));
        return {};
    case Call::Reclaim:
        return reclaim(space, handle_argument<CapabilityClass::Reticle>(frame, 0));
    case Call::Spawn:
        return spawn(frame);
    case Call::TaskStatus:
        return task_status(frame);
    case Call::SelfStatus:
        return self_status(frame);
    case Call::Reap:
        return reap(space, handle_argument<CapabilityClass::Task>(frame, 0));
    case Call::CreateRing:
        if (frame.arguments[2] > 0xffffffff || frame.arguments[3] > 0xffffffff)
            return Error(ErrorCode::InvalidArgument, "slot count and size are 32-bit");
        return_handle(frame, TRY(create_ring(space, handle_argument<CapabilityClass::Reticle>(frame, 0),
                                 static_cast<u32>(frame.arguments[2]), static_cast<u32>(frame.arguments[3]), frame.arguments[4])));
        return {};
    case Call::ResetRing:
        return reset_ring(space, handle_argument<CapabilityClass::Ring>(frame, 0));
    case Call::RingBind:
        return ring_bind(frame);
    case Call::RingUnbind:
        return ring_unbind(frame);
    case Call::RingSend:
        return ring_send(frame);
    case Call::RingSendCapability:
        return ring_send_capability(frame);
    case Call::RingSendBurst:
        return ring_send_burst(frame);
    case Call::RingReceive:
        return ring_receive(frame);
    case Call::RingReceiveBurst:
        return ring_receive_burst(frame);
    case Call::RingState:
        return ring_state(frame);
    case Call::CreateTimer:
        return_handle(frame, TRY(create_timer(space, handle_argument<CapabilityClass::Reticle>(frame, 0),
                                 TRY(bit_argument(frame.arguments[2])))));
        return {};
    case Call::ArmTimer:
        return executor.arm_timer(space, handle_argument<CapabilityClass::Timer>(frame, 0), frame.arguments[2]);
    case Call::CancelTimer:
        return executor.cancel_timer(space, handle_argument<CapabilityClass::Timer>(frame, 0));
    case Call::BindInterrupt:
        return bind_interrupt(space, handle_argument<CapabilityClass::Irq>(frame, 0), TRY(bit_argument(frame.arguments[2])));
    case Call::TriggerInterrupt: {
        auto irq = handle_argument<CapabilityClass::Irq>(frame, 0);
        TRY(space.lookup(irq, RightReceive));
        if (TRY(interrupt_line(space, irq)) != platform::software_interrupt_line())
            return Error(ErrorCode::InvalidArgument, "only the software interrupt line can be raised by a Task");
        platform::trigger_software_interrupt();
        return {};
    }
    case Call::InterruptLine:
        frame.results[0] = TRY(interrupt_line(space, handle_argument<CapabilityClass::Irq>(frame, 0)));
        return {};
    case Call::AcknowledgeInterrupt:
        frame.results[0] = TRY(acknowledge_interrupt(space, handle_argument<CapabilityClass::Irq>(frame, 0)));
        return {};
    case Call::CreateMemory:
        return create_memory(frame);
    case Call::MapMemory:
        return map_memory(frame);
    case Call::RingSlotMemory:
        return ring_slot_memory(frame);
    case Call::PciOpen:
    case Call::PciDescribe:
    case Call::PciConfigRead:
    case Call::PciConfigWrite:
    case Call::PciBar:
    case Call::DeviceMemoryOpen:
    case Call::DeviceMemoryMap:
    case Call::DmaAddress:
    case Call::PciInterrupt:
        return device_call(frame, space);
    case Call::MmioSlotOpen:
    case Call::MmioSlotDescribe:
    case Call::MmioSlotRead:
    case Call::MmioSlotWrite:
    case Call::MmioSlotInterrupt:
    case Call::MmioSlotDmaAddress:
        return mmio_slot_call(frame, space);
    case Call::DisplayMode:
    case Call::DisplayMemory:
    case Call::DisplayPresent:
        return display_call(frame);
    case Call::BlockInfo:
    case Call::BlockRead:
    case Call::BlockWrite:
    case Call::BlockFlush:
        return block_call(frame);
    case Call::HostSocket:
        return host_socket(frame);
    case Call::HostSocketsInterrupt:
        return host_sockets_line(frame);
    case Call::EntropyFeed:
        return feed_entropy(frame);
    case Call::SnapshotSize:
    case Call::SnapshotRead:
        return snapshot_call(frame);
    case Call::I8042Read:
    case Call::I8042Write:
    case Call::I8042Interrupt:
        return i8042_call(frame, space);
    case Call::HostInputInfo:
    case Call::HostInputDrain:
    case Call::HostInputInterrupt:
        return host_input(frame);
    case Call::MonotonicNow:
    case Call::Entropy:
        break;
    }
    return Error(ErrorCode::InvalidArgument, "no such kernel call");
}

}

void system_call(CallFrame& frame)
{
    kernel_lock::Entry lock; /* every kernel call runs inside the big kernel lock (ADR 0026) */
    auto result = dispatch(frame);
    if (result.is_error()) {
        frame.error = static_cast<u64>(result.error().code());
        frame.message = result.error().message();
    } else {
        frame.error = 0;
        frame.message = nullptr;
    }
}

}
