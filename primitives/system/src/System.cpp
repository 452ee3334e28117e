/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The component side of the kernel calls (vectra/System.h): each builds one CallFrame and
 * hands it to the kernel. Nothing here may touch a kernel object; it runs with the caller's
 * privileges, whatever they are.
 */

#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/CallFrame.h>

namespace vectra::system {

using kernel::Call;
using kernel::CallFrame;

namespace {

/* The one way into the kernel (a trap from a protection domain, else a function call): vectra/CallFrame.h. */
using kernel::enter;

CallFrame frame_of(Call call, std::initializer_list<u64> arguments)
{
    CallFrame frame;
    frame.number = static_cast<u64>(call);
    usize index = 0;
    for (u64 argument : arguments)
        frame.arguments[index++] = argument;
    return frame;
}

ErrorOr<CallFrame> call(Call number, std::initializer_list<u64> arguments)
{
    auto frame = frame_of(number, arguments);
    enter(frame);
    if (frame.error != 0)
        return Error(static_cast<ErrorCode>(frame.error), frame.message);
    return frame;
}

u64 address(void const* pointer) { return reinterpret_cast<uptr>(pointer); }
u64 word(RawHandle handle) { return kernel::handle_word(handle); }

template<CapabilityClass Class>
RawHandle raw(Handle<Class> const& handle)
{
    return { handle.space(), handle.slot(), handle.generation() };
}

RawHandle raw_result(CallFrame const& frame) { return kernel::handle_from_words(frame.results[0], frame.results[1]); }

template<CapabilityClass Class>
Handle<Class> handle_result(CallFrame const& frame)
{
    auto result = raw_result(frame);
    return Handle<Class>(result.space, result.slot, result.generation);
}

template<CapabilityClass Class>
ErrorOr<Handle<Class>> handle_call(Call number, std::initializer_list<u64> arguments)
{
    auto frame = call(number, arguments);
    if (frame.is_error())
        return frame.release_error();
    return handle_result<Class>(frame.value());
}

ErrorOr<void> void_call(Call number, std::initializer_list<u64> arguments)
{
    auto frame = call(number, arguments);
    if (frame.is_error())
        return frame.release_error();
    return {};
}

}

u64 wait(u64 mask)
{
    auto frame = frame_of(Call::Wait, { mask });
    enter(frame);
    return frame.results[0];
}

u64 wait_until(u64 mask, u64 deadline, SignalBit deadline_bit)
{
    auto frame = frame_of(Call::WaitUntil, { mask, deadline, deadline_bit.index() });
    enter(frame);
    return frame.results[0];
}

u64 take_pending(u64 mask)
{
    auto frame = frame_of(Call::Wait, { mask, 1 });
    enter(frame);
    return frame.results[0];
}

void yield()
{
    auto frame = frame_of(Call::Yield, {});
    enter(frame);
}

ErrorOr<void> raise(SignalCap const& signal)
{
    return void_call(Call::Raise, { word(raw(signal)), signal.generation() });
}

ErrorOr<SignalCap> signal_capability(SignalBit bit)
{
    return handle_call<CapabilityClass::Signal>(Call::SignalCapability, { bit.index() });
}

u64 monotonic_nanoseconds()
{
    auto frame = frame_of(Call::MonotonicNow, {});
    enter(frame);
    return frame.results[0];
}

usize entropy(u8* buffer, usize size)
{
    auto frame = frame_of(Call::Entropy, { address(buffer), size });
    enter(frame);
    usize gathered = frame.error == 0 ? frame.results[0] : 0;
    return gathered < size ? gathered : size;
}

ErrorOr<RawHandle> attenuate(RawHandle handle, CapabilityClass capability_class, Rights keep)
{
    auto frame = TRY(call(Call::Attenuate, { word(handle), handle.generation, u64(capability_class), keep }));
    return raw_result(frame);
}

ErrorOr<usize> revoke(RawHandle handle, CapabilityClass capability_class)
{
    auto frame = TRY(call(Call::Revoke, { word(handle), handle.generation, u64(capability_class) }));
    return frame.results[0];
}

ErrorOr<void> remove(RawHandle handle, CapabilityClass capability_class)
{
    return void_call(Call::Remove, { word(handle), handle.generation, u64(capability_class) });
}

ErrorOr<CapabilityDescription> describe(RawHandle handle, CapabilityClass capability_class)
{
    auto frame = TRY(call(Call::Describe, { word(handle), handle.generation, u64(capability_class) }));
    return CapabilityDescription { static_cast<CapabilityClass>(frame.results[0]), static_cast<Rights>(frame.results[1]) };
}

ErrorOr<RawHandle> take(std::string_view name, CapabilityClass capability_class)
{
    auto frame = TRY(call(Call::BundleTake, { address(name.data()), name.size(), u64(capability_class) }));
    return raw_result(frame);
}

ErrorOr<usize> bundle_slots(std::span<Bundle::SlotDescription> into)
{
    auto frame = TRY(call(Call::BundleDescribe, { address(into.data()), into.size() }));
    return frame.results[0];
}

ErrorOr<void> bundle_place(TaskCap const& child, std::string_view name, RawHandle source, CapabilityClass capability_class,
    bool copy, Rights rights)
{
    kernel::BundlePlacement placement {
        { word(raw(child)), child.generation() },
        name.data(),
        name.size(),
        { word(source), source.generation },
        u64(capability_class),
        rights,
    };
    return void_call(copy ? Call::BundleGrant : Call::BundleGive, { address(&placement) });
}

ErrorOr<ReticleCap> carve(ReticleCap const& parent, usize size)
{
    return handle_call<CapabilityClass::Reticle>(Call::Carve, { word(raw(parent)), parent.generation(), size });
}

ErrorOr<void> reclaim(ReticleCap const& memory)
{
    return void_call(Call::Reclaim, { word(raw(memory)), memory.generation() });
}

ErrorOr<MemCap> create_memory(ReticleCap const& memory, usize size, Rights rights)
{
    return handle_call<CapabilityClass::Memory>(Call::CreateMemory,
        { word(raw(memory)), memory.generation(), size, rights });
}

ErrorOr<std::span<u8>> ring_slot_memory(RingCap const& ring)
{
    auto frame = TRY(call(Call::RingSlotMemory, { word(raw(ring)), ring.generation() }));
    return std::span<u8>(reinterpret_cast<u8*>(frame.results[0]), frame.results[1]);
}

ErrorOr<std::span<u8>> map_memory(MemCap const& memory)
{
    auto frame = TRY(call(Call::MapMemory, { word(raw(memory)), memory.generation(), 1 }));
    return std::span<u8>(reinterpret_cast<u8*>(frame.results[0]), frame.results[1]);
}

ErrorOr<std::span<u8 const>> map_memory_read_only(MemCap const& memory)
{
    auto frame = TRY(call(Call::MapMemory, { word(raw(memory)), memory.generation(), 0 }));
    return std::span<u8 const>(reinterpret_cast<u8 const*>(frame.results[0]), frame.results[1]);
}

ErrorOr<TaskCap> spawn(TaskCap const& authority, ReticleCap const& memory, SpawnRequest const& request)
{
    return handle_call<CapabilityClass::Task>(Call::Spawn,
        { word(raw(authority)), authority.generation(), word(raw(memory)), memory.generation(), address(&request) });
}

ErrorOr<TaskStatus> task_status(TaskCap const& task)
{
    TaskStatus status;
    TRY(call(Call::TaskStatus, { word(raw(task)), task.generation(), address(&status) }));
    return status;
}

TaskStatus self_status()
{
    TaskStatus status;
    auto frame = frame_of(Call::SelfStatus, { address(&status) });
    enter(frame);
    return status;
}

ErrorOr<void> reap(TaskCap&& task)
{
    auto reaped = void_call(Call::Reap, { word(raw(task)), task.generation() });
    if (!reaped.is_error())
        task = TaskCap();
    return reaped;
}

ErrorOr<RingCap> create_ring(ReticleCap const& memory, u32 slot_count, u32 slot_size, u64 schema_id)
{
    return handle_call<CapabilityClass::Ring>(Call::CreateRing,
        { word(raw(memory)), memory.generation(), slot_count, slot_size, schema_id });
}

ErrorOr<void> reset_ring(RingCap const& ring)
{
    return void_call(Call::ResetRing, { word(raw(ring)), ring.generation() });
}

ErrorOr<TimerCap> create_timer(ReticleCap const& memory, SignalBit bit)
{
    return handle_call<CapabilityClass::Timer>(Call::CreateTimer, { word(raw(memory)), memory.generation(), bit.index() });
}

ErrorOr<void> arm_timer(TimerCap const& timer, u64 deadline)
{
    return void_call(Call::ArmTimer, { word(raw(timer)), timer.generation(), deadline });
}

ErrorOr<void> cancel_timer(TimerCap const& timer)
{
    return void_call(Call::CancelTimer, { word(raw(timer)), timer.generation() });
}

ErrorOr<void> bind_interrupt(IrqCap const& irq, SignalBit bit)
{
    return void_call(Call::BindInterrupt, { word(raw(irq)), irq.generation(), bit.index() });
}

ErrorOr<void> trigger_software_interrupt(IrqCap const& irq)
{
    return void_call(Call::TriggerInterrupt, { word(raw(irq)), irq.generation() });
}

ErrorOr<u64> acknowledge_interrupt(IrqCap const& irq)
{
    auto frame = TRY(call(Call::AcknowledgeInterrupt, { word(raw(irq)), irq.generation() }));
    return frame.results[0];
}

ErrorOr<u32> interrupt_line(IrqCap const& irq)
{
    auto frame = TRY(call(Call::InterruptLine, { word(raw(irq)), irq.generation() }));
    return static_cast<u32>(frame.results[0]);
}

ErrorOr<void> console_write(ConsoleCap const& console, std::string_view text)
{
    return void_call(Call::ConsoleWrite, { word(raw(console)), console.generation(), address(text.data()), text.size() });
}

ErrorOr<DisplayMode> display_mode(DisplayCap const& display)
{
    auto frame = TRY(call(Call::DisplayMode, { word(raw(display)), display.generation() }));
    DisplayMode mode;
    mode.width = static_cast<u32>(frame.results[0]);
    mode.height = static_cast<u32>(frame.results[0] >> 32);
    mode.stride = static_cast<u32>(frame.results[1]);
    mode.format = static_cast<PixelFormat>(frame.results[1] >> 32);
    return mode;
}

ErrorOr<MemCap> display_memory(DisplayCap const& display, bool writable)
{
    return handle_call<CapabilityClass::Memory>(Call::DisplayMemory,
        { word(raw(display)), display.generation(), writable ? 1u : 0u });
}

ErrorOr<void> present(DisplayCap const& display, Rectangle const& damage)
{
    return void_call(Call::DisplayPresent, { word(raw(display)), display.generation(),
        u64(damage.x) | (u64(damage.y) << 32), u64(damage.width) | (u64(damage.height) << 32) });
}

ErrorOr<HostInputInfo> host_input_info(DeviceCap const& input)
{
    auto frame = TRY(call(Call::HostInputInfo, { word(raw(input)), input.generation() }));
    return HostInputInfo { static_cast<u32>(frame.results[0]), static_cast<u32>(frame.results[0] >> 32), frame.results[1] };
}

ErrorOr<usize> host_input_drain(DeviceCap const& input, std::span<HostInputEvent> into)
{
    auto frame = TRY(call(Call::HostInputDrain, { word(raw(input)), input.generation(), address(into.data()), into.size() }));
    return static_cast<usize>(frame.results[0]);
}

ErrorOr<IrqCap> host_input_interrupt(DeviceCap const& input, ReticleCap const& memory, SignalBit bit)
{
    return handle_call<CapabilityClass::Irq>(Call::HostInputInterrupt,
        { word(raw(input)), input.generation(), word(raw(memory)), memory.generation(), bit.index() });
}

ErrorOr<IrqCap> host_sockets_interrupt(DeviceCap const& sockets, ReticleCap const& memory, SignalBit bit)
{
    return handle_call<CapabilityClass::Irq>(Call::HostSocketsInterrupt,
        { word(raw(sockets)), sockets.generation(), word(raw(memory)), memory.generation(), bit.index() });
}

ErrorOr<u8> i8042_read(DeviceCap const& controller, u16 port)
{
    auto frame = TRY(call(Call::I8042Read, { word(raw(controller)), controller.generation(), port }));
    return static_cast<u8>(frame.results[0]);
}

ErrorOr<void> i8042_write(DeviceCap const& controller, u16 port, u8 value)
{
    return void_call(Call::I8042Write, { word(raw(controller)), controller.generation(), port, value });
}

ErrorOr<IrqCap> i8042_interrupt(DeviceCap const& controller, ReticleCap const& memory, SignalBit bit)
{
    return handle_call<CapabilityClass::Irq>(Call::I8042Interrupt,
        { word(raw(controller)), controller.generation(), word(raw(memory)), memory.generation(), bit.index() });
}

ErrorOr<DiskInfo> disk_info(DeviceCap const& disk)
{
    auto frame = TRY(call(Call::BlockInfo, { word(raw(disk)), disk.generation() }));
    return DiskInfo { static_cast<u32>(frame.results[1]), frame.results[0], ((frame.results[1] >> 32) & 1) != 0 };
}

namespace {

ErrorOr<void> disk_transfer(Call number, DeviceCap const& disk, MemCap const& memory, u64 offset, u64 first, u32 count)
{
    if (count > maximum_disk_transfer_blocks || offset >= (u64(1) << 48))
        return Error(ErrorCode::InvalidArgument, "at most 65535 blocks per transfer, at a memory offset below 2^48");
    return void_call(number, { word(raw(disk)), disk.generation(), word(raw(memory)), memory.generation(),
        offset | (u64(count) << 48), first });
}

}

ErrorOr<void> disk_read(DeviceCap const& disk, MemCap const& memory, u64 offset, u64 first, u32 count)
{
    return disk_transfer(Call::BlockRead, disk, memory, offset, first, count);
}

ErrorOr<void> disk_write(DeviceCap const& disk, MemCap const& memory, u64 offset, u64 first, u32 count)
{
    return disk_transfer(Call::BlockWrite, disk, memory, offset, first, count);
}

ErrorOr<void> disk_flush(DeviceCap const& disk)
{
    return void_call(Call::BlockFlush, { word(raw(disk)), disk.generation() });
}

namespace {

ErrorOr<HostSocketResult> host_socket_call(DeviceCap const& sockets, HostSocketOperation operation, u32 index, u32 extra,
    HostAddress const* address, std::span<u8 const> bytes)
{
    auto frame = TRY(call(Call::HostSocket,
        { word(raw(sockets)), sockets.generation(), u64(operation) | (u64(index & 0xffffff) << 8) | (u64(extra) << 32),
            reinterpret_cast<u64>(address), reinterpret_cast<u64>(bytes.data()), bytes.size() }));
    return HostSocketResult { HostSocketStatus(frame.results[1] & 0xff), static_cast<u32>(frame.results[0]),
        ((frame.results[1] >> 8) & 1) != 0 };
}

}

ErrorOr<HostSocketResult> host_socket_open(DeviceCap const& sockets, HostSocketKind kind, HostAddress const& address, u16 backlog)
{
    return host_socket_call(sockets, HostSocketOperation::Open, 0, u32(kind) | (u32(backlog) << 8), &address, {});
}

ErrorOr<HostSocketResult> host_socket_accept(DeviceCap const& sockets, u32 listener, HostAddress& remote)
{
    return host_socket_call(sockets, HostSocketOperation::Accept, listener, 0, &remote, {});
}

ErrorOr<HostSocketResult> host_socket_send(DeviceCap const& sockets, u32 socket, std::span<u8 const> bytes, HostAddress const* to)
{
    return host_socket_call(sockets, HostSocketOperation::Send, socket, 0, to, bytes);
}

ErrorOr<HostSocketResult> host_socket_receive(DeviceCap const& sockets, u32 socket, std::span<u8> bytes, HostAddress& from)
{
    return host_socket_call(sockets, HostSocketOperation::Receive, socket, 0, &from, bytes);
}

ErrorOr<HostSocketResult> host_socket_shutdown(DeviceCap const& sockets, u32 socket, u8 how)
{
    return host_socket_call(sockets, HostSocketOperation::Shutdown, socket, how, nullptr, {});
}

ErrorOr<void> host_socket_close(DeviceCap const& sockets, u32 socket)
{
    TRY(host_socket_call(sockets, HostSocketOperation::Close, socket, 0, nullptr, {}));
    return {};
}

ErrorOr<u32> host_socket_ready(DeviceCap const& sockets, u32 socket)
{
    return TRY(host_socket_call(sockets, HostSocketOperation::Ready, socket, 0, nullptr, {})).value;
}

ErrorOr<u32> entropy_feed(DeviceCap const& source, std::span<u8 const> bytes, usize credit)
{
    auto frame = TRY(call(Call::EntropyFeed, { word(raw(source)), source.generation(), address(bytes.data()), bytes.size(), credit }));
    return static_cast<u32>(frame.results[0]);
}

ErrorOr<usize> snapshot_size(DeviceCap const& snapshot)
{
    auto frame = TRY(call(Call::SnapshotSize, { word(raw(snapshot)), snapshot.generation() }));
    return static_cast<usize>(frame.results[0]);
}

ErrorOr<usize> snapshot_read(DeviceCap const& snapshot, std::span<u8> buffer)
{
    auto frame = TRY(call(Call::SnapshotRead, { word(raw(snapshot)), snapshot.generation(), address(buffer.data()), buffer.size() }));
    return static_cast<usize>(frame.results[0]);
}

ErrorOr<HostAddress> host_socket_local(DeviceCap const& sockets, u32 socket)
{
    HostAddress local;
    auto result = TRY(host_socket_call(sockets, HostSocketOperation::Local, socket, 0, &local, {}));
    if (result.status != HostSocketStatus::Done)
        return Error(ErrorCode::NotFound, "the host knows no local address for the socket");
    return local;
}

}

namespace vectra {

ErrorOr<usize> Bundle::describe(std::span<SlotDescription> into) const
{
    return system::bundle_slots(into);
}

}

namespace vectra::system {

ErrorOr<PciDeviceCap> pci_open(DeviceCap const& bus, ReticleCap const& memory, PciMatch match, u32 index)
{
    return handle_call<CapabilityClass::PciDevice>(Call::PciOpen,
        { word(raw(bus)), bus.generation(), word(raw(memory)), memory.generation(), match.word(), index });
}

ErrorOr<PciFunctionInfo> pci_describe(PciDeviceCap const& device)
{
    auto frame = TRY(call(Call::PciDescribe, { word(raw(device)), device.generation() }));
    u64 place = frame.results[0];
    u64 kind = frame.results[1];
    PciFunctionInfo info;
    info.bus = static_cast<u8>(place);
    info.device = static_cast<u8>(place >> 8);
    info.function = static_cast<u8>(place >> 16);
    info.header_type = static_cast<u8>(place >> 24);
    info.vendor_id = static_cast<u16>(place >> 32);
    info.device_id = static_cast<u16>(place >> 48);
    info.revision = static_cast<u8>(kind);
    info.interface = static_cast<u8>(kind >> 8);
    info.subclass = static_cast<u8>(kind >> 16);
    info.class_code = static_cast<u8>(kind >> 24);
    return info;
}

ErrorOr<u32> pci_config_read(PciDeviceCap const& device, u16 offset, u8 width)
{
    auto frame = TRY(call(Call::PciConfigRead, { word(raw(device)), device.generation(), offset, width }));
    return static_cast<u32>(frame.results[0]);
}

ErrorOr<void> pci_config_write(PciDeviceCap const& device, u16 offset, u8 width, u32 value)
{
    return void_call(Call::PciConfigWrite, { word(raw(device)), device.generation(), offset, width, value });
}

ErrorOr<PciBarInfo> pci_bar(PciDeviceCap const& device, u8 index)
{
    auto frame = TRY(call(Call::PciBar, { word(raw(device)), device.generation(), index }));
    PciBarInfo info;
    info.size = frame.results[0];
    info.kind = static_cast<PciBarInfo::Kind>(frame.results[1] & 0xff);
    info.prefetchable = ((frame.results[1] >> 8) & 1) != 0;
    info.assigned = ((frame.results[1] >> 9) & 1) != 0;
    return info;
}

ErrorOr<DeviceMemoryCap> device_memory(PciDeviceCap const& device, ReticleCap const& memory, u8 bar)
{
    return handle_call<CapabilityClass::DeviceMemory>(Call::DeviceMemoryOpen,
        { word(raw(device)), device.generation(), word(raw(memory)), memory.generation(), bar });
}

ErrorOr<u64> dma_address(PciDeviceCap const& device, MemCap const& memory)
{
    auto frame = TRY(call(Call::DmaAddress, { word(raw(device)), device.generation(), word(raw(memory)), memory.generation() }));
    return frame.results[0];
}

ErrorOr<IrqCap> pci_interrupt(PciDeviceCap const& device, ReticleCap const& memory, u16 entry, SignalBit bit)
{
    return handle_call<CapabilityClass::Irq>(Call::PciInterrupt,
        { word(raw(device)), device.generation(), word(raw(memory)), memory.generation(), entry, bit.index() });
}

ErrorOr<VirtioMmioSlotCap> mmio_slot_open(DeviceCap const& bus, ReticleCap const& memory, u32 device_id, u32 index)
{
    return handle_call<CapabilityClass::VirtioMmioSlot>(Call::MmioSlotOpen,
        { word(raw(bus)), bus.generation(), word(raw(memory)), memory.generation(), device_id, index });
}

ErrorOr<MmioSlotInfo> mmio_slot_describe(VirtioMmioSlotCap const& slot)
{
    auto frame = TRY(call(Call::MmioSlotDescribe, { word(raw(slot)), slot.generation() }));
    MmioSlotInfo info;
    info.device_id = static_cast<u32>(frame.results[0]);
    info.version = static_cast<u32>(frame.results[0] >> 32);
    info.size = static_cast<u32>(frame.results[1]);
    info.line = static_cast<u32>(frame.results[1] >> 32) & 0x7fff'ffff;
    info.level = (frame.results[1] >> 63) != 0;
    return info;
}

ErrorOr<u32> mmio_slot_read(VirtioMmioSlotCap const& slot, u32 offset)
{
    auto frame = TRY(call(Call::MmioSlotRead, { word(raw(slot)), slot.generation(), offset }));
    return static_cast<u32>(frame.results[0]);
}

ErrorOr<void> mmio_slot_write(VirtioMmioSlotCap const& slot, u32 offset, u32 value)
{
    return void_call(Call::MmioSlotWrite, { word(raw(slot)), slot.generation(), offset, value });
}

ErrorOr<u64> mmio_slot_dma_address(VirtioMmioSlotCap const& slot, MemCap const& memory)
{
    auto frame = TRY(call(Call::MmioSlotDmaAddress, { word(raw(slot)), slot.generation(), word(raw(memory)), memory.generation() }));
    return frame.results[0];
}

ErrorOr<IrqCap> mmio_slot_interrupt(VirtioMmioSlotCap const& slot, ReticleCap const& memory, SignalBit bit)
{
    return handle_call<CapabilityClass::Irq>(Call::MmioSlotInterrupt,
        { word(raw(slot)), slot.generation(), word(raw(memory)), memory.generation(), bit.index() });
}

ErrorOr<std::span<u8 volatile>> map_device_memory(DeviceMemoryCap const& memory, bool writable)
{
    auto frame = TRY(call(Call::DeviceMemoryMap, { word(raw(memory)), memory.generation(), writable ? 1u : 0u }));
    return std::span<u8 volatile>(reinterpret_cast<u8 volatile*>(frame.results[0]), static_cast<usize>(frame.results[1]));
}

}

namespace vectra {

char const* pci_bar_kind_name(PciBarInfo::Kind kind)
{
    switch (kind) {
    case PciBarInfo::Kind::None: return "none";
    case PciBarInfo::Kind::Io: return "io";
    case PciBarInfo::Kind::Memory32: return "mem32";
    case PciBarInfo::Kind::Memory64: return "mem64";
    }
    return "unknown";
}

}
